"""The demo's periodic reports: filed through the services, dated around their deadlines, and
loaded once."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from khuyencong.accounts.models import User
from khuyencong.core.permissions import get_scope
from khuyencong.periodic.models import PeriodicReport, ReportForm, State
from khuyencong.periodic.periods import periods_of
from khuyencong.periodic.queries import LATE, MISSING, ON_TIME, completeness
from khuyencong.periodic.services import check

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_demo_quarters_of_2026(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: D(2026, 11, 30))
    call_command("load_demo", only=["accounts", "periodic"], verbosity=0)
    reports = PeriodicReport.objects.all()
    assert reports.count() == 90
    # the demo province's officer: Q1 and Q2 approved, Q3 returned with the agency's reason
    officer = User.objects.get(username="tuyenquang_so")
    own = PeriodicReport.objects.within(get_scope(officer), "view").order_by("period_start")
    assert [(r.period_label, r.state) for r in own] == [
        ("Quý I/2026", State.APPROVED),
        ("Quý II/2026", State.APPROVED),
        ("Quý III/2026", State.RETURNED),
    ]
    returned = own.last()
    assert returned.events.get(action="return").reason.startswith("Tổng số cán bộ của trung tâm chưa khớp")
    # every report that left the province passed the checks; its assessment says it is an illustration
    for report in reports.exclude(state=State.DRAFT):
        assert check(report)[0] == [], report
        assert "(Số liệu minh hoạ)" in report.values.get(field__code="danh-gia").text
    # the completeness table: on time, late and missing all appear for Q3
    form = ReportForm.objects.get(code="bao-cao-quy")
    q3 = periods_of("quarter", 2026)[2]
    table = completeness(get_scope(User.objects.get(username="cuc_canbo")), form, q3, D(2026, 11, 30))
    counts = table.counts
    assert counts[ON_TIME] > 0 and counts[LATE] > 0 and counts[MISSING] > 0
    assert sum(counts.values()) == 34
    # loading again changes nothing
    call_command("load_demo", only=["accounts", "periodic"], verbosity=0)
    assert PeriodicReport.objects.count() == 90
