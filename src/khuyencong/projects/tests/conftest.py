"""Fixtures for the project cycle: a 2026 KCQG round, people in every role, a ready proposal."""

import datetime

import pytest
from django.db.models import Q

from khuyencong.establishments.services import establishment_create
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Indicator, Programme
from khuyencong.projects.models import RegistrationRound
from khuyencong.projects.services.proposals import proposal_save
from khuyencong.testing.factories import establishment_data, user_with_role

NEW = datetime.date(2025, 7, 1)


@pytest.fixture
def tuyen_quang(db):
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code="08", valid_from=NEW)


@pytest.fixture
def hanoi(db):
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code="01", valid_from=NEW)


@pytest.fixture
def round_2027(db):
    today = datetime.date.today()
    return RegistrationRound.objects.create(
        plan_year=2027,
        source="kcqg",
        name="Đăng ký KCQG năm 2027",
        opens_on=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=30),
    )


@pytest.fixture
def people(db, tuyen_quang):
    partner = Organisation.objects.get(code="hoi-nong-dan")
    return {
        "doit": user_with_role("provincial_officer", province=tuyen_quang, username="p_doit"),
        "agency": user_with_role("programme_officer", username="p_agency"),
        "expert1": user_with_role("expert", username="p_expert1"),
        "expert2": user_with_role("expert", username="p_expert2"),
        "expert3": user_with_role("expert", username="p_expert3"),
        "unit": user_with_role("implementing_unit", organisation=partner, username="p_unit"),
        "other_doit": user_with_role(
            "provincial_officer",
            username="p_hanoi",
            province=AdministrativeUnit.objects.get(level=Level.PROVINCE, code="01", valid_from=NEW),
        ),
        "leader": user_with_role("leader", username="p_leader"),
    }


@pytest.fixture
def beneficiary(people, tuyen_quang):
    commune = AdministrativeUnit.objects.filter(
        Q(parent=tuyen_quang), level=Level.COMMUNE, kind="commune"
    ).first()
    return establishment_create(
        user=people["agency"], data=establishment_data(commune, name="Hộ kinh doanh Mây tre Kim Bình")
    )


@pytest.fixture
def make_proposal(people, round_2027, tuyen_quang, beneficiary):
    """A complete proposal ready for submission (training content: advances up to 70 %)."""

    def make(
        user=None, content="dao-tao-nghe", state=250_000_000, counterpart=120_000_000, norm=None, **fields
    ):
        content_obj = Content.objects.get(code=content)
        data = {
            "round": round_2027,
            "plan_year": 2027,
            "source": "kcqg",
            "programme": Programme.objects.get(code="kcqg-2026-2030"),
            "content": content_obj,
            "kind": "ordinary",
            "name": "Đào tạo nghề mây tre đan cho lao động nông thôn",
            "objectives": "Đào tạo 60 lao động",
            "implementing_org": Organisation.objects.get(code="ttkc-08-2025"),
            "lead_province": tuyen_quang,
            "start_date": datetime.date(2027, 3, 1),
            "end_date": datetime.date(2027, 11, 30),
            "support_norm": norm,
        }
        data.update(fields)
        indicator = Indicator.objects.filter(content=content_obj).order_by("order").first()
        return proposal_save(
            user=user or people["doit"],
            project=None,
            data=data,
            budget_lines=[
                {
                    "category": "training",
                    "item": "Chi phí lớp học",
                    "state_support": state,
                    "counterpart": counterpart,
                }
            ],
            beneficiaries=[
                {"establishment": beneficiary, "planned_support": None, "role": "Lao động được đào tạo"}
            ],
            results=[{"indicator": indicator, "target": 60}],
        )

    return make
