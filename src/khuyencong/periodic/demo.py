"""Demo periodic reports (``khuyencong load-demo``): the quarters of 2026 as the provinces filed them.

Every report goes through the services a province and the agency use (open, fill in, submit,
return with a reason, accept, approve), so its values, checks, timeline and history are real. Only
two things are set afterwards, because the demo is loaded on one day: the moments of the timeline
(each report is dated around its quarter's deadline, a few of them late) and nothing else.

* Quarters I and II of 2026: most of today's 34 provinces filed and the agency approved; a few
  never filed (the completeness table shows them missing).
* Quarter III: a mix – approved, accepted, submitted (some after the deadline), Tuyên Quang's
  returned with a reason (``tuyenquang_so`` has work to do), some still drafts, some missing.

The figures (staff, collaborators, facilities, consulting) are drawn from a seeded random generator
within the ranges of Appendix 4 of the phase report; they are illustrations, labelled as such in the
reports' assessments. Money comes from the ledger as in any report.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.models import RoleAssignment, User
from khuyencong.core.permissions import Role, forget_scope
from khuyencong.core.text import lower_first
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.periodic.models import PeriodicReport, ReportEvent, ReportForm, State
from khuyencong.periodic.periods import deadline, periods_of
from khuyencong.periodic.services import (
    check,
    report_accept,
    report_approve,
    report_open,
    report_return,
    report_save_values,
    report_submit,
)

NEW_GEOGRAPHY = datetime.date(2025, 7, 1)
FORM = "bao-cao-quy"
YEAR = 2026
RETURN_REASON = (
    "Tổng số cán bộ của trung tâm chưa khớp với danh sách gửi kèm; đề nghị Sở rà soát lại số cán bộ "
    "hợp đồng và bổ sung ghi chú về phần kinh phí ngoài đề án."
)


def _officer(province: AdministrativeUnit) -> User:
    """The province's officer who files: the demo account where there is one (Tuyên Quang),
    otherwise a demo officer of the province's Department who cannot sign in."""
    assignment = (
        RoleAssignment.objects.filter(role=Role.PROVINCIAL_OFFICER, province=province)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if assignment is not None:
        return assignment.user
    username = f"demo_so_{province.code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            full_name=f"Cán bộ Sở Công Thương {province.name} (minh hoạ)",
            email=f"{username}@demo.khuyencong.vn",
            organisation=Organisation.objects.filter(code=f"so-ct-{province.code}-2025").first(),
        )
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(
            user=user, role=Role.PROVINCIAL_OFFICER, province=province, note="Tài khoản minh hoạ"
        )
        forget_scope(user)
    return user


def _documents(officer: User, province: AdministrativeUnit) -> dict[str, str]:
    """The province's programme and funds regulation (when it has them), most of them entered in
    the legal-document registry by the province – the others show as a warning on its reports."""
    from khuyencong.programmes.models import LegalDocument
    from khuyencong.programmes.services import document_save

    rng = random.Random(f"documents-{province.code}")  # noqa: S311 – demo figures
    found: dict[str, str] = {}
    for code, kind, subject, chance in [
        ("chuong-trinh-tinh-so", "provincial_programme", "Phê duyệt Chương trình khuyến công", 0.8),
        (
            "quy-che-kinh-phi-so",
            "provincial_regulation",
            "Quy định quản lý kinh phí khuyến công địa phương",
            0.7,
        ),
    ]:
        if rng.random() >= chance:
            continue
        issued = datetime.date(2025, rng.randint(8, 12), rng.randint(1, 28))
        number = (
            f"{rng.randint(100, 2999)}/QĐ-UBND"
            if code == "chuong-trinh-tinh-so"
            else f"{rng.randint(1, 60)}/2025/QĐ-UBND"
        )
        found[code] = number
        issuer = f"UBND {lower_first(province.full_name)}"
        registered = LegalDocument.objects.filter(number=number, issuer=issuer).exists()
        if rng.random() < 0.75 and not registered:
            document_save(
                user=officer,
                data={
                    "number": number,
                    "kind": kind,
                    "title": f"{subject} {lower_first(province.full_name)} giai đoạn 2026-2030 (minh hoạ)"
                    if code == "chuong-trinh-tinh-so"
                    else f"{subject} trên địa bàn {lower_first(province.full_name)} (minh hoạ)",
                    "issuer": issuer,
                    "issued_on": issued,
                    "effective_from": issued,
                    "province": province,
                },
            )
    return found


