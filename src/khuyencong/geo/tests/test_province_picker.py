"""One province picker everywhere: today's 34 in Vietnamese order, the 63 former ones a click away."""

import re

import pytest
from django.urls import reverse

from khuyencong.core.text import sort_key
from khuyencong.geo.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db

# The Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
ALPHABET = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")


def test_sort_key_follows_the_vietnamese_alphabet():
    shuffled = ALPHABET[1::2] + ALPHABET[::2]
    assert sorted(shuffled, key=sort_key) == ALPHABET
    names = ["Điện Biên", "Yên Bái", "Đà Nẵng", "Dak", "Cần Thơ", "Cà Mau", "Cao Bằng", "An Giang", "Ơn"]
    assert sorted(names, key=sort_key) == [
        "An Giang",
        "Cà Mau",
        "Cao Bằng",
        "Cần Thơ",
        "Dak",
        "Đà Nẵng",
        "Điện Biên",
        "Ơn",
        "Yên Bái",
    ]
    # case and Unicode form do not matter; tones only break ties between same letters
    assert sort_key("đà nẵng") == sort_key("ĐÀ NẴNG") == sort_key("Đa\u0300 Na\u0306\u0303ng")
    assert sorted(["Hà", "Ha", "Hạ", "Há"], key=sort_key) == ["Ha", "Hà", "Há", "Hạ"]


def picker(html: str, name: str) -> tuple[list[str], list[str], str | None]:
    """(names shown, names one click away, selected value) of the picker called ``name``."""
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>(.*?)(?=<select|\Z)', html, re.S)
    assert match, f"no select {name}"
    shown = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', match.group(1))
    selected = re.search(r'<option value="(\d+)"[^>]*selected', match.group(1))
    template = re.search(r"<template>(.*?)</template>", match.group(2), re.S)
    former = re.findall(r"<option[^>]*>([^<]*)</option>", template.group(1)) if template else []
    return shown, former, selected.group(1) if selected else None


PAGES = [
    ("establishments:list", "province"),
    ("projects:list", "province"),
    ("orgs:organisation_list", "province"),
    ("geo:unit_list", "parent"),
]


@pytest.mark.parametrize(("url", "name"), PAGES)
def test_every_province_filter_is_the_one_picker(client, officer, url, name):
    client.force_login(officer)
    response = client.get(reverse(url))
    assert response.status_code == 200
    shown, former, selected = picker(response.content.decode(), name)
    assert len(shown) == 34 and len(set(shown)) == 34, "today's 34, no name twice"
    assert shown == sorted(shown, key=sort_key)
    assert shown.index("Cần Thơ") < shown.index("Đà Nẵng") < shown.index("Điện Biên") < shown.index("Gia Lai")
    assert shown[-1] == "Vĩnh Long"
    assert not any("2025" in s for s in shown)
    assert len(former) == 63 and len(set(former)) == 63 and "Hà Giang" in former
    assert former == sorted(former, key=sort_key)
    assert selected is None


def test_a_former_province_is_reachable_and_stays_shown_once_chosen(client, officer):
    client.force_login(officer)
    ha_giang = AdministrativeUnit.objects.get(level=Level.PROVINCE, name="Hà Giang")
    response = client.get(reverse("establishments:list"), {"province": ha_giang.pk})
    assert response.status_code == 200
    shown, other, selected = picker(response.content.decode(), "province")
    assert selected == str(ha_giang.pk)
    assert len(shown) == 63 and "Hà Giang" in shown
    assert len(other) == 34 and "Tuyên Quang" in other


def test_the_proposal_form_offers_todays_provinces_in_order(client, make_user):
    client.force_login(make_user("programme_officer", username="picker_agency"))
    response = client.get(reverse("projects:create"))
    shown, former, _selected = picker(response.content.decode(), "lead_province")
    assert len(shown) == 34 and shown == sorted(shown, key=sort_key)
    assert former == []
