"""Programmes, contents, indicators and targets as loaded – they reproduce the seed figures."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from khuyencong.programmes.models import Content, Indicator, LegalDocument, Programme, Target

pytestmark = pytest.mark.django_db


def target(programme, indicator):
    return Target.objects.get(programme__code=programme, indicator__code=indicator)


def test_2021_2025_targets_of_decision_1881():
    expected = {
        "mo-hinh-trinh-dien": 340,
        "may-moc-thiet-bi": 1600,
        "day-chuyen-cong-nghe": 300,
        "danh-gia-sxsh": 300,
        "mo-hinh-thi-diem-sxsh": 100,
        "xu-ly-o-nhiem-co-so": 50,
        "binh-chon-quoc-gia": 3,
        "binh-chon-khu-vuc": 2,
        "nhan-hieu": 350,
        "hoi-cho-trong-nuoc-to-chuc": 15,
        "hoi-cho-nuoc-ngoai-to-chuc": 5,
        "hoi-cho-trong-nuoc-tham-gia": 45,
        "hoi-cho-nuoc-ngoai-tham-gia": 13,
        "ccn-quy-hoach": 50,
        "ccn-xu-ly-o-nhiem": 60,
        "lao-dong-dao-tao": 10000,
        "can-bo-ky-thuat-nghe-nhan": 500,
        "giang-vien-sxsh": 300,
        "hoc-vien-quan-ly": 15000,
    }
    actual = {t.indicator.code: int(t.value) for t in Target.objects.filter(programme__code="kcqg-2021-2025")}
    assert actual == expected
    assert Programme.objects.get(code="kcqg-2021-2025").legal_basis.number == "1881/QĐ-TTg"


@pytest.mark.parametrize(
    ("indicator", "result", "percent"),
    [
        ("lao-dong-dao-tao", 18400, "13.14"),
        ("hoc-vien-quan-ly", 13985, "99.89"),
        ("mo-hinh-trinh-dien", 261, "130.50"),
        ("co-so-ung-dung-may-moc", 1121, "131.88"),
    ],
)
def test_back_computed_2014_2020_targets_reproduce_the_reported_rates(indicator, result, percent):
    t = target("kcqg-2014-2020", indicator)
    assert t.back_computed
    assert (Decimal(result) * 100 / t.value).quantize(Decimal("0.01")) == Decimal(percent)


def test_planned_funds_2014_2020_reproduce_62_35_percent():
    programme = Programme.objects.get(code="kcqg-2014-2020")
    assert round(755_710_000_000 * 100 / programme.planned_state_funds, 2) == 62.35


def test_2026_2030_programme_exists_with_the_2025_contents_and_no_invented_targets():
    programme = Programme.objects.get(code="kcqg-2026-2030")
    assert programme.legal_basis.number == "2646/QĐ-BCT"
    assert set(programme.contents.values_list("code", flat=True)) >= {"chuyen-doi-so", "sxtd-ben-vung"}
    assert not programme.targets.exists()


def test_contents_follow_the_decrees_with_dates():
    digital = Content.objects.get(code="chuyen-doi-so")
    assert digital.legal_basis.number == "235/2025/NĐ-CP" and digital.valid_from == datetime.date(
        2025, 10, 15
    )
    in_2024 = set(Content.objects.valid_on(datetime.date(2024, 6, 1)).values_list("code", flat=True))
    assert "chuyen-doi-so" not in in_2024 and len(in_2024) == 10
    assert Indicator.objects.count() == 42


def test_decree_235_amends_decree_45_from_15_october_2025():
    decree = LegalDocument.objects.get(number="235/2025/NĐ-CP")
    assert decree.effective_from == datetime.date(2025, 10, 15)
    assert decree.relations_out.get().target.number == "45/2012/NĐ-CP"
    assert LegalDocument.objects.get(number="28/2018/TT-BTC").relations_out.get().kind == "replaces"


def test_a_new_programme_is_data_not_code(admin_user):
    """An administrator adds a provincial programme with a target; no code involved."""
    from khuyencong.core.audit import audit_context
    from khuyencong.geo.models import AdministrativeUnit

    province = AdministrativeUnit.objects.get(level="province", code="08", valid_from__year=2025)
    with audit_context(user=admin_user):
        programme = Programme.objects.create(
            code="kcdp-08-2026-2030",
            name="Chương trình khuyến công tỉnh Tuyên Quang 2026-2030",
            level="provincial",
            province=province,
            start_year=2026,
            end_year=2030,
        )
        Target.objects.create(
            programme=programme,
            indicator=Indicator.objects.get(code="co-so-chuyen-doi-so"),
            value=120,
            source="Quyết định của UBND tỉnh (ví dụ kiểm thử)",
        )
    assert programme.targets.count() == 1


def test_programme_page_shows_targets(client):
    programme = Programme.objects.get(code="kcqg-2021-2025")
    response = client.get(reverse("programmes:programme_detail", args=[programme.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "1.600" in html and "Quyết định 1881/QĐ-TTg" in html
    html = client.get(
        reverse("programmes:programme_detail", args=[Programme.objects.get(code="kcqg-2014-2020").pk])
    ).content.decode()
    assert "tính ngược" in html and "140.000" in html and "1.212,040 tỷ đồng" in html


def test_catalogue_and_documents_pages(client):
    assert "Chuyển đổi số" in client.get(reverse("programmes:content_list")).content.decode()
    response = client.get(reverse("programmes:document_list"), {"q": "khuyen cong"})
    assert response.status_code == 200 and response.context["total"] >= 5
    doc = LegalDocument.objects.get(number="45/2012/NĐ-CP")
    assert "235/2025/NĐ-CP" in client.get(doc.get_absolute_url()).content.decode()


def test_programmes_api_anonymous(client):
    body = client.get("/api/v1/programmes/", {"code": "kcqg-2021-2025"}).json()
    programme = body["results"][0]
    assert len(programme["targets"]) == 19 and "mo-hinh-may-moc" in programme["contents"]
    contents = client.get("/api/v1/contents/").json()
    assert contents["count"] == 12


def test_a_content_is_shown_by_its_short_name_or_in_english_by_its_english_name():
    from django.utils import translation

    from khuyencong.programmes.models import Content

    training = Content.objects.get(code="dao-tao-nghe")
    assert training.name_en and training.short_name
    with translation.override("vi"):
        assert training.short_shown == training.short_name
    with translation.override("en"):
        assert training.short_shown == training.name_en
    # the reports' content dimension reads the same rule
    from khuyencong.reporting.dimensions import _content_labels

    with translation.override("vi"):
        assert _content_labels([training.pk]) == {training.pk: training.short_name}
    with translation.override("en"):
        assert _content_labels([training.pk, None]) == {training.pk: training.name_en}
