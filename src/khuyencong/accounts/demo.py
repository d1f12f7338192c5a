"""Demo accounts, one per role (README.md lists them)."""

from __future__ import annotations

import datetime

from khuyencong.accounts.models import RoleAssignment, User
from khuyencong.core.demo import DEMO_PASSWORD
from khuyencong.core.permissions import Role
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation

NEW_GEOGRAPHY = datetime.date(2025, 7, 1)

# user name, full name, role, organisation code, province code (2025 geography)
DEMO_USERS = [
    ("quantri", "Nguyễn Văn Quản (quản trị)", Role.ADMIN, "bo-cong-thuong", None),
    ("cuc_canbo", "Trần Thị Chương (Cục)", Role.PROGRAMME_OFFICER, "cuc-khuyen-cong", None),
    ("chuyengia", "Lê Minh Thẩm (chuyên gia)", Role.EXPERT, None, None),
    (
        "tuyenquang_so",
        "Hoàng Văn Tuyên (Sở Công Thương Tuyên Quang)",
        Role.PROVINCIAL_OFFICER,
        "so-ct-08-2025",
        "08",
    ),
    ("dvth_hoinongdan", "Phạm Thị Nông (Hội Nông dân)", Role.IMPLEMENTING_UNIT, "hoi-nong-dan", None),
    ("lanhdao_bo", "Đỗ Quang Lãnh (lãnh đạo Bộ)", Role.LEADER, "bo-cong-thuong", None),
    ("lanhdao_tinh", "Vũ Thị Đạo (lãnh đạo tỉnh Tuyên Quang)", Role.LEADER, "ubnd-08-2025", "08"),
    ("congchung", "Người dân (công chúng)", Role.PUBLIC, None, None),
]


def load_demo_accounts() -> str:
    created = 0
    for username, full_name, role, org_code, province_code in DEMO_USERS:
        organisation = Organisation.objects.filter(code=org_code).first() if org_code else None
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                email=f"{username}@demo.khuyencong.vn",
                organisation=organisation,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        province = (
            AdministrativeUnit.objects.get(level=Level.PROVINCE, code=province_code, valid_from=NEW_GEOGRAPHY)
            if province_code
            else None
        )
        assignment_org = organisation if role == Role.IMPLEMENTING_UNIT else None
        if not RoleAssignment.objects.filter(user=user, role=role).exists():
            RoleAssignment.objects.create(
                user=user,
                role=role,
                province=province,
                organisation=assignment_org,
                note="Tài khoản minh hoạ",
            )
    return f"{len(DEMO_USERS)} tài khoản minh hoạ ({created} tạo mới), mật khẩu {DEMO_PASSWORD}"
