"""A decision shows each viewer only the lines of the projects they may open (page and API), with a
count of the others; its totals add up the lines shown, so nothing leaks about the rest."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.orgs.models import Organisation
from khuyencong.projects.models import Decision, DecisionLine
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
OWN_AMOUNT = 240_000_000  # the Tuyên Quang project's line
OTHER_AMOUNT = 173_000_000  # the Hà Nội project's line (implemented by the farmers' union)


@pytest.fixture
def decision(people, make_proposal, hanoi):
    """A national allocation decision naming a Tuyên Quang and a Hà Nội project."""
    own = make_proposal(name="Đào tạo nghề mây tre Kim Bình")
    other = make_proposal(
        user=people["other_doit"],
        lead_province=hanoi,
        implementing_org=Organisation.objects.get(code="hoi-nong-dan"),
        name="Đào tạo nghề thêu ren Quất Động",
    )
    decision = Decision.objects.create(
        kind="allocation",
        number="77/QĐ-BCT",
        date=TODAY,
        signer="Thứ trưởng",
        issuer=Organisation.objects.get(code="bo-cong-thuong"),
        plan_year=2027,
        source="kcqg",
        title="Phân bổ kinh phí KCQG 2027",
    )
    DecisionLine.objects.create(decision=decision, project=own, action="approve", amount=OWN_AMOUNT)
    DecisionLine.objects.create(decision=decision, project=other, action="approve", amount=OTHER_AMOUNT)
    return decision, own, other


@pytest.fixture
def viewers(people, hanoi):
    """Everyone in the project fixtures, plus the roles they lack."""
    return {
        **people,
        "admin": user_with_role("admin", username="p_admin"),
        "hanoi_leader": user_with_role("leader", province=hanoi, username="p_hanoi_leader"),
        "public": user_with_role("public", username="p_public"),
    }


# who: the projects they see on the decision, and how many lines they are told exist beyond them
EXPECTED = {
    "admin": ({"own", "other"}, 0),
    "hanoi_leader": ({"other"}, 1),
    "agency": ({"own", "other"}, 0),
    "leader": ({"own", "other"}, 0),
    "doit": ({"own"}, 1),
    "other_doit": ({"other"}, 1),
    "unit": ({"other"}, 1),
    "expert1": (set(), 2),
}


def _money(amount: int) -> str:
    return f"{amount / 1e6:,.0f}".replace(",", ".")


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_decision_page_shows_only_the_lines_in_scope(client, viewers, decision, who):
    decision, own, other = decision
    projects = {"own": own, "other": other}
    shown, hidden = EXPECTED[who]
    client.force_login(viewers[who])
    response = client.get(reverse("projects:decision_detail", args=[decision.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for key, project in projects.items():
        link = project.get_absolute_url()
        assert (project.code in page) is (key in shown), (who, key)
        assert (link in page) is (key in shown), (who, key)
        assert (project.name in page) is (key in shown), (who, key)
    if hidden:
        assert 'data-testid="hidden-lines"' in page
        assert f"{hidden} dòng khác ngoài phạm vi của bạn" in page
    else:
        assert 'data-testid="hidden-lines"' not in page
    total = sum(OWN_AMOUNT if k == "own" else OTHER_AMOUNT for k in shown)
    footer = page.split('data-testid="decision-total">', 1)[1].split("<", 1)[0]
    assert footer.strip().startswith(_money(total)), footer
    if "other" not in shown:  # the other project's amount appears nowhere, nor the full total
        assert _money(OTHER_AMOUNT) not in page
        assert _money(OWN_AMOUNT + OTHER_AMOUNT) not in page


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_decision_api_gives_only_the_lines_in_scope(viewers, decision, who):
    decision, own, other = decision
    ids = {"own": own.pk, "other": other.pk}
    shown, hidden = EXPECTED[who]
    client = APIClient()
    client.force_login(viewers[who])
    response = client.get(f"/api/v1/decisions/{decision.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert {line["project"] for line in body["lines"]} == {ids[k] for k in shown}
    assert body["lines_outside_scope"] == hidden
    expected_total = sum(OWN_AMOUNT if k == "own" else OTHER_AMOUNT for k in shown)
    assert body["total"] == expected_total and body["change"] == expected_total
    codes = {line["project_code"] for line in body["lines"]}
    assert (other.code in codes) is ("other" in shown)


def test_the_public_account_reads_no_decision(client, viewers, decision):
    decision, _own, _other = decision
    client.force_login(viewers["public"])
    assert client.get(reverse("projects:decision_detail", args=[decision.pk])).status_code == 403
    api = APIClient()
    api.force_login(viewers["public"])
    assert api.get(f"/api/v1/decisions/{decision.pk}/").status_code == 403


def test_a_provincial_decision_is_not_found_by_another_province(people, make_proposal, tuyen_quang):
    decision = Decision.objects.create(
        kind="allocation",
        number="12/QĐ-UBND",
        date=TODAY,
        signer="Phó Chủ tịch",
        issuer=Organisation.objects.get(code="bo-cong-thuong"),
        plan_year=2027,
        source="kcdp",
        province=tuyen_quang,
        title="Phân bổ kinh phí KCĐP 2027",
    )
    client = APIClient()
    client.force_login(people["other_doit"])
    assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404
    assert client.get(reverse("projects:decision_detail", args=[decision.pk])).status_code == 404


def test_decision_lines_are_read_only_where_their_project_is(people, decision):
    _decision, own, _other = decision
    visible = set(DecisionLine.objects.restrict(people["doit"]).values_list("project", flat=True))
    assert visible == {own.pk}
    assert DecisionLine.objects.restrict(people["agency"]).count() == 2
    assert not DecisionLine.objects.restrict(people["expert1"]).exists()


def test_the_project_page_links_only_to_decisions_the_viewer_may_open(
    client, people, make_proposal, tuyen_quang
):
    project = make_proposal(implementing_org=Organisation.objects.get(code="hoi-nong-dan"))
    provincial = Decision.objects.create(
        kind="allocation",
        number="15/QĐ-UBND",
        date=TODAY,
        signer="Phó Chủ tịch",
        issuer=Organisation.objects.get(code="bo-cong-thuong"),
        plan_year=2027,
        source="kcdp",
        province=tuyen_quang,
        title="Phân bổ kinh phí KCĐP 2027",
    )
    DecisionLine.objects.create(decision=provincial, project=project, action="approve", amount=OWN_AMOUNT)
    for who, linked in (("doit", True), ("agency", True), ("unit", False)):
        client.force_login(people[who])
        page = client.get(project.get_absolute_url())
        assert page.status_code == 200
        text = page.content.decode()
        assert "15/QĐ-UBND" in text, who
        assert (provincial.get_absolute_url() in text) is linked, who
        assert client.get(provincial.get_absolute_url()).status_code == (200 if linked else 404)
