"""The list pages' fast paths render what Django's own widgets and templates would, and never
show stale data: options are memoised by the rows read on each request, the menu by the items a
user may open and the language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from khuyencong.core.filters import FastNullBooleanSelect, FastSelect, options_html
from khuyencong.core.navigation import menu_html
from khuyencong.core.permissions import get_scope
from khuyencong.establishments.models import SectorDivision
from khuyencong.geo.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db


def test_options_are_escaped_and_one_is_selected():
    html = options_html([("1", "A & B"), ("2", "<b>"), ("2", "again")], {"2"})
    assert html == (
        '<option value="1">A &amp; B</option><option value="2" selected>&lt;b&gt;</option>'
        '<option value="2">again</option>'
    )
    assert "selected" not in options_html([("1", "x")], {"9"})


def test_fast_selects_match_djangos():
    from django import forms

    choices = [("", "---------"), ("a", "Á"), ("b", "B")]
    for value in ("b", None, "zz"):
        ours = FastSelect(attrs={"class": "form-select"}, choices=choices).render("f", value)
        django = forms.Select(attrs={"class": "form-select"}, choices=choices).render("f", value)
        assert re.sub(r"\s+", "", ours) == re.sub(r"\s+", "", django).replace('selected=""', "selected")
    for value, chosen in ((True, "true"), (False, "false"), (None, "unknown")):
        html = FastNullBooleanSelect().render("women_owned", value)
        assert re.findall(r'value="(\w+)" selected', html) == [chosen]


def test_a_renamed_sector_shows_its_new_name_at_once(client, officer):
    client.force_login(officer)
    division = SectorDivision.objects.order_by("code").first()
    first = client.get(reverse("establishments:list"), {"division": division.pk}).content.decode()
    assert re.search(rf'<option value="{division.pk}" selected>{division.code} – ', first)
    SectorDivision.objects.filter(pk=division.pk).update(name="Ngành đổi tên để thử")
    again = client.get(reverse("establishments:list")).content.decode()
    assert f'<option value="{division.pk}">{division.code} – Ngành đổi tên để thử</option>' in again
    select = re.search(r'<select name="division".*?</select>', again, re.S).group(0)
    assert re.findall(r'<option value="(\d*)" selected>', select) == [""], "only the empty choice"


def test_a_renamed_province_moves_in_the_picker_at_once(client, officer):
    client.force_login(officer)
    unit = AdministrativeUnit.objects.get(level=Level.PROVINCE, name="An Giang", valid_until__isnull=True)
    client.get(reverse("establishments:list"))
    AdministrativeUnit.objects.filter(pk=unit.pk).update(name="Zê Thử")
    html = client.get(reverse("establishments:list")).content.decode()
    select = re.search(r'<select name="province".*?</select>', html, re.S).group(0)
    names = re.findall(r'<option value="\d+">([^<]*)</option>', select)
    assert names[-1] == "Zê Thử" and "An Giang" not in names


def test_the_menu_follows_the_role_and_the_language(make_user):
    agency = get_scope(make_user("programme_officer", username="menu_agency"))
    admin = get_scope(make_user("admin", username="menu_admin"))
    with translation.override("vi"):
        vi = menu_html(agency, "establishments")
        assert "Cơ sở CNNT" in vi or "Cơ sở" in vi
        assert reverse("core:audit_log") not in vi
        assert reverse("core:audit_log") in menu_html(admin, None)
        assert 'dropdown-toggle active"' in vi
        assert 'dropdown-toggle active"' not in menu_html(agency, None)
    with translation.override("en"):
        en = menu_html(agency, "establishments")
    assert en != vi and "Establishments" in en