def _values(
    rng: random.Random, province: AdministrativeUnit, quarter: int, documents: dict[str, str]
) -> dict[str, str]:
    total = rng.randint(8, 36)
    permanent = rng.randint(total // 2, total)
    postgraduate = rng.randint(0, 3)
    university = rng.randint(total // 2, total - postgraduate)
    communes = rng.randint(20, 110)
    contracts = rng.randint(0, 9)
    programme = documents.get("chuong-trinh-tinh-so", "")
    regulation = documents.get("quy-che-kinh-phi-so", "")
    values = {
        "kinh-phi-ngoai-de-an": str(rng.randint(4, 60) * 1_000_000),
        "hoi-thao": str(rng.randint(0, 6)),
        "can-bo-tong-so": str(total),
        "can-bo-bien-che": str(permanent),
        "can-bo-hop-dong": str(total - permanent),
        "can-bo-sau-dai-hoc": str(postgraduate),
        "can-bo-dai-hoc": str(university),
        "can-bo-trung-cap": str(total - postgraduate - university),
        "ctv-huyen": str(rng.randint(2, 12)),
        "ctv-xa": str(communes),
        "ctv-so-nguoi": str(communes + rng.randint(0, 40)),
        "tru-so": "1",
        "phuong-tien": str(rng.randint(0, 3)),
        "trang-thiet-bi": str(rng.randint(4, 30)),
        "tu-van-so-hop-dong": str(contracts),
        "tu-van-doanh-thu": str(contracts * rng.randint(15, 80) * 1_000_000),
        "chuong-trinh-tinh": "1" if programme else "0",
        "chuong-trinh-tinh-so": programme,
        "quy-che-kinh-phi": "1" if regulation else "0",
        "quy-che-kinh-phi-so": regulation,
        "danh-gia": (
            f"(Số liệu minh hoạ) Quý {'I' * quarter if quarter < 4 else 'IV'}/{YEAR}, Trung tâm "
            f"Khuyến công {province.name} triển khai các đề án theo kế hoạch; công tác tư vấn và đào "
            "tạo nghề được duy trì."
        ),
        "kho-khan": "Kinh phí khuyến công địa phương còn hạn chế so với nhu cầu của các cơ sở.",
        "de-xuat": "Đề nghị Bộ Công Thương sớm giao kế hoạch kinh phí khuyến công quốc gia năm sau.",
    }
    return values


def _explain_what_check_asks(user, report: PeriodicReport) -> None:
    """Execution above the year's plan needs an explanation: give it, as a province would."""
    errors, _warnings = check(report)
    comments = {p.code: "Chi trả cho đề án năm trước chuyển sang." for p in errors}
    if comments:
        report_save_values(user=user, report=report, values={}, comments=comments)


def _date_timeline(report: PeriodicReport, submitted: datetime.date) -> None:
    """Date the timeline around the quarter's deadline (the demo is loaded on one day)."""
    steps = {"open": -12, "submit": 0, "return": 3, "accept": 4, "approve": 6}
    for event in report.events.all():
        offset = steps.get(event.action)
        if offset is None:
            continue
        at = datetime.datetime.combine(
            submitted + datetime.timedelta(days=offset), datetime.time(9, 30), tzinfo=datetime.UTC
        )
        ReportEvent.objects.filter(pk=event.pk).update(at=at)
        if event.action == "submit":
            PeriodicReport.objects.filter(pk=report.pk).update(submitted_at=at)
        if event.action == "approve":
            PeriodicReport.objects.filter(pk=report.pk).update(approved_at=at)


def load_demo_reports() -> str:
    if PeriodicReport.objects.exists():
        return f"đã có {PeriodicReport.objects.count()} báo cáo định kỳ; không nạp thêm"
    form = ReportForm.objects.get(code=FORM)
    agency = User.objects.get(username="cuc_canbo")
    provinces = list(
        AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_from=NEW_GEOGRAPHY).order_by("code")
    )
    rng = random.Random(2026)  # noqa: S311 – demo figures
    today = timezone.localdate()
    documents: dict[int, dict[str, str]] = {}
    counts = dict.fromkeys(State.values, 0)
    with transaction.atomic():
        for quarter, period in enumerate(periods_of("quarter", YEAR)[:3], start=1):
            due = deadline(period, form.deadline_days)
            if due >= today:
                break
            for province in provinces:
                tuyen_quang = province.code == "08"
                draw = rng.random()
                if not tuyen_quang and draw < (0.08 if quarter < 3 else 0.18):
                    continue  # never filed
                officer = _officer(province)
                if province.pk not in documents:
                    documents[province.pk] = _documents(officer, province)
                report = report_open(
                    user=officer, form=form, province=province, start=period.start, end=period.end
                )
                report_save_values(
                    user=officer,
                    report=report,
                    values=_values(rng, province, quarter, documents[province.pk]),
                )
                _explain_what_check_asks(officer, report)
                if quarter == 3 and not tuyen_quang and draw < 0.28:
                    counts[report.state] += 1
                    continue  # still a draft
                submitted = due - datetime.timedelta(days=rng.randint(0, 9))
                if rng.random() < 0.15:
                    submitted = due + datetime.timedelta(days=rng.randint(1, 12))  # late
                report_submit(user=officer, report=report)
                if quarter == 3 and tuyen_quang:
                    report_return(user=agency, report=report, reason=RETURN_REASON)
                elif quarter == 3 and draw < 0.45:
                    pass  # submitted, waiting for the agency
                elif quarter == 3 and draw < 0.6:
                    report_accept(user=agency, report=report)
                else:
                    report_accept(user=agency, report=report)
                    report_approve(user=agency, report=report)
                _date_timeline(report, submitted)
                report.refresh_from_db()
                counts[report.state] += 1
    shown = ", ".join(f"{State(s).label}: {n}" for s, n in counts.items() if n)
    return f"Báo cáo định kỳ quý I–III/{YEAR} (minh hoạ): {sum(counts.values())} báo cáo ({shown})"
