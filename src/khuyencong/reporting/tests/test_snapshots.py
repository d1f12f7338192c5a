"""Published snapshots against a small hand-built dataset (the one of ``test_reports``).

The annual results of plan year 2020, KCQG (content "Đào tạo nghề"): P1 in former Hà Giang
(allocated 90.000.000, amended -10.000.000: plan 80.000.000 đ), P2 60 % in former Tuyên Quang and
40 % in Cao Bằng (allocated 150.000.000). Plan 80.000.000 + 150.000.000 = 230.000.000; amended
-10.000.000. After the publication an amendment decision raises P1 to 95.000.000 (an amended entry of
+15.000.000): amended 5.000.000 and plan 245.000.000 today – +15.000.000 in the content's row and in
the total; paid (220.000.000) and the rest unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong.core.models import ObjectChange
from khuyencong.core.permissions import get_scope
from khuyencong.documents.writers import json_data
from khuyencong.orgs.models import Organisation
from khuyencong.projects.models import LedgerEntry, LedgerKind
from khuyencong.projects.services import decisions
from khuyencong.reporting import snapshots
from khuyencong.reporting.catalogue import REPORTS
from khuyencong.reporting.models import PublishedReport
from khuyencong.reporting.tests.test_engine import dataset  # noqa: F401
from khuyencong.reporting.tests.test_reports import data  # noqa: F401

pytestmark = pytest.mark.django_db
ANNUAL = {"year": "2020", "source": "kcqg"}
CONTENT = "Đào tạo nghề"


def publish(user, slug="ket-qua-nam", params=None, **kwargs):
    with translation.override("vi"):
        return snapshots.publish(user=user, report=REPORTS[slug], data=params or ANNUAL, **kwargs)


def amend(people, project, amount=95_000_000):
    """An amendment decision issued today raises the project's approved support to ``amount`` (P1:
    from 80.000.000 to 95.000.000, +15.000.000 đ); the project becomes approved."""
    decision = decisions.decision_create(
        user=people["agency"],
        data={
            "kind": "amendment",
            "number": "77/QĐ-BCT",
            "date": timezone.localdate(),
            "signer": "Thứ trưởng",
            "plan_year": 2020,
            "source": "kcqg",
            "issuer": Organisation.objects.get(code="bo-cong-thuong"),
            "title": "Điều chỉnh kế hoạch kinh phí KCQG năm 2020",
        },
    )
    decisions.decision_set_line(
        user=people["agency"], decision=decision, project=project, action="add", amount=amount
    )
    decisions.decision_issue(user=people["agency"], decision=decision)


def rows_of(table):
    return {r.values[table.label_key]: r.values for r in table.rows}


def test_a_publication_keeps_its_figures_and_names_what_changed_them(people, data):  # noqa: F811
    published = publish(people["agency"], number="15/BC-CĐMST", note="Báo cáo năm 2020")
    assert published.as_of == timezone.localdate() and published.scope == "national"
    assert published.publisher_name == (people["agency"].get_full_name() or people["agency"].username)
    frozen = rows_of(snapshots.published_tables(published)[0])
    assert frozen[CONTENT]["plan"] == 230_000_000 and frozen["Tổng cộng"]["plan"] == 230_000_000
    assert frozen[CONTENT]["amended"] == -10_000_000 and frozen[CONTENT]["paid"] == 220_000_000
    before = LedgerEntry.objects.count()

    amend(people, data["p1"])  # recorded after the publication: contradicts it

    new = list(LedgerEntry.objects.filter(pk__gt=published.ledger_mark))
    assert len(new) == LedgerEntry.objects.count() - before == 1
    # the publication still gives the old figures, read back from the database
    again = PublishedReport.objects.get(pk=published.pk)
    kept = rows_of(snapshots.published_tables(again)[0])
    assert kept[CONTENT]["plan"] == 230_000_000 and kept["Tổng cộng"]["plan"] == 230_000_000
    # today's figures, cell by cell: amended and plan +15.000.000; % of plan unchanged (executed
    # counts settled projects only, and none is settled); still 2 projects in the plan
    scope = get_scope(people["agency"])
    with translation.override("vi"):
        today = snapshots.today_built(again, scope)
        assert today is not None
        found = snapshots.differences(snapshots.published_tables(again, marked=False), today.tables)
    cells = {(d.row, d.column_key): (d.published_value, d.today_value, d.change_value) for d in found}
    assert cells == {
        (CONTENT, "amended"): (-10_000_000, 5_000_000, 15_000_000),
        (CONTENT, "plan"): (230_000_000, 245_000_000, 15_000_000),
        ("Tổng cộng", "amended"): (-10_000_000, 5_000_000, 15_000_000),
        ("Tổng cộng", "plan"): (230_000_000, 245_000_000, 15_000_000),
    }
    # in tỷ đồng, as the table shows it
    assert [(d.published, d.today, d.change) for d in found[:2]] == [
        ("-0,010", "0,005", "+0,015"),
        ("0,230", "0,245", "+0,015"),
    ]
    # which records caused it: exactly that entry, with who recorded it
    entries = list(snapshots.entries_since(again, scope))
    assert entries == new
    rows = snapshots.with_recorders(entries, scope)
    assert rows[0].recorded_by == (people["agency"].get_full_name() or people["agency"].username)
    assert rows[0].entry.kind == LedgerKind.AMENDED and rows[0].entry.amount == 15_000_000
    # and the change of status the decision made (appraised by the agency → approved)
    changes = list(snapshots.status_changes_since(again, scope))
    assert [(e.project, e.from_status, e.to_status) for e in changes] == [
        (data["p1"], "agency_appraised", "approved")
    ]


def test_an_entry_outside_the_selection_is_not_a_cause(people, data):  # noqa: F811
    published = publish(people["agency"], params={"year": "2020", "source": "kcdp"})
    amend(people, data["p1"])  # KCQG: another selection
    scope = get_scope(people["agency"])
    assert not snapshots.entries_since(published, scope).exists()
    with translation.override("vi"):
        today = snapshots.today_built(published, scope)
        assert today is not None
        assert snapshots.differences(snapshots.published_tables(published), today.tables) == []


def test_the_conference_report_selects_its_area_and_both_years(people, data):  # noqa: F811
    from khuyencong.geo.models import Region

    area = Region.objects.get(code="BAC", scheme="conference")
    filters = REPORTS["hoi-nghi-vung"].engine_filters({"year": 2020, "months": 6, "area": area})
    assert filters == {"plan_year": [2019, 2020], "region": area}
    later = REPORTS["hoi-nghi-vung"].engine_filters({"year": 2026, "months": 6, "area": area})
    assert set(later) == {"plan_year", "region_now"}
    period = REPORTS["phu-luc-1"].engine_filters({"from_year": 2016, "to_year": 2020})["period"]
    assert list(period.plan_years) == [2016, 2017, 2018, 2019, 2020]


def test_frozen_tables_come_back_exactly(people, data):  # noqa: F811
    with translation.override("vi"):
        _form, built = REPORTS["phu-luc-2"].run(
            get_scope(people["agency"]), {"from_year": "2020", "to_year": "2020"}
        )
        assert built is not None
        for table in built.tables:
            back = snapshots.thaw(json.loads(json.dumps(snapshots.freeze(table))))
            assert json_data(back) == json_data(table)
            assert back.header_cells() == table.header_cells()
            assert [r.values for r in back.rows] == [r.values for r in table.rows]
    shares = [r.values.get("share") for r in back.rows]
    assert all(isinstance(s, Decimal) for s in shares if s is not None)


def test_a_publication_cannot_be_changed_and_is_audited(people, data):  # noqa: F811
    published = publish(people["agency"])
    created = ObjectChange.objects.filter(object_id=published.pk, action="create", object_repr=str(published))
    assert created.filter(user=people["agency"]).exists()
    published.note = "sửa"
    with pytest.raises(PermissionDenied):
        published.save()
    with pytest.raises(PermissionDenied):
        PublishedReport.objects.filter(pk=published.pk).update(note="sửa")
    with pytest.raises(PermissionDenied):
        published.delete()
    with pytest.raises(PermissionDenied):
        PublishedReport.objects.all().delete()
    assert PublishedReport.objects.get(pk=published.pk).note == ""


def test_only_the_agency_publishes(people, data):  # noqa: F811
    for who in ("leader", "doit", "other_doit", "unit"):
        with pytest.raises(PermissionDenied):
            publish(people[who])
    with pytest.raises(ValidationError) as error:
        publish(people["agency"], params={"year": "1800"}, number="x" * 101)
    assert set(error.value.message_dict) == {"year", "number"}
    assert not PublishedReport.objects.exists()


# --- pages ------------------------------------------------------------------------------------------


def test_publishing_through_the_page(client, people, data):  # noqa: F811
    client.force_login(people["agency"])
    page = client.get("/bao-cao/ket-qua-nam/", ANNUAL)
    assert page.status_code == 200
    assert '/bao-cao/ket-qua-nam/cong-bo/moi/?source=kcqg&amp;year=2020"' in page.content.decode()
    confirm = client.get("/bao-cao/ket-qua-nam/cong-bo/moi/", ANNUAL)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert 'name="year" value="2020"' in html and "csrfmiddlewaretoken" in html
    response = client.post("/bao-cao/ket-qua-nam/cong-bo/", {**ANNUAL, "number": "15/BC", "note": ""})
    published = PublishedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/"
    assert published.parameters == {"year": 2020, "source": "kcqg"} and published.number == "15/BC"
    # the report page and the list page name it
    assert (
        f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/"
        in client.get("/bao-cao/ket-qua-nam/").content.decode()
    )
    listing = client.get("/bao-cao/ket-qua-nam/cong-bo/")
    assert listing.status_code == 200 and "15/BC" in listing.content.decode()
    # wrong parameters: the confirmation again, the field named
    bad = client.post("/bao-cao/ket-qua-nam/cong-bo/", {"year": "abc"})
    assert bad.status_code == 400 and "year" in bad.context["form"].errors
    assert PublishedReport.objects.count() == 1


def test_the_published_page_shows_old_figures_the_difference_and_its_cause(client, people, data):  # noqa: F811
    published = publish(people["agency"], number="15/BC")
    amend(people, data["p1"])
    client.force_login(people["leader"])  # a national leader reads it
    page = client.get(f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    tables = page.context["tables"]
    assert rows_of(tables[0])["Tổng cộng"]["plan"] == 230_000_000
    assert [(d.row, d.column_key, d.change_value) for d in page.context["differences"]] == [
        (CONTENT, "amended", 15_000_000),
        (CONTENT, "plan", 15_000_000),
        ("Tổng cộng", "amended", 15_000_000),
        ("Tổng cộng", "plan", 15_000_000),
    ]
    entry = LedgerEntry.objects.get(pk__gt=published.ledger_mark)
    assert [r.entry for r in page.context["entries"]] == [entry]
    html = page.content.decode()
    assert data["p1"].code in html
    assert "0,230" in html and "0,245" in html and "+0,015" in html and "+15.000.000" in html
    assert [e.project for e in page.context["status_changes"]] == [data["p1"]]
    assert "15/BC" in html


def test_downloads_of_a_publication_are_the_published_figures(client, people, data):  # noqa: F811
    published = publish(people["agency"], number="15/BC")
    amend(people, data["p1"])
    client.force_login(people["agency"])
    url = f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/"
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200
    cells = [
        c.value
        for row in openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows()
        for c in row
    ]
    assert 230_000_000 in cells and 245_000_000 not in cells
    assert any(isinstance(c, str) and "15/BC" in c and published.publisher_name in c for c in cells)
    body = json.loads(client.get(url, {"export": "json"}).content)
    assert body[0]["rows"][-1]["values"]["plan"] == 230_000_000
    assert any(published.publisher_name in note for note in body[0]["footnotes"])
    rows = list(csv.reader(io.StringIO(client.get(url, {"export": "csv"}).content.decode("utf-8-sig"))))
    assert "230000000" in rows[-1] and "245000000" not in rows[-1]
    pdf = client.get(url, {"export": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_who_opens_a_publication(client, people, data):  # noqa: F811
    published = publish(people["agency"])
    url = f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/"
    for who in ("doit", "other_doit", "unit"):  # figures of the whole country: not theirs
        client.force_login(people[who])
        assert client.get(url).status_code == 404
        assert client.get(url, {"export": "xlsx"}).status_code == 404
        assert client.get("/bao-cao/ket-qua-nam/cong-bo/").status_code == 404
        assert f"cong-bo/{published.pk}/" not in client.get("/bao-cao/ket-qua-nam/").content.decode()
        assert client.post("/bao-cao/ket-qua-nam/cong-bo/", ANNUAL).status_code == 403
    client.force_login(people["leader"])  # reads, does not publish
    assert client.get(url).status_code == 200
    report = client.get("/bao-cao/ket-qua-nam/", ANNUAL).content.decode()
    assert "/cong-bo/moi/" not in report and f"cong-bo/{published.pk}/" in report
    assert client.get("/bao-cao/ket-qua-nam/cong-bo/moi/", ANNUAL).status_code == 403
    assert client.post("/bao-cao/ket-qua-nam/cong-bo/", ANNUAL).status_code == 403
    assert PublishedReport.objects.count() == 1
    client.logout()
    assert client.get(url).status_code == 302


def test_a_post_without_the_csrf_token_is_refused(people, data):  # noqa: F811
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["agency"])
    assert strict.post("/bao-cao/ket-qua-nam/cong-bo/", ANNUAL).status_code == 403
    assert not PublishedReport.objects.exists()


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999999999999999999999", "1.5", "%C4%91"])
def test_odd_ids_are_not_found(client, people, data, pk):  # noqa: F811
    publish(people["agency"])
    client.force_login(people["agency"])
    assert client.get(f"/bao-cao/ket-qua-nam/cong-bo/{pk}/").status_code == 404
    assert client.get(f"/api/v1/reports/ket-qua-nam/published/{pk}/").status_code == 404


def test_a_publication_is_found_under_its_own_report_only(client, people, data):  # noqa: F811
    published = publish(people["agency"])
    client.force_login(people["agency"])
    assert client.get(f"/bao-cao/phu-luc-1/cong-bo/{published.pk}/").status_code == 404
    assert client.get(f"/bao-cao/khong-co/cong-bo/{published.pk}/").status_code == 404
    assert client.get("/bao-cao/khong-co/cong-bo/").status_code == 404
    assert client.get(f"/api/v1/reports/phu-luc-1/published/{published.pk}/").status_code == 404


# --- API --------------------------------------------------------------------------------------------


def test_the_api_publishes_lists_and_compares(client, people, data):  # noqa: F811
    client.force_login(people["agency"])
    created = client.post(
        "/api/v1/reports/ket-qua-nam/published/",
        {"parameters": {"year": 2020, "source": "kcqg"}, "number": "16/BC"},
        content_type="application/json",
    )
    # queued as a job, as from the page (the test settings run it at once)
    assert created.status_code == 202, created.content
    job = created.json()["job"]
    assert created["Location"] == f"/api/v1/jobs/{job['id']}/" and job["kind"] == "reporting.publish"
    assert job["state"] == "done", job
    pk = created.json()["publication"]["id"]
    assert created.json()["publication"]["url"] == f"/bao-cao/ket-qua-nam/cong-bo/{pk}/"
    assert client.get(created["Location"]).json()["result"]["url"] == f"/bao-cao/ket-qua-nam/cong-bo/{pk}/"
    amend(people, data["p1"])
    listing = client.get("/api/v1/reports/ket-qua-nam/published/")
    assert listing.status_code == 200 and [p["id"] for p in listing.json()] == [pk]
    detail = client.get(f"/api/v1/reports/ket-qua-nam/published/{pk}/").json()
    assert detail["tables"][0]["rows"][-1]["values"]["plan"] == 230_000_000
    assert [
        (d["row"], d["column_key"], d["published"], d["today"], d["change"]) for d in detail["differences"]
    ] == [
        (CONTENT, "amended", -10_000_000, 5_000_000, 15_000_000),
        (CONTENT, "plan", 230_000_000, 245_000_000, 15_000_000),
        ("Tổng cộng", "amended", -10_000_000, 5_000_000, 15_000_000),
        ("Tổng cộng", "plan", 230_000_000, 245_000_000, 15_000_000),
    ]
    entry = LedgerEntry.objects.get(pk__gt=PublishedReport.objects.get().ledger_mark)
    assert detail["entries_since"]["count"] == 1
    assert detail["entries_since"]["results"][0]["id"] == entry.pk
    assert detail["entries_since"]["results"][0]["amount"] == 15_000_000
    assert detail["status_changes_since"]["count"] == 1
    assert detail["status_changes_since"]["results"][0]["to_status"] == "approved"
    bad = client.post(
        "/api/v1/reports/ket-qua-nam/published/",
        {"parameters": {"year": "abc"}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert bad.status_code == 400 and "year" in bad.json()["error"]["fields"]
    assert (
        client.post("/api/v1/reports/khong-co/published/", {}, content_type="application/json").status_code
        == 404
    )


def test_the_api_answers_before_the_worker_publishes(client, people, data, settings):  # noqa: F811
    """With a real queue the API answers 202 at once; the worker publishes the figures as they stand."""
    from khuyencong.core import jobs

    settings.KC_JOBS_BACKEND_ALIAS = "database"
    client.force_login(people["agency"])
    created = client.post(
        "/api/v1/reports/ket-qua-nam/published/",
        {"parameters": {"year": 2020, "source": "kcqg"}, "number": "18/BC"},
        content_type="application/json",
    )
    assert created.status_code == 202, created.content
    assert created.json()["publication"] is None and created.json()["job"]["state"] == "queued"
    assert not PublishedReport.objects.exists()
    jobs.run(created.json()["job"]["id"])
    polled = client.get(created["Location"]).json()
    published = PublishedReport.objects.get()
    assert polled["state"] == "done"
    assert polled["result"]["url"] == f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/"
    assert published.number == "18/BC"


def test_the_api_follows_the_same_rules(client, people, data):  # noqa: F811
    published = publish(people["agency"])
    url = f"/api/v1/reports/ket-qua-nam/published/{published.pk}/"
    client.force_login(people["doit"])
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/reports/ket-qua-nam/published/").status_code == 404
    post = {"parameters": {"year": 2020}}
    assert (
        client.post(
            "/api/v1/reports/ket-qua-nam/published/", post, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(people["leader"])
    assert client.get(url).status_code == 200
    assert (
        client.post(
            "/api/v1/reports/ket-qua-nam/published/", post, content_type="application/json"
        ).status_code
        == 403
    )
    assert PublishedReport.objects.count() == 1


def test_the_schema_names_the_publication_endpoints(client, people):
    client.force_login(people["agency"])
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert set(paths["/api/v1/reports/{name}/published/"]) >= {"get", "post"}
    assert "get" in paths["/api/v1/reports/{name}/published/{id}/"]


# --- command line -----------------------------------------------------------------------------------


def _command(*args: str) -> tuple[str, str]:
    """``khuyencong report …`` as an operator runs it: its output and errors (a refusal is a
    ``CommandError``, which the console script prints and exits with status 1)."""
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


PUBLISH = ["ket-qua-nam", "--param", "year=2020", "--param", "source=kcqg", "--publish"]


def test_the_command_queues_the_publication_as_a_job(people, data, settings, tmp_path):  # noqa: F811
    """By default the command queues the job, as the page does, prints its number and writes nothing;
    the worker then publishes."""
    from khuyencong.core import jobs
    from khuyencong.core.models import Job

    settings.DATA_DIR = tmp_path
    settings.KC_JOBS_BACKEND_ALIAS = "database"  # queued for a worker, not run at once
    out, _err = _command(*PUBLISH, "--user", people["agency"].username, "--number", "17/BC")
    job = Job.objects.get(kind=snapshots.PUBLISH_JOB)
    assert job.state == Job.State.QUEUED and job.owner == people["agency"]
    assert job.audit["origin"] == "cli"
    with translation.override("vi"):
        assert out.strip() == _("Job no. %(id)s queued: %(title)s (%(url)s).") % {
            "id": job.pk,
            "title": job.title,
            "url": f"/cong-viec/{job.pk}/",
        }
    assert not PublishedReport.objects.exists() and not list(tmp_path.glob("*.xlsx"))

    jobs.run(job.pk)  # what the worker does with it

    published = PublishedReport.objects.get()
    assert published.number == "17/BC" and published.published_by == people["agency"]
    assert ObjectChange.objects.filter(object_id=published.pk, origin="cli", action="create").exists()


def test_the_command_waits_for_the_job_and_runs_it_when_no_worker_does(
    people,
    data,  # noqa: F811
    settings,
    tmp_path,
):
    from khuyencong.core.models import Job

    settings.DATA_DIR = tmp_path
    settings.KC_JOBS_BACKEND_ALIAS = "database"  # no worker runs it
    out_file = tmp_path / "kq.json"
    out, err = _command(
        *PUBLISH,
        *("--user", people["agency"].username, "--number", "17/BC", "--format", "json"),
        *("--out", str(out_file), "--wait", "--worker-timeout", "0"),
    )
    job = Job.objects.get(kind=snapshots.PUBLISH_JOB)
    published = PublishedReport.objects.get()
    assert job.state == Job.State.DONE and job.result_url == f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/"
    with translation.override("vi"):
        assert _("No worker has started the job; running it here.") in err
        assert "[1/1] " + _("The report is published.") in err
        assert f"{_('Number')}: 17/BC" in out
    assert f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/" in out
    body = json.loads(out_file.read_text())
    assert body[0]["rows"][-1]["values"]["plan"] == 230_000_000
    assert any("17/BC" in note for note in body[0]["footnotes"])
    assert ObjectChange.objects.filter(object_id=published.pk, origin="cli", action="create").exists()


def test_the_command_waits_for_a_job_already_done(people, data, tmp_path):  # noqa: F811
    """With the test settings the queue runs the job at once: --wait finds it done."""
    out_file = tmp_path / "kq.csv"
    out, _err = _command(
        *PUBLISH, "--user", people["agency"].username, "--format", "csv", "--out", str(out_file), "--wait"
    )
    published = PublishedReport.objects.get()
    assert f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/" in out and out_file.exists()


@pytest.mark.parametrize(
    ("args", "message", "values"),
    [
        (
            ["khong-co", "--publish", "--user", "agency"],
            "There is no report “%(name)s”; the reports are: %(names)s.",
            {"name": "khong-co", "names": ", ".join(sorted(REPORTS))},
        ),
        (PUBLISH, "--publish needs --user: the agency officer who publishes.", {}),
        (
            [*PUBLISH, "--user", "agency", "--out", "x.xlsx"],
            "--out with --publish needs --wait: the job publishes the figures.",
            {},
        ),
        ([*PUBLISH, "--user", "nobody"], "There is no active user “%(name)s”.", {"name": "nobody"}),
        ([*PUBLISH, "--user", "leader"], "Only the agency publishes reports.", {}),
        ([*PUBLISH, "--user", "doit"], "Only the agency publishes reports.", {}),
        ([*PUBLISH, "--user", "agency", "--number", "x" * 101], "At most %(n)s characters.", {"n": 100}),
    ],
)
def test_the_command_refuses_in_words_with_exit_status_1(people, data, args, message, values):  # noqa: F811
    from django.core.management.base import CommandError

    from khuyencong.core.models import Job

    args = [people[a].username if a in ("agency", "leader", "doit") else a for a in args]
    with pytest.raises(CommandError) as refused:
        _command(*args)
    with translation.override("vi"):
        assert _(message) != message  # the operator reads it in Vietnamese
        expected = _(message) % values
    assert str(refused.value).endswith(expected) and refused.value.returncode == 1
    assert not Job.objects.exists() and not PublishedReport.objects.exists()


def test_the_command_names_the_wrong_parameter(people, data):  # noqa: F811
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as refused:
        _command("ket-qua-nam", "--param", "year=abc", "--publish", "--user", people["agency"].username)
    assert str(refused.value).startswith("year: ") and refused.value.returncode == 1
    assert not PublishedReport.objects.exists()


def test_the_command_refuses_a_publication_already_under_way(people, data, settings, tmp_path):  # noqa: F811
    from django.core.management.base import CommandError

    from khuyencong.core.models import Job

    settings.DATA_DIR = tmp_path
    settings.KC_JOBS_BACKEND_ALIAS = "database"
    agency = people["agency"].username
    _command(*PUBLISH, "--user", agency)
    job = Job.objects.get()
    # the same report with the same parameters, written otherwise (a number as a number): refused
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        _command(*("ket-qua-nam", "--year", "2020", "--param", "source=kcqg"), "--publish", "--user", agency)
    with translation.override("vi"):
        assert str(refused.value) == _(
            "This report is already being published with these parameters (job no. %(id)s); "
            "wait for it to finish."
        ) % {"id": job.pk}
    assert Job.objects.count() == 1
    # other parameters are another publication
    _command("ket-qua-nam", "--year", "2021", "--publish", "--user", people["agency"].username)
    assert Job.objects.count() == 2


def test_a_job_that_fails_is_the_commands_error(people, data, settings, tmp_path, monkeypatch):  # noqa: F811
    """The job refused when it runs (the publisher lost the role meanwhile): exit status 1, the
    job's message, nothing published."""
    from django.core.management.base import CommandError

    from khuyencong.core.models import Job

    settings.DATA_DIR = tmp_path
    settings.KC_JOBS_BACKEND_ALIAS = "database"
    real_queue = snapshots.queue_publication

    def queue_then_lose_the_role(**kwargs):
        job = real_queue(**kwargs)
        people["agency"].role_assignments.all().delete()
        return job

    monkeypatch.setattr(snapshots, "queue_publication", queue_then_lose_the_role)
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        _command(*PUBLISH, "--user", people["agency"].username, "--wait", "--worker-timeout", "0")
    job = Job.objects.get()
    with translation.override("vi"):
        assert str(refused.value) == _("The job no. %(id)s failed: %(error)s") % {
            "id": job.pk,
            "error": _("Only the agency publishes reports."),
        }
    assert refused.value.returncode == 1 and not PublishedReport.objects.exists()


