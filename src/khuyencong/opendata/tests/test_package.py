"""The open data package: valid for the ``frictionless`` validator (every resource's rows against
its Table Schema, every foreign key resolved), no personal data, nothing not yet approved, and the
figures of the reporting engine."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse

from khuyencong.establishments.models import Establishment
from khuyencong.opendata import package

pytestmark = pytest.mark.django_db


def _zip(client) -> zipfile.ZipFile:
    response = client.get(reverse("opendata:zip"))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(f"data/{name}.csv").decode("utf-8"))))


def _validate(folder):
    from frictionless import Package, system

    with system.use_context(trusted=True):
        return Package(str(folder / "datapackage.json")).validate()


def test_the_package_passes_the_frictionless_validator(client, published, tmp_path):
    _zip(client).extractall(tmp_path)
    report = _validate(tmp_path)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == len(package.NAMES)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == package.NAMES
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    for resource in descriptor["resources"]:
        for described in resource["schema"]["fields"]:  # every column documented
            assert described["title"] and described["description"] and described["type"]
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in {"", *package.NAMES}


def test_the_validator_catches_a_foreign_key_that_does_not_resolve(client, published, tmp_path):
    """The check above can fail: a project pointing at a content that is not published is refused."""
    _zip(client).extractall(tmp_path)
    path = tmp_path / "data" / "projects.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",dao-tao-nghe,", ",khong-co,"), encoding="utf-8"
    )
    report = _validate(tmp_path)
    assert not report.valid
    assert "foreign-key" in {error[1] for error in report.flatten(["resourceName", "type"])}


def test_only_projects_approved_at_some_point_are_published(client, published):
    archive = _zip(client)
    codes = {row["code"] for row in _rows(archive, "projects")}
    assert codes == {published["approved"].code, published["own"].code}
    amounts = _rows(archive, "project-amounts")
    assert {row["project"] for row in amounts} == codes
    assert published["pending"].code not in archive.read("data/project-amounts.csv").decode()
    # the national tables count the approved projects only, with the engine's figures
    by_content = _rows(archive, "funds-by-year-content")
    assert by_content == [
        {
            "plan_year": "2020",
            "source": "kcqg",
            "content": "dao-tao-nghe",
            "projects": "2",
            "approved": "130000000",
            "paid": "70000000",
            "settled": "48000000",
            "refunded": "0",
        }
    ]
    by_year = {(row["project"], row["year"]): row for row in amounts}
    first = by_year[(published["approved"].code, "2020")]
    assert (first["approved"], first["paid"]) == ("80000000", "40000000")
    assert by_year[(published["approved"].code, "2021")]["paid"] == "30000000"


def test_a_province_is_given_as_it_was_and_as_it_is_today(client, published):
    archive = _zip(client)
    project = next(r for r in _rows(archive, "projects") if r["code"] == published["approved"].code)
    provinces = {row["id"]: row for row in _rows(archive, "provinces")}
    assert provinces[project["province_id"]]["name"] == "Hà Giang"
    assert provinces[project["province_now_id"]]["name"] == "Tuyên Quang"
    assert provinces[project["province_id"]]["successor_id"] == project["province_now_id"]
    assert len([p for p in provinces.values() if not p["valid_until"]]) == 34
    by_province = {r["province_id"]: r for r in _rows(archive, "funds-by-year-province")}
    assert by_province[project["province_id"]]["approved"] == "80000000"


def test_no_personal_data_is_published(client, published, people):
    archive = _zip(client)
    descriptor = json.loads(archive.read("datapackage.json"))
    columns = {f["name"] for r in descriptor["resources"] for f in r["schema"]["fields"]}
    personal = (
        "phone",
        "email",
        "e_mail",
        "tax",
        "beneficiar",
        "establishment",
        "person",
        "user",
        "review",
        "score",
        "expert",
        "address",
        "owner",
        "birth",
        "identity",
    )
    assert not [c for c in columns if any(word in c for word in personal)]
    text = " ".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    establishment = Establishment.objects.get(pk=published["own"].implementing_establishment_id)
    assert establishment.name not in text  # the household business carrying out its own project
    for personal_value in (establishment.representative, establishment.phone, establishment.tax_code):
        assert not personal_value or personal_value not in text
    for user in people.values():
        assert user.username not in text
    own = next(r for r in _rows(archive, "projects") if r["code"] == published["own"].code)
    assert own["organisation"] == ""  # an establishment is not named
    assert published["draft"].name not in text


def test_the_page_and_the_files_need_no_account(client, published):
    page = client.get(reverse("opendata:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "CC BY 4.0" in html and "creativecommons.org/licenses/by/4.0" in html
    for name in package.NAMES:
        assert reverse("opendata:csv", args=[name]) in html
    descriptor = client.get(reverse("opendata:datapackage")).json()
    assert descriptor["resources"][0]["path"] == "data/projects.csv"
    csv_file = client.get(reverse("opendata:csv", args=["projects"]))
    assert csv_file.status_code == 200 and csv_file.streaming
    assert client.get("/du-lieu-mo/data/khong-co.csv").status_code == 404
    whole = client.get(reverse("opendata:json", args=["project-amounts"]))
    rows = json.loads(b"".join(whole.streaming_content))["rows"]
    assert all(isinstance(row["approved"], int) for row in rows)


def test_the_public_account_reads_it_too(client, published):
    from khuyencong.testing.factories import user_with_role

    client.force_login(user_with_role("public", username="nguoi_dan"))
    assert client.get(reverse("opendata:index")).status_code == 200
    assert client.get("/api/v1/open-data/projects/").status_code == 200


def test_the_zip_is_built_once_per_version_of_the_data(client, published, monkeypatch):
    """Two downloads without a change build the zip once; a payment recorded in between (through the
    service) makes a new zip with the new figure."""
    from khuyencong.opendata import cache
    from khuyencong.projects.models import LedgerKind
    from khuyencong.projects.services import ledger

    built = []
    original = package.write_zip
    monkeypatch.setattr(package, "write_zip", lambda output: (built.append(1), original(output)))
    first = _zip(client)
    again = _zip(client)
    assert len(built) == 1
    assert again.read("data/project-amounts.csv") == first.read("data/project-amounts.csv")
    assert len(list(cache.cache_dir().glob("*.zip"))) == 1

    ledger.record(published["approved"], LedgerKind.DISBURSED, 5_000_000, datetime.date(2021, 2, 1))
    changed = _zip(client)
    assert len(built) == 2
    paid_2021 = {(row["project"], row["year"]): row["paid"] for row in _rows(changed, "project-amounts")}[
        (published["approved"].code, "2021")
    ]
    assert paid_2021 == "35000000"
    assert changed.read("data/project-amounts.csv") != first.read("data/project-amounts.csv")
    assert len(list(cache.cache_dir().glob("*.zip"))) == 1  # the older version is gone
    _zip(client)
    assert len(built) == 2
