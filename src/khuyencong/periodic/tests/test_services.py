"""Opening, pre-filling, saving, validating and the workflow of a periodic report."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.models import ObjectChange
from khuyencong.periodic.models import PeriodicReport, ReportValue, State
from khuyencong.periodic.services import (
    check,
    prefilled_values,
    report_accept,
    report_approve,
    report_open,
    report_return,
    report_save_values,
    report_submit,
    report_unlock,
)
from khuyencong.periodic.tests.conftest import FILLED
from khuyencong.projects.models import LedgerKind
from khuyencong.projects.services import ledger

pytestmark = pytest.mark.django_db
D = datetime.date


def value_of(report, code):
    row = ReportValue.objects.filter(report=report, field__code=code).first()
    return row.value if row else None


# --- pre-filled money equals the ledger -----------------------------------------------------------


@pytest.fixture
def ha_giang_2020(people):
    """Project P1 of the engine's tests in former Hà Giang: KCQG allocated 90.000.000 and amended
    −10.000.000 (plan 2020: 80.000.000); advance 40.000.000 on 10/03/2020 (Q1), payment
    30.000.000 on 20/11/2020 (Q4); and 10.000.000 more on 15/01/2021 (Q1 2021, no 2021 plan)."""
    from khuyencong.reporting.tests.test_engine import former, record_2020

    ha_giang = former("02")
    p1 = record_2020(
        people, ha_giang, 100_000_001, 50_000_000, recommended_doit=100_000_001, recommended=90_000_000
    )
    for kind, amount, day in [
        (LedgerKind.ALLOCATED, 90_000_000, D(2020, 2, 10)),
        (LedgerKind.AMENDED, -10_000_000, D(2020, 9, 15)),
        (LedgerKind.ADVANCED, 40_000_000, D(2020, 3, 10)),
        (LedgerKind.DISBURSED, 30_000_000, D(2020, 11, 20)),
    ]:
        ledger.record(p1, kind, amount, day)
    return ha_giang, p1


def test_prefilled_funds_equal_the_ledger_for_the_province_as_it_was(people, quarterly, ha_giang_2020):
    ha_giang, _p1 = ha_giang_2020
    # the officer of today's Tuyên Quang files for former Hà Giang, which it absorbed
    q1 = report_open(
        user=people["doit"], form=quarterly, province=ha_giang, start=D(2020, 1, 1), end=D(2020, 3, 31)
    )
    q4 = report_open(
        user=people["doit"], form=quarterly, province=ha_giang, start=D(2020, 10, 1), end=D(2020, 12, 31)
    )
    q2 = report_open(
        user=people["doit"], form=quarterly, province=ha_giang, start=D(2020, 4, 1), end=D(2020, 6, 30)
    )
    assert (value_of(q1, "kinh-phi-kcqg"), value_of(q1, "kinh-phi-kcdp")) == (40_000_000, 0)
    assert value_of(q4, "kinh-phi-kcqg") == 30_000_000
    assert value_of(q2, "kinh-phi-kcqg") == 0
    # a value typed for a ledger field is refused, naming it; the ledger's figure stays
    with pytest.raises(ValidationError) as refused:
        report_save_values(user=people["doit"], report=q1, values={"kinh-phi-kcqg": "999"})
    assert "kinh-phi-kcqg" in refused.value.message_dict
    assert value_of(q1, "kinh-phi-kcqg") == 40_000_000


def test_execution_above_the_years_plan_needs_an_explanation(people, quarterly, ha_giang_2020):
    ha_giang, p1 = ha_giang_2020
    ledger.record(p1, LedgerKind.DISBURSED, 10_000_000, D(2021, 1, 15))  # paid in 2021, no 2021 plan
    report = report_open(
        user=people["doit"], form=quarterly, province=ha_giang, start=D(2021, 1, 1), end=D(2021, 3, 31)
    )
    report_save_values(user=people["doit"], report=report, values=dict(FILLED))
    assert value_of(report, "kinh-phi-kcqg") == 10_000_000
    errors, _warnings = check(report)
    assert [str(p) for p in errors] == [
        "I. Kinh phí khuyến công đã thực hiện theo nguồn – Kinh phí khuyến công quốc gia (KCQG) đã chi: "
        "số chi vượt kế hoạch được giao năm 2021; đề nghị giải trình trong ô ghi chú"
    ]
    with pytest.raises(ValidationError):
        report_submit(user=people["doit"], report=report)
    report_save_values(
        user=people["doit"],
        report=report,
        values={},
        comments={"kinh-phi-kcqg": "Thanh toán khối lượng năm 2020"},
    )
    assert check(report)[0] == []
    report_submit(user=people["doit"], report=report)


# --- validation -----------------------------------------------------------------------------------------


def test_required_negative_and_staff_totals_are_named_by_section_and_field(people, q2_report):
    report_save_values(
        user=people["doit"],
        report=q2_report,
        values={**FILLED, "can-bo-tong-so": "20", "ctv-xa": "-3", "danh-gia": ""},
    )
    errors, _warnings = check(q2_report)
    texts = [str(p) for p in errors]
    centre = "III. Trung tâm khuyến công: nhân lực, cộng tác viên, cơ sở vật chất, tư vấn"
    assert texts == [
        f"{centre} – Tổng số cán bộ của trung tâm: 20 không bằng "
        "Trong đó: biên chế + Trong đó: hợp đồng (18)",
        f"{centre} – Số xã có cộng tác viên khuyến công: không được là số âm",
        "V. Đánh giá, khó khăn, vướng mắc và đề xuất, kiến nghị – Đánh giá chung: bắt buộc, chưa nhập",
    ]
    with pytest.raises(ValidationError) as error:
        report_submit(user=people["doit"], report=q2_report)
    assert texts[0] in error.value.messages


def test_a_typed_value_that_is_not_a_number_names_the_field(people, q2_report):
    with pytest.raises(ValidationError) as error:
        report_save_values(user=people["doit"], report=q2_report, values={"ctv-xa": "sáu mươi"})
    assert error.value.message_dict == {"ctv-xa": ["Số xã có cộng tác viên khuyến công: nhập một số nguyên."]}
    with pytest.raises(ValidationError):
        report_save_values(user=people["doit"], report=q2_report, values={"khong-co": "1"})
    for huge in ["99999999999999999999", "1000000000000000"]:
        with pytest.raises(ValidationError) as error:
            report_save_values(user=people["doit"], report=q2_report, values={"tu-van-doanh-thu": huge})
        assert error.value.message_dict == {
            "tu-van-doanh-thu": ["Doanh thu từ hoạt động tư vấn: số quá lớn."]
        }
    with pytest.raises(ValidationError):
        report_save_values(user=people["doit"], report=q2_report, values={"ctv-xa": "1,5"})


def test_a_dot_is_read_as_the_thousands_separator_only_before_three_digits(people, q2_report):
    """“3.5” is not thirty-five nor “1.2.3” one hundred and twenty-three: they are refused, naming the
    field, and nothing is saved; “1.500” and “1 500” are one thousand five hundred."""
    from khuyencong.periodic.models import ReportValue

    for typed in ["3.5", "1.2.3", "12.34", "1.5000", ".500"]:
        with pytest.raises(ValidationError) as error:
            report_save_values(user=people["doit"], report=q2_report, values={"ctv-xa": typed})
        assert error.value.message_dict == {
            "ctv-xa": ["Số xã có cộng tác viên khuyến công: nhập một số nguyên."]
        }, typed
    assert not ReportValue.objects.filter(report=q2_report, field__code="ctv-xa").exists()
    for typed, stored in [("1.500", 1500), ("1 500", 1500), ("79", 79), ("-3", -3)]:
        report_save_values(user=people["doit"], report=q2_report, values={"ctv-xa": typed})
        assert ReportValue.objects.get(report=q2_report, field__code="ctv-xa").value == stored, typed


def test_far_from_the_same_period_last_year_warns_without_blocking(
    people, quarterly, tuyen_quang, registered_documents
):
    last = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2025, 10, 1), end=D(2025, 12, 31)
    )
    report_save_values(user=people["doit"], report=last, values=dict(FILLED))
    for step, who in [(report_submit, "doit"), (report_accept, "agency"), (report_approve, "agency")]:
        step(user=people[who], report=last)
    this = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2026, 10, 1), end=D(2026, 12, 31)
    )
    report_save_values(
        user=people["doit"], report=this, values={**FILLED, "ctv-so-nguoi": "30", "tru-so": "2"}
    )
    errors, warnings = check(this)
    assert errors == []
    # 75 → 30 is −60 %; 1 → 2 is +100 %; the rest unchanged
    assert [(p.code, p.reason) for p in warnings] == [
        ("ctv-so-nguoi", "-60,00% so với cùng kỳ năm trước; đề nghị ghi chú"),
        ("tru-so", "+100,00% so với cùng kỳ năm trước; đề nghị ghi chú"),
    ]
    report_save_values(user=people["doit"], report=this, values={}, comments={"tru-so": "Thuê thêm trụ sở"})
    assert [p.code for p in check(this)[1]] == ["ctv-so-nguoi"]
    this = report_submit(user=people["doit"], report=this)  # warnings do not block
    assert this.state == State.SUBMITTED


# --- the workflow ------------------------------------------------------------------------------------------


def test_submit_return_resubmit_accept_approve_lock_unlock(people, filled_report):
    report = report_submit(user=people["doit"], report=filled_report)
    assert report.state == State.SUBMITTED and report.submitted_at is not None
    with pytest.raises(ValidationError) as error:
        report_return(user=people["agency"], report=report, reason="  ")
    assert error.value.message_dict == {"reason": ["Đề nghị nêu lý do trả lại báo cáo."]}
    report = report_return(user=people["agency"], report=report, reason="Thiếu số liệu cộng tác viên cấp xã")
    assert report.state == State.RETURNED
    report_save_values(user=people["doit"], report=report, values={"ctv-xa": "64"})
    report = report_submit(user=people["doit"], report=report)
    report = report_accept(user=people["agency"], report=report)
    report = report_approve(user=people["agency"], report=report)
    assert report.state == State.APPROVED and report.approved_by == people["agency"]

    with pytest.raises(ConflictError) as locked:
        report_save_values(user=people["doit"], report=report, values={"ctv-xa": "65"})
    assert "đã được phê duyệt và khóa" in str(locked.value.message)
    with pytest.raises(ConflictError):
        report_save_values(user=people["agency"], report=report, values={"ctv-xa": "65"})
    assert value_of(report, "ctv-xa") == 64

    with pytest.raises(ValidationError):
        report_unlock(user=people["agency"], report=report, reason="")
    report = report_unlock(user=people["agency"], report=report, reason="Sửa số trụ sở theo kiểm tra")
    assert report.state == State.ACCEPTED and report.approved_at is None
    events = list(report.events.values_list("action", "reason"))
    assert events == [
        ("open", ""),
        ("submit", ""),
        ("return", "Thiếu số liệu cộng tác viên cấp xã"),
        ("submit", ""),
        ("accept", ""),
        ("approve", ""),
        ("unlock", "Sửa số trụ sở theo kiểm tra"),
    ]
    # audited like the rest of the product: the value's change is in the change log, under the report
    change = ObjectChange.objects.filter(
        object_repr__startswith="Số xã có cộng tác viên khuyến công:", action="update"
    ).latest("id")
    assert change.after == {"number": 64} and change.user == people["doit"]
    assert change.parent_object_id == report.pk


def test_who_may_take_each_step(people, filled_report):
    with pytest.raises(PermissionDenied):  # the agency does not submit for the province
        report_submit(user=people["agency"], report=filled_report)
    with pytest.raises(PermissionDenied):  # another province does not see it
        report_submit(user=people["other_doit"], report=filled_report)
    report_submit(user=people["doit"], report=filled_report)
    for step in (report_accept, report_approve):
        with pytest.raises((PermissionDenied, ValidationError)):
            step(user=people["doit"], report=filled_report)
    with pytest.raises(PermissionDenied):
        report_return(user=people["leader"], report=filled_report, reason="x")
    with pytest.raises(ValidationError):  # approve needs accept first
        report_approve(user=people["agency"], report=filled_report)
    with pytest.raises(ValidationError):  # a submitted report is not edited
        report_save_values(user=people["doit"], report=filled_report, values={"ctv-xa": "1"})


def test_one_report_per_form_province_and_period(people, quarterly, tuyen_quang, q2_report):
    again = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2026, 4, 1), end=D(2026, 6, 30)
    )
    assert again.pk == q2_report.pk
    assert PeriodicReport.objects.count() == 1
    with pytest.raises(ValidationError):
        report_open(
            user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2026, 4, 1), end=D(2026, 5, 31)
        )
    with pytest.raises(PermissionDenied):
        report_open(
            user=people["other_doit"],
            form=quarterly,
            province=tuyen_quang,
            start=D(2026, 1, 1),
            end=D(2026, 3, 31),
        )


def test_prefilled_values_are_computed_for_every_prefilled_field(q2_report):
    values = prefilled_values(q2_report)
    assert len(values) == 2 + 5  # two ledger fields, five indicators
    assert set(values.values()) == {0}


def test_indicators_follow_the_projects_until_the_province_changes_them(people, q2_report, monkeypatch):
    from khuyencong.periodic import services
    from khuyencong.periodic.models import FormField

    fields = {f.code: f.pk for f in FormField.objects.filter(section__form=q2_report.form)}
    report_save_values(
        user=people["doit"], report=q2_report, values={"lao-dong-dao-tao": "120", "hoi-thao": "0"}
    )
    # projects' results approved later: 35 workers trained, 2 workshops
    later = {fields["lao-dong-dao-tao"]: 35, fields["hoi-thao"]: 2}
    monkeypatch.setattr(services, "prefilled_values", lambda report: later)
    services.refresh_prefilled(q2_report)
    assert value_of(q2_report, "lao-dong-dao-tao") == 120  # typed by the province: kept
    assert value_of(q2_report, "hoi-thao") == 2  # not changed by hand: follows the projects
    report_save_values(user=people["doit"], report=q2_report, values={"lao-dong-dao-tao": ""})
    assert value_of(q2_report, "lao-dong-dao-tao") == 35  # emptied: the projects' figure again


def test_todays_province_prefills_the_money_of_its_predecessors_from_q3_2025(
    people, quarterly, tuyen_quang, ha_giang_2020
):
    """Former Hà Giang's project P1 pays 5.000.000 on 15/08/2025, after the merger: the new Tuyên
    Quang's Q3 2025 report carries it (the ledger keeps the province as it was: Hà Giang); former
    Hà Giang's own 2020 reports keep only Hà Giang's money of their quarters."""
    ha_giang, p1 = ha_giang_2020
    ledger.record(p1, LedgerKind.DISBURSED, 5_000_000, D(2025, 8, 15))
    q3 = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2025, 7, 1), end=D(2025, 9, 30)
    )
    assert value_of(q3, "kinh-phi-kcqg") == 5_000_000
    q4_2020 = report_open(
        user=people["doit"], form=quarterly, province=ha_giang, start=D(2020, 10, 1), end=D(2020, 12, 31)
    )
    assert value_of(q4_2020, "kinh-phi-kcqg") == 30_000_000


def test_opening_the_pages_shows_todays_ledger_without_writing_it(client, people, quarterly, ha_giang_2020):
    """A payment recorded after the report was opened shows on its pages at once; it is stored
    only when the province saves (a page that is only read writes nothing)."""
    from django.urls import reverse

    ha_giang, p1 = ha_giang_2020
    q4 = report_open(
        user=people["doit"], form=quarterly, province=ha_giang, start=D(2020, 10, 1), end=D(2020, 12, 31)
    )
    assert value_of(q4, "kinh-phi-kcqg") == 30_000_000
    ledger.record(p1, LedgerKind.DISBURSED, 7_000_000, D(2020, 12, 5))
    stored = list(ReportValue.objects.filter(report=q4).values_list("id", "number", "text"))
    changes = ObjectChange.objects.count()
    client.force_login(people["doit"])
    for name in ("periodic:edit", "periodic:detail"):
        page = client.get(reverse(name, args=[q4.pk]))
        assert page.status_code == 200
        shown = {line.field.code: line.value for s in page.context["sections"] for line in s.lines}
        assert shown["kinh-phi-kcqg"] == 37_000_000
    assert list(ReportValue.objects.filter(report=q4).values_list("id", "number", "text")) == stored
    assert ObjectChange.objects.count() == changes
    report_save_values(user=people["doit"], report=q4, values={})
    assert value_of(q4, "kinh-phi-kcqg") == 37_000_000


def test_todays_province_is_compared_with_what_its_predecessors_reported(people, quarterly, tuyen_quang):
    """From 01/07/2025 the new Tuyên Quang reports for former Hà Giang and former Tuyên Quang too,
    so its figures are set against theirs: Q2 2026's 115 collaborators against the sum of their
    approved Q2 2025 reports (75 + 40 = 115, ±0 %) – and against nothing while only one of them is
    approved (a part of the province is no comparison)."""
    from khuyencong.periodic.queries import report_sections
    from khuyencong.periodic.tests.test_facts import file_report
    from khuyencong.reporting.tests.test_engine import former

    q2_2025 = (D(2025, 4, 1), D(2025, 6, 30))
    file_report(quarterly, former("02"), *q2_2025, State.APPROVED, ctv_so_nguoi=75)
    old_tq = file_report(quarterly, former("08"), *q2_2025, State.SUBMITTED, ctv_so_nguoi=40)
    this = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2026, 4, 1), end=D(2026, 6, 30)
    )
    report_save_values(user=people["doit"], report=this, values={**FILLED, "ctv-so-nguoi": "115"})

    def collaborators():
        lines = [line for section in report_sections(this) for line in section.lines]
        line = next(line for line in lines if line.field.code == "ctv-so-nguoi")
        return line.last_year, line.change

    assert collaborators() == (None, None)
    PeriodicReport.objects.filter(pk=old_tq.pk).update(state=State.APPROVED)
    assert collaborators() == (115, 0)
