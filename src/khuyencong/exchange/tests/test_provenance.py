"""A record an import wrote says so on its page (file, row, date, importer – as far as the viewer may
know), and the import's result page lists the records by name and code, paginated, in a fixed number
of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from khuyencong.establishments.models import Establishment
from khuyencong.exchange import views
from khuyencong.exchange.tests.test_imports import csv_bytes, do_import, row
from khuyencong.exchange.tests.test_indicator_import import DAY, EARLIER, rows_of
from khuyencong.exchange.tests.test_indicator_import import csv_bytes as results_csv
from khuyencong.exchange.tests.test_indicator_import import do_import as import_results
from khuyencong.projects.tests.conftest import (  # noqa: F401
    beneficiary,
    make_proposal,
    people,
    round_2027,
)
from khuyencong.projects.tests.test_results import in_progress  # noqa: F401
from khuyencong.testing.factories import valid_tax_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def panel(response) -> str:
    html = response.content.decode()
    found = re.search(r'data-testid="provenance">(.*?)</div></div>', html, re.S)
    return found.group(1) if found else ""


def test_an_imported_establishment_says_where_it_came_from_as_far_as_the_viewer_may_know(
    client, officer, make_user, tq_commune, tuyen_quang
):
    batch = do_import(officer, csv_bytes([row(tq_commune, 1)]), "co-so-tq.csv")
    today = timezone.localdate().strftime("%d/%m/%Y")
    establishment = Establishment.objects.get(tax_code=valid_tax_code(1))
    client.force_login(officer)
    own = panel(client.get(establishment.get_absolute_url()))
    assert f'Nhập từ tệp <a href="{batch.get_absolute_url()}">co-so-tq.csv</a> (dòng 2) ngày {today}' in own
    assert f"bởi {officer}" in own
    # the province sees the record and the file's name and date, not the agency's batch nor who sent it
    province = make_user("provincial_officer", province=tuyen_quang, username="canbo_tq")
    client.force_login(province)
    theirs = panel(client.get(establishment.get_absolute_url()))
    assert f"Nhập từ tệp co-so-tq.csv (dòng 2) ngày {today}" in theirs
    assert "<a" not in theirs and str(officer) not in theirs and "canbo_cuc" not in theirs
    assert client.get(batch.get_absolute_url()).status_code == 404
    # a record no import wrote has no panel
    other = do_import(officer, csv_bytes([row(tq_commune, 2)]), "khac.csv")
    assert other.created == 1
    assert "co-so-tq.csv" not in panel(
        client.get(Establishment.objects.get(tax_code=valid_tax_code(2)).get_absolute_url())
    )


def test_a_projects_page_shows_the_file_its_indicator_actuals_came_from(client, people, in_progress):  # noqa: F811
    batch = import_results(
        people["doit"], results_csv(rows_of(in_progress, (EARLIER, "12"), (DAY, "13"))), "ket-qua-q2.csv"
    )
    client.force_login(people["doit"])
    own = panel(client.get(in_progress.get_absolute_url()))
    assert f'<a href="{batch.get_absolute_url()}">ket-qua-q2.csv</a> (dòng 2, 3)' in own
    assert "bởi" in own
    client.force_login(people["agency"])
    agency = panel(client.get(in_progress.get_absolute_url()))
    assert "Nhập từ tệp ket-qua-q2.csv (dòng 2, 3) ngày" in agency
    assert "<a" not in agency and "p_doit" not in agency


def test_the_result_page_lists_the_records_by_name_and_code_in_pages_with_fixed_queries(
    client, officer, tq_commune, monkeypatch
):
    batch = do_import(officer, csv_bytes([row(tq_commune, n) for n in range(1, 6)]), "nam.csv")
    client.force_login(officer)
    url = reverse("exchange:batch", args=[batch.pk])
    first = Establishment.objects.get(tax_code=valid_tax_code(1))
    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 2)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert f'<a href="{first.get_absolute_url()}">Công ty TNHH Gốm 1 – {valid_tax_code(1)}</a>' in page
    assert "Công ty TNHH Gốm 3" not in page and "1 / 3" in page
    page3 = client.get(url, {"records": 3}).content.decode()
    assert "Công ty TNHH Gốm 5" in page3 and "Công ty TNHH Gốm 1" not in page3
    assert "#" + str(first.pk) not in page
    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 100)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert all(f"Công ty TNHH Gốm {n}" in page for n in range(1, 6))
    assert len(large.captured_queries) == len(small.captured_queries)  # no query per record
