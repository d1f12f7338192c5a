"""The project cycle's fixtures serve the open data tests too: the records are built through the
same services; ``published``: the records the open data tests read."""

import datetime

import pytest

from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Programme
from khuyencong.projects.models import LedgerKind, Project
from khuyencong.projects.services import ledger
from khuyencong.projects.services.history import project_record_appraised
from khuyencong.projects.tests.conftest import (  # noqa: F401
    beneficiary,
    hanoi,
    make_proposal,
    people,
    round_2027,
    tuyen_quang,
)

D = datetime.date
MERGER = D(2025, 7, 1)


def former(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from__lt=MERGER)


def record_2020(people, province, name, requested, status=None, establishment=None):  # noqa: F811
    project = project_record_appraised(
        user=people["agency"],
        data={
            "plan_year": 2020,
            "source": "kcqg",
            "programme": Programme.objects.get(code="kcqg-2014-2020"),
            "content": Content.objects.get(code="dao-tao-nghe"),
            "kind": "ordinary",
            "name": name,
            "objectives": "Đào tạo nghề",
            "implementing_org": None
            if establishment
            else Organisation.objects.get(code=f"ttkc-{province.code}-2008"),
            "implementing_establishment": establishment,
            "lead_province": province,
            "start_date": D(2020, 3, 1),
            "end_date": D(2020, 12, 15),
        },
        budget_lines=[
            {"category": "training", "item": "Lớp học", "state_support": requested, "counterpart": 0}
        ],
        filed_on=D(2019, 6, 15),
    )
    if status:  # the decision itself is not what these tests are about
        Project.objects.filter(pk=project.pk).update(status=status)
        project.refresh_from_db()
    return project


@pytest.fixture
def published(people, beneficiary, make_proposal):  # noqa: F811
    """Hà Giang's approved project (2020, as it was), an establishment's own approved project, a
    proposal still under appraisal and a draft of 2027 with a household business as beneficiary."""
    ha_giang = former("02")
    approved = record_2020(people, ha_giang, "Đào tạo nghề dệt thổ cẩm", 100_000_000, status="approved")
    own = record_2020(
        people, former("08"), "Đổi mới máy sấy chè", 50_000_000, status="settled", establishment=beneficiary
    )
    pending = record_2020(people, ha_giang, "Đề án còn đang thẩm định", 70_000_000)
    for project, kind, amount, day in [
        (approved, LedgerKind.ALLOCATED, 90_000_000, D(2020, 2, 10)),
        (approved, LedgerKind.AMENDED, -10_000_000, D(2020, 9, 15)),
        (approved, LedgerKind.ADVANCED, 40_000_000, D(2020, 3, 10)),
        (approved, LedgerKind.DISBURSED, 30_000_000, D(2021, 1, 20)),
        (own, LedgerKind.ALLOCATED, 50_000_000, D(2020, 2, 10)),
        (own, LedgerKind.SETTLED, 48_000_000, D(2020, 12, 30)),
    ]:
        ledger.record(project, kind, amount, day)
    draft = make_proposal()
    return {"approved": approved, "own": own, "pending": pending, "draft": draft, "ha_giang": ha_giang}


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    """The package's cached zip (``opendata/cache.py``) lives under the data folder: each test its own."""
    settings.DATA_DIR = tmp_path / "data"
