"""Every card of the home page agrees with the list it links to, for every demo account; the
expert sees the score sheets waiting for them; the page sends a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.text import capfirst

from khuyencong.accounts.models import User
from khuyencong.core.formatting import format_money, format_number, format_percent

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = [
    "quantri",
    "cuc_canbo",
    "chuyengia",
    "tuyenquang_so",
    "dvth_hoinongdan",
    "lanhdao_bo",
    "lanhdao_tinh",
    "congchung",
]


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def figure_shown(response) -> str:
    """The count (or amount) the linked page shows for its whole list, as text."""
    context = response.context
    if "total_display" in context:  # every ObjectListView: the header badge
        return context["total_display"]
    if "cl" in context:  # the administration's change list
        return format_number(context["cl"].result_count)
    if "at" in context:  # the plan page: the plan as it stands on the date shown (today)
        return format_money(context["at"]["amount"], "ty")
    if "board" in context:  # the dashboard: execution of this year's plan, in percent
        return format_percent(context["key"].percent_of_plan)
    # a periodic report to file (a reminder): its state, on its page or on the page that opens it
    if "object" in context and hasattr(context["object"], "get_state_display"):
        return capfirst(context["object"].get_state_display())
    if "state" in context:
        return capfirst(str(context["state"]))
    return format_number(context["total"])  # “My reviews”


def test_every_card_of_every_demo_account_counts_the_list_it_links_to(client, demo):
    seen = 0
    for username in DEMO_ACCOUNTS:
        client.force_login(User.objects.get(username=username))
        home = client.get("/")
        assert home.status_code == 200
        # the read-only leaders' home page is the dashboard, without cards (reporting/test_dashboards)
        for card in home.context.get("cards", []):
            assert card.url, f"{username}: card {card.label!r} links to no list"
            page = client.get(card.url)
            assert page.status_code == 200, (username, card.url)
            assert figure_shown(page) == card.value, (username, str(card.label), card.url)
            if card.note and "executed" in page.context:  # the plan card's note: the execution shown
                executed = format_money(page.context["executed"]["amount"], "ty")
                assert executed in card.note, (username, card.note)
            seen += 1
        client.logout()
    assert seen >= 30
    # only the expert has a score-sheet card
    client.force_login(User.objects.get(username="cuc_canbo"))
    labels = [str(c.label) for c in client.get("/").context["cards"]]
    assert "Phiếu chấm điểm chờ bạn" not in labels


def test_proposals_in_appraisal_are_counted_whatever_their_plan_year(client, demo):
    """The demo's 2027 proposals sit at “submitted”, “Sở đã thẩm định”, “chuyên gia đang thẩm định”:
    the card counted only the current plan year's and showed 0."""
    from khuyencong.projects.models import Project
    from khuyencong.projects.queries import IN_APPRAISAL

    client.force_login(User.objects.get(username="cuc_canbo"))
    cards = {str(c.label): c for c in client.get("/").context["cards"]}
    waiting = cards["Đề án đang thẩm định"]
    assert waiting.value == format_number(Project.objects.filter(status__in=IN_APPRAISAL).count())
    assert int(waiting.value) >= 3


def test_the_expert_sees_the_score_sheets_waiting_for_them(client, demo):
    from khuyencong.projects.models import ExpertAssignment, Status

    expert = User.objects.get(username="chuyengia")
    waiting = ExpertAssignment.objects.filter(
        expert=expert, submitted_at__isnull=True, conflict_declared=False, project__status=Status.UNDER_REVIEW
    )
    assert waiting.exists()
    client.force_login(expert)
    response = client.get("/")
    html = response.content.decode()
    card = next(c for c in response.context["cards"] if str(c.label) == "Phiếu chấm điểm chờ bạn")
    assert card.value == format_number(waiting.count())
    for assignment in waiting:
        url = reverse("projects:review", args=[assignment.pk])
        assert f'href="{url}"' in html and assignment.project.code in html
        assert client.get(url).status_code == 200
    # once submitted, a sheet leaves the card and the pending list, and stays in “My reviews”
    assignment = waiting.first()
    ExpertAssignment.objects.filter(pk=assignment.pk).update(submitted_at="2026-01-05T03:00:00Z")
    response = client.get("/")
    card = next(c for c in response.context["cards"] if str(c.label) == "Phiếu chấm điểm chờ bạn")
    assert card.value == format_number(waiting.all().count())
    assert reverse("projects:review", args=[assignment.pk]) not in response.content.decode()
    pending = client.get(reverse("projects:my_reviews"), {"state": "pending"})
    assert assignment not in pending.context["assignments"]
    assert assignment in client.get(reverse("projects:my_reviews")).context["assignments"]


def test_home_page_sends_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries):
    """Session (read, and the write of SESSION_SAVE_EVERY_REQUEST: 3), user, role assignments (with
    the names the role badges show), the province's predecessors and today's units (scope), the
    cards (projects in one query, the plan, execution, establishments, provinces, organisations, the
    province's reports due in two): none per card row."""
    client.force_login(User.objects.get(username="tuyenquang_so"))
    client.get("/")
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200
    client.force_login(User.objects.get(username="cuc_canbo"))
    client.get("/")
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
