"""A project's files through the API, as on its page: the same checks of the file, the same scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_files_are_added_listed_and_downloaded_within_the_scope(people, make_proposal):
    project = make_proposal()
    url = f"/api/v1/projects/{project.pk}/attachments/"
    fake = SimpleUploadedFile("thuyet-minh.pdf", b"not really a pdf", content_type="application/pdf")
    refused = api(people["doit"]).post(url, {"kind": "project_document", "file": fake}, format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()["error"]["fields"]
    no_kind = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    assert api(people["doit"]).post(url, {"file": no_kind}, format="multipart").status_code == 400
    real = SimpleUploadedFile("thuyet-minh.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    added = api(people["doit"]).post(
        url, {"kind": "project_document", "file": real, "description": "Thuyết minh"}, format="multipart"
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["original_name"], body["content_type"], body["description"]) == (
        "thuyet-minh.pdf",
        "application/pdf",
        "Thuyết minh",
    )
    assert [f["id"] for f in api(people["agency"]).get(url).json()] == [body["id"]]
    download = api(people["doit"]).get(body["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # another province: the project does not exist for it
    assert api(people["other_doit"]).get(url).status_code == 404
    assert api(people["other_doit"]).get(body["download"]).status_code == 404
    other = SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    assert (
        api(people["other_doit"])
        .post(url, {"kind": "project_document", "file": other}, format="multipart")
        .status_code
        == 404
    )
    # a national reader sees the files but adds none
    again = SimpleUploadedFile("c.pdf", b"%PDF-1.4\n%y\n", content_type="application/pdf")
    assert (
        api(people["leader"])
        .post(url, {"kind": "project_document", "file": again}, format="multipart")
        .status_code
        == 403
    )
    assert api(people["doit"]).get(f"{url}999999/download/").status_code == 404
