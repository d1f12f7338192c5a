"""What users read: no notes for developers, no internal codes where a name exists, and one language
at a time – on the reference pages, the lists and the details, for several roles, in vi and en."""

import re

import pytest
from django.urls import reverse

from khuyencong.geo.models import AdministrativeUnit, Level, Region
from khuyencong.orgs.models import CentreFunction, Organisation
from khuyencong.programmes.models import Content, Indicator, LegalDocument, Programme
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

NOTES = [
    "DOMAIN.md",
    "seed 0",
    "cần xác nhận",
    "cần đối chiếu",
    "chưa đối chiếu",
    "to check",
    "to be confirmed",
    "§",
]
VIETNAMESE = re.compile(r"[ăâđêôơưàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]", re.I)


def visible(html: str) -> str:
    """The text a person reads: no markup, attributes, scripts or templates."""
    html = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->|<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


def pages(project, establishment) -> list[str]:
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="08", valid_from__year=2025)
    former = AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_until__isnull=False).first()
    orgs = Organisation.objects.filter(
        code__in=["bo-cong-thuong", "cuc-khuyen-cong", "tt-kc-tvptcn-1", "ttkc-01-2008", "hoi-nong-dan"]
    )
    return [
        reverse("geo:unit_list"),
        reverse("geo:region_list"),
        province.get_absolute_url(),
        former.get_absolute_url(),
        reverse("orgs:organisation_list"),
        *[o.get_absolute_url() for o in orgs],
        reverse("programmes:programme_list"),
        *[p.get_absolute_url() for p in Programme.objects.all()],
        reverse("programmes:content_list"),
        reverse("programmes:document_list"),
        *[d.get_absolute_url() for d in LegalDocument.objects.all()],
        reverse("projects:norms"),
        reverse("establishments:list"),
        establishment.get_absolute_url(),
        reverse("projects:list"),
        project.get_absolute_url(),
    ]


def codes() -> set[str]:
    """Internal codes that have a name to show instead."""
    found = set(Organisation.objects.values_list("code", flat=True))
    found |= set(Content.objects.values_list("code", flat=True))
    found |= set(Indicator.objects.values_list("code", flat=True))
    found |= set(CentreFunction.values)
    return {c for c in found if "-" in c or "_" in c}


@pytest.fixture
def readers(people):
    return {
        "anonymous": None,
        "public": user_with_role("public", username="r_public"),
        "agency": people["agency"],
        "doit": people["doit"],
        "admin": user_with_role("admin", username="r_admin"),
    }


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pages_show_no_developer_notes_codes_or_the_other_language(
    client, readers, make_proposal, beneficiary, language
):
    project = make_proposal()
    urls = pages(project, beneficiary)
    internal = codes()
    english_names = {
        name
        for model in (Content, Indicator, Region)
        for name in model.objects.exclude(name_en="").values_list("name_en", flat=True)
    }
    problems = []
    for role, user in readers.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        client.cookies["kc_language"] = language  # after logging in: logging out drops the cookies
        for url in urls:
            response = client.get(url)
            if response.status_code in (403, 404) or (response.status_code == 302 and user is None):
                continue  # not this reader's page
            assert response.status_code == 200, (role, url, response.status_code)
            html = response.content.decode()
            assert f'<html lang="{language}"' in html, (role, url)
            text = visible(html)
            problems += [(role, url, note) for note in NOTES if note in text]
            problems += [
                (role, url, code)
                for code in internal
                if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)
            ]
            if language == "vi":
                problems += [(role, url, name) for name in english_names if name in text]
            else:
                headers = re.findall(r"(?s)<thead\b.*?</thead>", html)
                problems += [
                    (role, url, th)
                    for head in headers
                    for th in re.findall(r"(?s)<th\b[^>]*>(.*?)</th>", head)
                    if VIETNAMESE.search(visible(th))
                ]
    assert problems == []