def test_a_reader_in_another_language_sees_only_the_real_differences(client, people, data):  # noqa: F811
    published = publish(people["agency"])  # in Vietnamese: rows named "Tổng cộng"…
    assert published.language == "vi"
    amend(people, data["p1"])
    client.force_login(people["leader"])
    page = client.get(f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    # today's figures are computed in the publication's language: the rows still match
    assert [(d.row, d.column_key) for d in page.context["differences"]] == [
        (CONTENT, "amended"),
        (CONTENT, "plan"),
        ("Tổng cộng", "amended"),
        ("Tổng cộng", "plan"),
    ]


def test_a_phase_report_is_frozen_with_its_sentences_title_and_years(people, data):  # noqa: F811
    """The phase report's tables carry lead sentences and the document its own title: a publication
    keeps both, and the records that may change it are those of the programme's plan years."""
    from khuyencong.programmes.models import Programme

    programme = Programme.objects.get(code="kcqg-2014-2020")
    period = REPORTS["bao-cao-giai-doan"].engine_filters({"programme": programme})["period"]
    assert list(period.plan_years) == list(range(2014, 2021))
    assert REPORTS["phu-luc-3"].engine_filters({"programme": programme})["period"] == period
    with translation.override("vi"):
        published = snapshots.publish(
            user=people["agency"],
            report=REPORTS["bao-cao-giai-doan"],
            data={"programme": programme.code},
        )
        built = REPORTS["bao-cao-giai-doan"].run(get_scope(people["agency"]), {"programme": programme.code})[
            1
        ]
    assert built is not None and built.document_title and any(t.lead for t in built.tables)
    back = snapshots.published_built(published)
    assert back.document_title == built.document_title
    assert [t.lead for t in snapshots.published_tables(published, marked=False)] == [
        t.lead for t in built.tables
    ]
    assert snapshots.header(published, back.tables).title == built.document_title


# --- publishing as a job (the page's button) ----------------------------------------------------------


def test_the_page_queues_the_publication_as_a_job_whose_result_links_to_it(
    client,
    settings,
    tmp_path,
    people,
    data,  # noqa: F811
):
    from khuyencong.core import jobs
    from khuyencong.core.models import Job

    settings.DATA_DIR = tmp_path
    settings.KC_JOBS_BACKEND_ALIAS = "database"  # queued for the worker, not run at once
    client.force_login(people["agency"])
    response = client.post("/bao-cao/ket-qua-nam/cong-bo/", {**ANNUAL, "number": "17/BC", "note": ""})
    job = Job.objects.get(kind="reporting.publish")
    assert response.status_code == 302 and response["Location"] == f"/cong-viec/{job.pk}/"
    assert job.state == Job.State.QUEUED and job.owner == people["agency"]
    assert not PublishedReport.objects.exists()
    waiting = client.get(f"/cong-viec/{job.pk}/").content.decode()
    assert 'data-state="queued"' in waiting and 'hx-trigger="every 1s"' in waiting

    jobs.run(job.pk)  # what the worker does with it

    job.refresh_from_db()
    published = PublishedReport.objects.get()
    assert job.state == Job.State.DONE and (job.progress_done, job.progress_total) == (1, 1)
    assert job.result_url == f"/bao-cao/ket-qua-nam/cong-bo/{published.pk}/"
    assert published.number == "17/BC" and published.parameters == {"year": 2020, "source": "kcqg"}
    assert published.published_by == people["agency"]
    assert ObjectChange.objects.filter(object_id=published.pk, user=people["agency"], origin="web").exists()
    page = client.get(f"/cong-viec/{job.pk}/", HTTP_HX_REQUEST="true")  # the progress bar's poll
    html = page.content.decode()
    assert page.status_code == 200 and "<html" not in html and 'data-state="done"' in html
    assert f'href="/bao-cao/ket-qua-nam/cong-bo/{published.pk}/"' in html and "Mở bản công bố" in html
    assert "17/BC" in html
    # another officer of the agency does not see the agency officer's job
    client.force_login(people["leader"])
    assert client.get(f"/cong-viec/{job.pk}/").status_code == 404


def test_a_publication_job_that_is_refused_when_it_runs_publishes_nothing(
    client,
    settings,
    tmp_path,
    people,
    data,  # noqa: F811
):
    from khuyencong.core import jobs
    from khuyencong.core.models import Job

    settings.DATA_DIR = tmp_path
    settings.KC_JOBS_BACKEND_ALIAS = "database"
    client.force_login(people["agency"])
    client.post("/bao-cao/ket-qua-nam/cong-bo/", ANNUAL)
    job = Job.objects.get(kind="reporting.publish")
    people["agency"].role_assignments.all().delete()  # the publisher lost the role meanwhile

    jobs.run(job.pk)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED and not PublishedReport.objects.exists()
    with translation.override("vi"):
        assert job.error == str(_("Only the agency publishes reports."))


def test_page_api_and_command_refuse_the_same_publication_twice_while_it_is_queued(
    client,
    people,
    data,  # noqa: F811
    settings,
    tmp_path,
):
    """One rule, in ``snapshots.queue_publication``: a publication already queued is not queued
    again, whoever asks and from where."""
    from khuyencong.core.models import Job

    settings.DATA_DIR = tmp_path
    settings.KC_JOBS_BACKEND_ALIAS = "database"
    client.force_login(people["agency"])
    assert client.post("/bao-cao/ket-qua-nam/cong-bo/", ANNUAL).status_code == 302
    job = Job.objects.get()
    with translation.override("vi"):
        message = _(
            "This report is already being published with these parameters (job no. %(id)s); "
            "wait for it to finish."
        ) % {"id": job.pk}
    again = client.post("/bao-cao/ket-qua-nam/cong-bo/", ANNUAL)
    assert again.status_code == 400 and message in again.content.decode()
    api = client.post(
        "/api/v1/reports/ket-qua-nam/published/",
        {"parameters": {"year": 2020, "source": "kcqg"}},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["error"]["fields"] == {"non_field_errors": [message]}
    assert Job.objects.count() == 1
