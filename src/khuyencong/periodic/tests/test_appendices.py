"""Appendices 4 and 5 from the approved periodic reports of ``test_facts`` (hand-computed there)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from khuyencong.core.permissions import Scope
from khuyencong.documents.tables import ROW, SECTION, SUBTOTAL, TOTAL
from khuyencong.periodic.tests.test_facts import places, reports  # noqa: F401
from khuyencong.reporting.catalogue import REPORTS

NATIONAL = Scope(national_read=True)
NORTH = "Vùng Trung du và miền núi phía Bắc"


def run(slug: str, **params):
    form, built = REPORTS[slug].run(NATIONAL, {k: str(v) for k, v in params.items()})
    assert built is not None, form.errors
    return built


def lines(table, *keys):
    return [(r.level, r.values[table.label_key], *(r.values.get(k) for k in keys)) for r in table.rows]


def test_appendix_4_as_it_was_2024(reports):  # noqa: F811
    centres, bands = run("phu-luc-4", year=2024).tables  # 2024: the 63 provinces by default
    assert lines(centres, "centre_staff", "collaborators", "consulting_revenue") == [
        (SECTION, NORTH, None, None, None),
        (ROW, "Hà Giang", 12, 40, 150),  # Q4 staff, not Q2 + Q4; revenue of both quarters
        (ROW, "Tuyên Quang", 25, 0, 70),  # the returned Q3 report (99 staff) is not counted
        (SUBTOTAL, "Cộng vùng", 37, 40, 220),
        (TOTAL, "Tổng cộng", 37, 40, 220),
    ]
    assert lines(bands, "centres_reporting", "centres_over_30", "centres_20_30", "centres_10_19") == [
        (ROW, NORTH, 2, 0, 1, 1),
        (TOTAL, "Tổng cộng", 2, 0, 1, 1),
    ]


def test_appendix_4_in_both_geographies_2025(reports):  # noqa: F811
    # today's provinces: the new Tuyên Quang's Q4 report stands for the merged territory
    centres, bands = run("phu-luc-4", year=2025).tables
    assert lines(centres, "centre_staff")[1:] == [
        (ROW, "Tuyên Quang", 35),
        (SUBTOTAL, "Cộng vùng", 35),
        (TOTAL, "Tổng cộng", 35),
    ]
    assert lines(bands, "centres_over_30")[-1] == (TOTAL, "Tổng cộng", 1)
    # as they were: former Hà Giang keeps its own 2025 report; the region and the nation count the
    # successor's later report, not the three side by side (11 + 24 + 35)
    was = run("phu-luc-4", year=2025, geography=63).tables[0]
    assert lines(was, "centre_staff")[1:] == [
        (ROW, "Hà Giang", 11),
        (ROW, "Tuyên Quang", 24),
        (ROW, "Tuyên Quang", 35),
        (SUBTOTAL, "Cộng vùng", 35),
        (TOTAL, "Tổng cộng", 35),
    ]
    # 2024 in today's geography: former Hà Giang's figures shown under Tuyên Quang
    now_2024 = run("phu-luc-4", year=2024, geography=34).tables[0]
    assert lines(now_2024, "centre_staff")[1] == (ROW, "Tuyên Quang", 37)


def test_appendix_5_documents_and_counts(reports):  # noqa: F811
    (table,) = run("phu-luc-5", year=2024).tables
    assert lines(table, "programme_approved", "programme_document") == [
        (SECTION, NORTH, None, None),
        (ROW, "Hà Giang", 1, "1234/QĐ-UBND"),  # the Q4 answer, not Q2's
        (ROW, "Tuyên Quang", 0, ""),
        (SUBTOTAL, "Cộng vùng", 1, None),
        (TOTAL, "Tổng cộng", 1, None),
    ]
    assert "Số tỉnh báo cáo: 2." in table.footnotes
    (now,) = run("phu-luc-5", year=2025).tables
    assert lines(now, "programme_approved")[-1] == (TOTAL, "Tổng cộng", 1)


def test_appendix_4_page_downloads_and_scope(client, people, reports):  # noqa: F811
    client.force_login(people["agency"])
    page = client.get("/bao-cao/phu-luc-4/", {"year": 2024})
    assert page.status_code == 200 and "Hà Giang" in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/bao-cao/phu-luc-4/", {"year": 2024, "export": "csv"}).content.decode("utf-8-sig")
            )
        )
    )
    assert any(row[1] == "Tổng cộng" and "37" in row for row in rows)
    for export in ("xlsx", "pdf", "json"):
        assert client.get("/bao-cao/phu-luc-5/", {"year": 2024, "export": export}).status_code == 200
    api = client.get("/api/v1/reports/phu-luc-5/", {"year": 2024}).json()
    assert api["tables"][0]["rows"][-1]["values"]["programme_approved"] == 1
    bad = client.get("/bao-cao/phu-luc-4/", {"year": "abc"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert bad.status_code in (200, 400) and "năm" in bad.content.decode().lower()
    # a province reads its own (and its predecessors'); another province reads nothing of them
    client.force_login(people["other_doit"])
    other = client.get("/bao-cao/phu-luc-4/", {"year": 2024, "export": "csv"}).content.decode("utf-8-sig")
    assert "Hà Giang" not in other and "Tuyên Quang" not in other


def test_the_provinces_share_of_its_region_on_the_report_page(client, people, quarterly, places):  # noqa: F811
    """Q1 2024, funds (KCQG) of the approved reports: Hà Giang 30.000.000, Tuyên Quang 90.000.000
    (same region); Cao Bằng's draft (1 tỷ) is in no total: Hà Giang's share 30 ÷ 120 = 25,00 %."""
    from django.urls import reverse

    from khuyencong.periodic.models import State
    from khuyencong.periodic.queries import region_shares
    from khuyencong.periodic.tests.test_facts import D, _province, file_report

    hg = file_report(
        quarterly,
        places["ha_giang"],
        D(2024, 1, 1),
        D(2024, 3, 31),
        State.APPROVED,
        D(2024, 4, 20),
        user=people["agency"],
        kinh_phi_kcqg=30_000_000,
        kinh_phi_kcdp=0,
        kinh_phi_ngoai_de_an=10_000_000,
    )
    file_report(
        quarterly,
        places["old_tq"],
        D(2024, 1, 1),
        D(2024, 3, 31),
        State.APPROVED,
        D(2024, 4, 20),
        kinh_phi_kcqg=90_000_000,
        kinh_phi_kcdp=5_000_000,
    )
    draft = file_report(
        quarterly,
        _province("04", new=False),
        D(2024, 1, 1),
        D(2024, 3, 31),
        State.DRAFT,
        kinh_phi_kcqg=1_000_000_000,
    )
    shares = region_shares(hg)
    assert shares["kinh-phi-kcqg"] == Decimal("25.00")
    assert shares["kinh-phi-kcdp"] == Decimal("0.00")
    assert shares["kinh-phi-ngoai-de-an"] == Decimal("100.00")  # Tuyên Quang reported none
    assert region_shares(draft) == {}  # a draft's figures are in no total
    client.force_login(people["agency"])
    html = client.get(reverse("periodic:detail", args=[hg.pk])).content.decode()
    assert 'data-testid="region-share-kinh-phi-kcqg">25,00' in html


def test_the_command_writes_appendix_5_for_a_year(reports, tmp_path):  # noqa: F811
    from django.core.management import call_command

    target = tmp_path / "pl5.csv"
    call_command("report", "phu-luc-5", "--year", "2024", "--format", "csv", "--out", str(target))
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert any(row[1] == "Hà Giang" and "1234/QĐ-UBND" in row for row in rows)
