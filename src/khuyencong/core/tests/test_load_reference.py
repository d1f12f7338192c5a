"""``khuyencong load-reference``: idempotent, all-or-nothing, clear errors, respects people's edits."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from khuyencong.core.audit import audit_context
from khuyencong.core.models import ObjectChange
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Target

pytestmark = pytest.mark.django_db


def load(**kwargs) -> str:
    out = io.StringIO()
    call_command("load_reference", stdout=out, **kwargs)
    return out.getvalue()


def test_running_it_again_changes_nothing():
    changes = ObjectChange.objects.count()
    output = load()
    assert "tạo mới 0, cập nhật 0" in output.splitlines()[-1]
    assert ObjectChange.objects.count() == changes


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A copy of the shipped data files that a test may break."""
    for config in apps.get_app_configs():
        data = Path(config.path) / "data"
        if config.name.startswith("khuyencong.") and data.is_dir():
            shutil.copytree(data, tmp_path / config.label)
    return tmp_path


def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("app", "filename", "old", "new", "message"),
    [
        (
            "programmes",
            "legal_documents.csv",
            "2012-05-21",
            "21/05/2012",
            "legal_documents.csv, dòng 2, cột “issued_on”: “21/05/2012” không phải ngày hợp lệ",
        ),
        (
            "geo",
            "provinces_2008.csv",
            "02,Hà Giang,Tỉnh Hà Giang,province,TDMNPB",
            "02,Hà Giang,Tỉnh Hà Giang,province,TAY_BAC",
            "provinces_2008.csv, dòng 3, cột “economic_region”: không có vùng kinh tế “TAY_BAC”",
        ),
        (
            "programmes",
            "targets.csv",
            "kcqg-2021-2025,mo-hinh-trinh-dien,340,",
            "kcqg-2021-2025,mo-hinh-trinh-dien,-340,",
            "targets.csv, dòng 7, cột “value”: -340 nhỏ hơn giá trị tối thiểu 0",
        ),
        (
            "orgs",
            "organisations.csv",
            "Bộ Công Thương,BCT",
            "Bộ Công Thương, BCT,thừa",
            "organisations.csv, dòng 2: có 1 giá trị thừa",
        ),
        (
            "geo",
            "succession_2025.csv",
            "08,02,0\n",
            "",
            "succession_2025.csv, cột “old_code”: tỉnh cũ 02 Hà Giang có 0 tỉnh kế thừa, cần đúng 1",
        ),
    ],
)
def test_a_bad_file_names_file_row_and_column_and_keeps_nothing(data_dir, app, filename, old, new, message):
    break_file(data_dir / app / filename, old, new)
    units, changes = AdministrativeUnit.objects.count(), ObjectChange.objects.count()
    AdministrativeUnit.objects.filter(level="commune").delete()  # so that a partial load would show
    after_delete = ObjectChange.objects.count()
    with pytest.raises(CommandError) as error:
        load(data_dir=data_dir)
    assert message in str(error.value)
    assert "không có gì được ghi" in str(error.value)
    assert AdministrativeUnit.objects.filter(level="commune").count() == 0
    assert ObjectChange.objects.count() == after_delete
    assert units and changes  # the data was there before


def test_a_change_made_by_a_person_is_kept_and_reported(admin_user):
    centre = Organisation.objects.get(code="ttkc-08-2025")
    with audit_context(user=admin_user, origin="web"):
        centre.name = "Trung tâm Khuyến công và Xúc tiến thương mại tỉnh Tuyên Quang"
        centre.name_verified = True
        centre.save()
    output = load()
    centre.refresh_from_db()
    assert centre.name == "Trung tâm Khuyến công và Xúc tiến thương mại tỉnh Tuyên Quang"
    assert "giữ nguyên (đã được sửa trong hệ thống)" in output


def test_a_changed_file_updates_what_the_loader_wrote(data_dir):
    break_file(
        data_dir / "programmes" / "targets.csv",
        "kcqg-2021-2025,nhan-hieu,350,",
        "kcqg-2021-2025,nhan-hieu,360,",
    )
    output = load(data_dir=data_dir)
    target = Target.objects.get(programme__code="kcqg-2021-2025", indicator__code="nhan-hieu")
    assert target.value == 360
    assert "cập nhật 1" in output.splitlines()[-1]
    change = ObjectChange.objects.for_object(target).latest("id")
    assert (
        change.origin == "cli"
        and change.before == {"value": "350.00"}
        and change.after == {"value": "360.00"}
    )
