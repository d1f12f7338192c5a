"""The same figure on every screen: a draft's request (detail, submit confirmation, list, export),
the export's money headers in the unit of its values, the list's named sets."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from khuyencong.core.formatting import format_money
from khuyencong.projects.models import Project, Status
from khuyencong.projects.queries import money_shown, with_money
from khuyencong.projects.services.ledger import money_of

pytestmark = pytest.mark.django_db


def test_a_draft_requests_what_its_budget_lines_hold(client, people, make_proposal):
    """“Đăng ký 0 đồng” on a draft whose budget lines hold 120 triệu: the draft has filed nothing in
    the ledger yet; what its pages show is what its lines ask for (its page, the submit confirmation);
    once filed, the ledger holds the same amount everywhere."""
    project = make_proposal(state=120_000_000, counterpart=60_000_000)
    assert project.status == Status.DRAFT
    money = money_shown(project)
    assert (money.requested, money.counterpart_requested) == (120_000_000, 60_000_000)
    assert money_of(project).requested == 0  # the ledger: nothing filed yet (the API says so too)
    client.force_login(people["doit"])
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert format_money(120_000_000, "trieu") in detail
    confirmation = client.get(reverse("projects:action", args=[project.pk, "submit"]))
    assert confirmation.status_code == 200
    assert format_money(120_000_000) in confirmation.content.decode()
    assert "0 đồng" not in confirmation.content.decode().split("Đăng ký", 1)[1][:80]
    # the list shows what was filed: nothing yet (“–”), not “0”
    assert with_money(Project.objects.filter(pk=project.pk)).get().m_requested is None
    # filed: the ledger holds the same amount, and the figure does not move
    client.post(reverse("projects:action", args=[project.pk, "submit"]), {})
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    assert money_of(project).requested == 120_000_000
    assert with_money(Project.objects.filter(pk=project.pk)).get().m_requested == 120_000_000
    listed = client.get(reverse("projects:list"), {"q": project.code})
    assert format_money(120_000_000, "trieu", with_unit=False) in listed.content.decode()


def test_the_export_headers_name_the_unit_of_its_values(client, people, make_proposal):
    """The export writes whole đồng: its headers say đồng, not the page's triệu đồng."""
    from khuyencong.projects.services import transitions

    project = transitions.project_submit(user=people["doit"], project=make_proposal(state=120_000_000))
    client.force_login(people["doit"])
    page = client.get(reverse("projects:list")).content.decode()
    assert "Đăng ký (triệu đồng)" in page
    response = client.get(reverse("projects:list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    assert "Đăng ký (đồng)" in header and "Được duyệt (đồng)" in header and "Quyết toán (đồng)" in header
    assert not any("triệu" in h for h in header)
    line = next(r for r in rows[1:] if r[0] == project.code)
    assert int(line[header.index("Đăng ký (đồng)")]) == 120_000_000


def test_a_money_column_must_say_the_unit_of_its_export():
    from khuyencong.core.tables import Column

    with pytest.raises(ValueError):
        Column("amount", "Amount (million VND)", kind="money")
    assert Column("amount", "Amount (VND)", kind="money", unit="dong").export_header == "Amount (VND)"


def test_the_list_flags_are_the_home_page_sets(client, people, make_proposal):
    from khuyencong.core.counting import tally, tally_many
    from khuyencong.core.permissions import get_scope
    from khuyencong.projects.queries import dashboard_sets

    draft = make_proposal()
    filed = make_proposal()
    client.force_login(people["doit"])
    client.post(reverse("projects:action", args=[filed.pk, "submit"]), {})
    response = client.get(reverse("projects:list"), {"flag": "in_appraisal"})
    assert [p.pk for p in response.context["object_list"]] == [filed.pk]
    mine = Project.objects.within(get_scope(people["doit"]))
    counts = tally_many(mine, dashboard_sets(2027))
    assert counts["in_appraisal"].value == response.context["total"] == 1
    assert tally(mine.filter(dashboard_sets(2027)["in_appraisal"])) == counts["in_appraisal"]
    assert draft.pk not in [p.pk for p in response.context["object_list"]]
