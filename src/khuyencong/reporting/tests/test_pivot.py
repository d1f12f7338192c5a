"""The pivot explorer against hand-computed cells and totals on the engine's small dataset
(``test_engine``): P1 in former Hà Giang, P2 split 60 % former Tuyên Quang / 40 % former Cao Bằng,
both of the 2020 plan, national source, vocational-training content.

Paid (advances and payments) by province as it was × quarter of movement:
Hà Giang Q1 40.000.000 (advance 10/03), Q4 30.000.000 (20/11); Tuyên Quang Q4 90.000.000 and
Cao Bằng Q4 60.000.000 (P2's 150.000.000 of 01/12 by its shares). Approved plan: Hà Giang
80.000.000, Tuyên Quang 90.000.000, Cao Bằng 60.000.000 – 230.000.000 in all.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from khuyencong.core.permissions import get_scope
from khuyencong.reporting import pivot
from khuyencong.reporting.engine import aggregate
from khuyencong.reporting.tests.test_engine import dataset, today_province  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/bao-cao/tong-hop-tu-chon/"


def test_province_by_quarter_cells_and_totals_to_the_dong(people, dataset):  # noqa: F811
    scope = get_scope(people["agency"])
    result = pivot.build(
        scope, ["province"], "movement_quarter", ["paid"], {"plan_year": 2020}, geography="63"
    )
    hg, tq, cb = (dataset[k].pk for k in ("ha_giang", "old_tq", "old_cb"))
    assert result.column_keys == [1, 4]
    cells = {(r[0], c): result.cell(r, c, "paid") for r in result.row_keys for c in result.column_keys}
    assert cells == {
        (hg, 1): 40_000_000,
        (hg, 4): 30_000_000,
        (tq, 1): 0,
        (tq, 4): 90_000_000,
        (cb, 1): 0,
        (cb, 4): 60_000_000,
    }
    assert {r[0]: t["paid"] for r, t in result.row_totals.items()} == {
        hg: 70_000_000,
        tq: 90_000_000,
        cb: 60_000_000,
    }
    assert {c: t["paid"] for c, t in result.column_totals.items()} == {1: 40_000_000, 4: 180_000_000}
    assert result.total["paid"] == 220_000_000
    engine = aggregate(scope, ["paid"], filters={"plan_year": 2020}).total.value("paid")
    assert result.total["paid"] == engine == sum(t["paid"] for t in result.row_totals.values())
    assert all(isinstance(v, int) for row in result.cells.values() for c in row.values() for v in c.values())


def test_a_split_project_counts_once_in_every_total(people, dataset):  # noqa: F811
    scope = get_scope(people["agency"])
    result = pivot.build(
        scope,
        ["province"],
        "movement_quarter",
        ["planned_projects", "plan"],
        {"plan_year": 2020},
        geography="63",
    )
    # P1 allocated in Q1 and cut by 10.000.000 in Q3 (its Q3 sum is below 0); P2 allocated in Q1
    q1 = result.column_totals[1]
    assert q1["plan"] == 240_000_000 and q1["planned_projects"] == 2  # not 3: P2 is in two provinces
    assert result.column_totals[3] == {"planned_projects": 0, "plan": -10_000_000}
    assert [t["planned_projects"] for t in result.row_totals.values()] == [1, 1, 1]
    assert result.total == {"planned_projects": 2, "plan": 230_000_000}
    assert sum(t["plan"] for t in result.row_totals.values()) == 230_000_000


def test_34_provinces_merge_ha_giang_into_tuyen_quang(people, dataset):  # noqa: F811
    scope = get_scope(people["agency"])
    result = pivot.build(scope, ["province"], "plan_year", ["plan"], {}, geography="34")
    tq, cb = today_province("08").pk, today_province("04").pk
    assert {r[0]: result.cell(r, 2020, "plan") for r in result.row_keys} == {tq: 170_000_000, cb: 60_000_000}
    assert result.column_totals == {2020: {"plan": 230_000_000}}
    old = pivot.build(scope, ["province"], "plan_year", ["plan"], {}, geography="63")
    assert len(old.row_keys) == 3 and old.total == result.total == {"plan": 230_000_000}


def test_content_by_source_and_two_row_dimensions(people, dataset):  # noqa: F811
    scope = get_scope(people["agency"])
    result = pivot.build(scope, ["content", "province"], "source", ["requested"], {}, geography="63")
    assert result.column_keys == ["kcqg"]
    assert sorted(t["requested"] for t in result.row_totals.values()) == [
        80_000_000,
        100_000_001,
        120_000_000,
    ]
    assert result.total == {"requested": 300_000_001}
    assert result.row_labels[result.row_keys[0]][0] == result.row_labels[result.row_keys[1]][0]  # one content


def test_scope_a_province_reads_its_own_projects_only(people, dataset):  # noqa: F811
    hanoi = pivot.build(get_scope(people["other_doit"]), ["province"], None, ["plan"], {})
    assert hanoi.row_keys == [] and hanoi.total == {"plan": 0}
    tq = pivot.build(get_scope(people["doit"]), ["province"], None, ["plan"], {}, geography="63")
    assert tq.total == {"plan": 230_000_000}  # P2 is read whole, its Cao Bằng share with it


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rows": "nonsense", "measures": "plan"}, "rows"),
        ({"rows": "province", "columns": "province", "measures": "plan"}, "columns"),
        ({"rows": "province", "rows2": "province", "measures": "plan"}, "rows2"),
        ({"rows": "province", "measures": "nonsense"}, "measures"),
        ({"rows": "province", "measures": "plan", "year_from": "99999999999"}, "year_from"),
        ({"rows": "province", "measures": "plan", "year_from": "2021", "year_to": "2020"}, "year_to"),
        ({"rows": "province", "measures": "proposals", "columns": "movement_year"}, "measures"),
        ({"rows": "province", "measures": "plan", "on": "9999-01-01"}, "on"),
    ],
)
def test_bad_choices_are_field_errors_never_a_500(people, client, params, field):
    client.force_login(people["agency"])
    page = client.get(URL, params)
    assert page.status_code == 200
    assert field in page.context["form"].errors and page.context["table"] is None
    query = {k: v for k, v in params.items() if k != "rows2"}
    if "rows2" in params:
        query["rows"] = f"{params['rows']},{params['rows2']}"
    api = client.get("/api/v1/reports/pivot/", query)
    assert api.status_code == 400


def test_too_many_column_values_are_refused(people, dataset, monkeypatch):  # noqa: F811
    monkeypatch.setattr(pivot, "MAX_COLUMN_VALUES", 2)
    with pytest.raises(pivot.PivotError) as error:
        pivot.build(get_scope(people["agency"]), ["source"], "province", ["plan"], {}, geography="63")
    assert error.value.field == "columns" and "3" in error.value.message


PARAMS = {"rows": "province", "columns": "movement_quarter", "measures": ["paid", "planned_projects"]}
PARAMS |= {"year_from": "2020", "year_to": "2020", "geography": "63", "unit": "trieu"}


def test_the_page_and_every_download_show_the_same_figures(people, client, dataset):  # noqa: F811
    client.force_login(people["agency"])
    page = client.get(URL, PARAMS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hà Giang" in html and "220" in html
    table = page.context["table"]
    total = table.rows[-1]
    assert total.level == "total"
    assert total.values["t_paid"] == 220_000_000 and total.values["t_planned_projects"] == 2
    figures = [c for c in table.columns if c.kind != "text"]
    expected = [[row.values.get(c.key) for c in figures] for row in table.rows]
    assert expected[-1][-2:] == [220_000_000, 2] and len(expected) == 4  # three provinces and the total
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(URL, {**PARAMS, "export": "xlsx"}).content))
    sheet = [[c.value for c in row] for row in workbook.active.iter_rows()]
    label_column = [c.key for c in table.columns].index(table.label_key)
    read_back = [
        row[label_column + 1 : label_column + 1 + len(figures)]
        for row in sheet
        if any(isinstance(v, int) for v in row[label_column + 1 :])
    ]
    assert read_back == expected
    text = client.get(URL, {**PARAMS, "export": "csv"}).content.decode("utf-8").lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))[1:]
    positions = [table.columns.index(c) for c in figures]
    assert [[int(line[i]) for i in positions] for line in lines] == expected
    data = json.loads(client.get(URL, {**PARAMS, "export": "json"}).content)
    assert [[int(r["values"][c.key]) for c in figures] for r in data["rows"]] == expected
    pdf = client.get(URL, {**PARAMS, "export": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    api = client.get("/api/v1/reports/pivot/", {**PARAMS, "measures": "paid,planned_projects"}).json()
    assert api["total"] == {"paid": 220_000_000, "planned_projects": 2}
    # Q3 holds P1's cut of the plan: no money paid then
    assert [t["paid"] for t in api["column_totals"]] == [40_000_000, 0, 180_000_000]
    assert [line["total"]["paid"] for line in api["lines"]] == [
        table.rows[i].values["t_paid"] for i in range(len(api["lines"]))
    ]


def test_the_page_opens_with_a_default_pivot_for_every_workspace_role(people, client, dataset):  # noqa: F811
    for role in ("agency", "doit", "leader"):
        client.force_login(people[role])
        page = client.get(URL)
        assert page.status_code == 200 and page.context["table"] is not None
    client.force_login(people["agency"])
    assert (
        client.get(
            reverse("reports:pivot"), {"rows": "content", "measures": "plan", "unit": "ty"}
        ).status_code
        == 200
    )


def test_figures_as_of_a_date(people, client, dataset):  # noqa: F811
    """On 30/06/2020 only P1's advance of 10/03 had been paid."""
    client.force_login(people["agency"])
    query = {"rows": "province", "measures": ["paid"], "geography": "63", "on": "2020-06-30"}
    table = client.get(URL, query).context["table"]
    assert [(r.level, r.values["row0"], r.values["t_paid"]) for r in table.rows[:1]] == [
        ("row", "Hà Giang", 40_000_000)
    ]
    assert (
        len(table.rows) == 2
        and table.rows[1].level == "total"
        and table.rows[1].values["t_paid"] == 40_000_000
    )
    assert "30/06/2020" in table.subtitle
