"""The approved periodic reports as facts of the reporting engine, against hand-computed figures.

Former Hà Giang and former Tuyên Quang merged into the new Tuyên Quang on 01/07/2025. The reports
(staff = the centre's staff total, revenue = consulting revenue):

=============  =======  ========  =====  =======  ============  ===========
province       period   state     staff  revenue  programme?    approved on
=============  =======  ========  =====  =======  ============  ===========
Hà Giang       Q2/2024  approved     10       50  no            20/07/2024
Hà Giang       Q4/2024  approved     12      100  yes           20/01/2025  (40 collaborators)
Tuyên Quang    Q4/2024  approved     25       70  no            25/01/2025
Tuyên Quang    Q3/2024  returned     99     1000  yes           –
Hà Giang       Q2/2025  approved     11        0  yes           20/07/2025
Tuyên Quang    Q2/2025  approved     24        0  yes           20/07/2025
new T. Quang   Q4/2025  approved     35       30  yes           20/01/2026
Hà Nội (new)   Q4/2025  draft       500      900  yes           –
=============  =======  ========  =====  =======  ============  ===========
"""

from __future__ import annotations

import datetime

import pytest

from khuyencong.core.permissions import Scope, build_scope
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.periodic.models import FormField, PeriodicReport, ReportEvent, ReportValue, State
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting import measures as ms
from khuyencong.reporting.engine import aggregate

D = datetime.date
NATIONAL = Scope(national_read=True)
NEW = D(2025, 7, 1)


def _province(code: str, new: bool) -> AdministrativeUnit:
    units = AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=code)
    return units.get(valid_from=NEW) if new else units.exclude(valid_from=NEW).get()


def file_report(form, province, start, end, state, approved_on=None, user=None, **values):
    """A report with its values (field codes with “-” written “_”) and its approval step."""
    report = PeriodicReport.objects.create(
        form=form, province=province, period_start=start, period_end=end, state=state
    )
    for code, value in values.items():
        field = FormField.objects.get(section__form=form, code=code.replace("_", "-"))
        if isinstance(value, bool):
            ReportValue.objects.create(report=report, field=field, flag=value)
        elif isinstance(value, str):
            ReportValue.objects.create(report=report, field=field, text=value)
        else:
            ReportValue.objects.create(report=report, field=field, number=value)
    if approved_on is not None:
        event = ReportEvent.objects.create(
            report=report, action="approve", from_state="accepted", to_state=state
        )
        at = datetime.datetime.combine(approved_on, datetime.time(9), tzinfo=datetime.UTC)
        ReportEvent.objects.filter(pk=event.pk).update(at=at)
        PeriodicReport.objects.filter(pk=report.pk).update(approved_at=at, approved_by=user)
        report.refresh_from_db()
    return report


@pytest.fixture
def places(db):
    return {
        "ha_giang": _province("02", new=False),
        "old_tq": _province("08", new=False),
        "tq": _province("08", new=True),
        "hanoi": _province("01", new=True),
    }


@pytest.fixture
def reports(quarterly, places):
    A, R, DR = State.APPROVED, State.RETURNED, State.DRAFT
    hg, old, tq = places["ha_giang"], places["old_tq"], places["tq"]
    f = quarterly
    return [
        file_report(f, hg, D(2024, 4, 1), D(2024, 6, 30), A, D(2024, 7, 20), can_bo_tong_so=10,
                    tu_van_doanh_thu=50, chuong_trinh_tinh=False, chuong_trinh_tinh_so="99/QĐ-UBND"),
        file_report(f, hg, D(2024, 10, 1), D(2024, 12, 31), A, D(2025, 1, 20), can_bo_tong_so=12,
                    tu_van_doanh_thu=100, chuong_trinh_tinh=True, chuong_trinh_tinh_so="1234/QĐ-UBND",
                    ctv_so_nguoi=40),
        file_report(f, old, D(2024, 10, 1), D(2024, 12, 31), A, D(2025, 1, 25), can_bo_tong_so=25,
                    tu_van_doanh_thu=70, chuong_trinh_tinh=False),
        file_report(f, old, D(2024, 7, 1), D(2024, 9, 30), R, None, can_bo_tong_so=99,
                    tu_van_doanh_thu=1000, chuong_trinh_tinh=True),
        file_report(f, hg, D(2025, 4, 1), D(2025, 6, 30), A, D(2025, 7, 20), can_bo_tong_so=11,
                    tu_van_doanh_thu=0, chuong_trinh_tinh=True),
        file_report(f, old, D(2025, 4, 1), D(2025, 6, 30), A, D(2025, 7, 20), can_bo_tong_so=24,
                    tu_van_doanh_thu=0, chuong_trinh_tinh=True),
        file_report(f, tq, D(2025, 10, 1), D(2025, 12, 31), A, D(2026, 1, 20), can_bo_tong_so=35,
                    tu_van_doanh_thu=30, chuong_trinh_tinh=True),
        file_report(f, places["hanoi"], D(2025, 10, 1), D(2025, 12, 31), DR, None, can_bo_tong_so=500,
                    tu_van_doanh_thu=900, chuong_trinh_tinh=True),
    ]  # fmt: skip


def _by_key(table, measure):
    return {row.key: row.value(measure) for row in table.rows}


