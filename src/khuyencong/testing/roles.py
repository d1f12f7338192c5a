"""One user per role (and the records the access checks refer to), for tests and the matrix."""

from __future__ import annotations

import datetime

from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Programme
from khuyencong.testing.factories import user_with_role

NEW = datetime.date(2025, 7, 1)


def role_users() -> dict[str, object]:
    tuyen_quang = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="08", valid_from=NEW)
    partner = Organisation.objects.get(code="hoi-nong-dan")
    return {
        "anonymous": None,
        "admin": user_with_role("admin", username="m_admin"),
        "programme_officer": user_with_role("programme_officer", username="m_officer"),
        "expert": user_with_role("expert", username="m_expert"),
        "provincial_officer": user_with_role(
            "provincial_officer", province=tuyen_quang, username="m_province"
        ),
        "implementing_unit": user_with_role("implementing_unit", organisation=partner, username="m_unit"),
        "leader": user_with_role("leader", username="m_leader"),
        "leader_province": user_with_role("leader", province=tuyen_quang, username="m_leader_tq"),
        "public": user_with_role("public", username="m_public"),
    }


def matrix_context() -> dict[str, object]:
    from django.db.models import Q

    from khuyencong.core.models import Job
    from khuyencong.establishments.services import establishment_create
    from khuyencong.testing.factories import establishment_data

    creator = user_with_role("admin", username="m_creator")

    def commune_in(code: str) -> AdministrativeUnit:
        province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from=NEW)
        return (
            AdministrativeUnit.objects.filter(Q(parent=province), level=Level.COMMUNE)
            .order_by("code")
            .first()
        )

    def project_in(code: str, org_code: str, name: str):
        import datetime

        from khuyencong.orgs.models import Organisation
        from khuyencong.programmes.models import Content
        from khuyencong.projects.services.proposals import proposal_save

        return proposal_save(
            user=creator,
            project=None,
            data={
                "plan_year": 2027,
                "source": "kcqg",
                "programme": Programme.objects.get(code="kcqg-2026-2030"),
                "content": Content.objects.get(code="dao-tao-nghe"),
                "name": name,
                "objectives": name,
                "implementing_org": Organisation.objects.get(code=org_code),
                "lead_province": AdministrativeUnit.objects.get(
                    level=Level.PROVINCE, code=code, valid_from=NEW
                ),
                "start_date": datetime.date(2027, 3, 1),
                "end_date": datetime.date(2027, 11, 30),
            },
        )

    return {
        "tq_project": project_in("08", "ttkc-08-2025", "Đề án ma trận Tuyên Quang"),
        "partner_project": project_in("01", "hoi-nong-dan", "Đề án ma trận của Hội Nông dân tại Hà Nội"),
        "province": AdministrativeUnit.objects.get(level=Level.PROVINCE, code="02"),
        "programme": Programme.objects.get(code="kcqg-2021-2025"),
        "other_user": user_with_role(None, username="m_someone_else"),
        "job": Job.objects.create(
            kind="core.list_export", title="Xuất danh sách ma trận", owner=creator, state=Job.State.DONE
        ),
        "tq_establishment": establishment_create(
            user=creator, data=establishment_data(commune_in("08"), name="Cơ sở ma trận Tuyên Quang")
        ),
        "hanoi_establishment": establishment_create(
            user=creator, data=establishment_data(commune_in("01"), name="Cơ sở ma trận Hà Nội")
        ),
    }


def run_checks(checks, users, context) -> dict[tuple[str, str], int]:
    from django.test import Client

    results = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for check in checks:
            response = getattr(client, check.method)(check.url(context))
            results[(check.label, role)] = response.status_code
    return results