def test_stock_is_the_latest_approved_report_of_the_year_flow_is_the_sum(reports, places):
    hg, old = places["ha_giang"].pk, places["old_tq"].pk
    table = aggregate(
        NATIONAL,
        ["centre_staff", "consulting_revenue", "programme_approved"],
        by=["province"],
        filters={"period": dims.year(2024)},
    )
    # Hà Giang: Q4 (12), not Q2 + Q4; Tuyên Quang: its Q4 (25), the returned Q3 (99) is out
    assert _by_key(table, "centre_staff") == {hg: 12, old: 25}
    assert _by_key(table, "consulting_revenue") == {hg: 50 + 100, old: 70}
    assert _by_key(table, "programme_approved") == {hg: 1, old: 0}
    assert table.total.value("centre_staff") == 37
    assert table.total.value("consulting_revenue") == 220
    assert ms.get("consulting_revenue").is_money and not ms.get("centre_staff").is_money


def test_former_provinces_roll_up_and_give_way_to_their_successor(reports, places):
    hg, old, tq = places["ha_giang"].pk, places["old_tq"].pk, places["tq"].pk
    # 2024 in today's geography: the two former provinces' Q4 figures add up under Tuyên Quang
    now_2024 = aggregate(NATIONAL, ["centre_staff"], by=["province_now"], filters={"period": dims.year(2024)})
    assert _by_key(now_2024, "centre_staff") == {tq: 12 + 25}
    # 2025: the new province's Q4 replaces the former provinces' Q2 (no double count)
    now_2025 = aggregate(
        NATIONAL,
        ["centre_staff", "consulting_revenue"],
        by=["province_now"],
        filters={"period": dims.year(2025)},
    )
    assert _by_key(now_2025, "centre_staff") == {tq: 35}
    assert _by_key(now_2025, "consulting_revenue") == {tq: 30}
    # as it was: each province keeps its own reports; nationally the successor's figure stands
    was_2025 = aggregate(NATIONAL, ["centre_staff"], by=["province"], filters={"period": dims.year(2025)})
    assert _by_key(was_2025, "centre_staff") == {hg: 11, old: 24, tq: 35}
    assert was_2025.total.value("centre_staff") == 35
    # by year, over both years: one figure per year
    years = aggregate(NATIONAL, ["centre_staff", "consulting_revenue"], by=["movement_year"])
    assert _by_key(years, "centre_staff") == {2024: 37, 2025: 35}
    assert _by_key(years, "consulting_revenue") == {2024: 220, 2025: 30}
    # a region (the northern midlands and mountains) holds them all
    region = aggregate(NATIONAL, ["centre_staff"], by=["region_now"], filters={"period": dims.year(2025)})
    assert [row.value("centre_staff") for row in region.rows] == [35]


def test_bands_count_the_centres_by_their_latest_staff(reports, places):
    bands = ["centres_reporting", "centres_over_30", "centres_20_30", "centres_10_19", "centres_under_10"]
    y2024 = aggregate(NATIONAL, bands, filters={"period": dims.year(2024)}).total
    assert [y2024.value(b) for b in bands] == [2, 0, 1, 1, 0]
    y2025 = aggregate(NATIONAL, bands, by=["province"], filters={"period": dims.year(2025)})
    assert [y2025.total.value(b) for b in bands] == [1, 1, 0, 0, 0]
    assert ms.in_band(30, (20, 30)) and ms.in_band(20, (20, 30)) and not ms.in_band(31, (20, 30))
    assert ms.in_band(31, (31, None)) and ms.in_band(0, (None, 9)) and not ms.in_band(10, (None, 9))


def test_on_a_date_counts_only_what_was_approved_by_then(reports, places):
    hg = places["ha_giang"].pk
    table = aggregate(
        NATIONAL,
        ["centre_staff", "consulting_revenue"],
        by=["province"],
        filters={"period": dims.year(2024)},
        on=D(2025, 1, 22),
    )
    # Hà Giang's Q4 was approved on 20/01/2025, Tuyên Quang's only on the 25th
    assert _by_key(table, "centre_staff") == {hg: 12}
    earlier = aggregate(NATIONAL, ["centre_staff"], filters={"period": dims.year(2024)}, on=D(2025, 1, 10))
    assert earlier.total.value("centre_staff") == 10


def test_scope_a_province_sees_its_own_and_its_predecessors(reports, places):
    from khuyencong.testing.factories import user_with_role

    tq_officer = user_with_role("provincial_officer", province=places["tq"], username="f_tq")
    hanoi_officer = user_with_role("provincial_officer", province=places["hanoi"], username="f_hn")
    mine = aggregate(build_scope(tq_officer), ["centre_staff"], filters={"period": dims.year(2024)})
    assert mine.total.value("centre_staff") == 37
    assert aggregate(build_scope(hanoi_officer), ["centre_staff"], by=["province"]).rows == []


def test_filters_and_dimensions_that_do_not_apply_are_refused(reports):
    with pytest.raises(ValueError, match="source"):
        aggregate(NATIONAL, ["centre_staff"], filters={"source": "kcqg"})
    with pytest.raises(ValueError, match="content"):
        aggregate(NATIONAL, ["centre_staff"], by=["content"])
