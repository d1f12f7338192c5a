"""Demo establishments (development installations only; every one says so in its note)."""

from __future__ import annotations

import datetime

from django.db.models import Q

from khuyencong.accounts.models import User
from khuyencong.establishments import services
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.validators import tax_code_for
from khuyencong.geo.models import AdministrativeUnit, Level

DEMO_NOTE = "Dữ liệu minh hoạ – không phải cơ sở thật."
NEW = datetime.date(2025, 7, 1)

# name, kind, serial for a tax code (None: no code), province code, generation, commune index, VSIC, products,
# employees, extras
DEMO = [
    ("Cơ sở Gốm sứ Quang Vinh", "household", None, "08", "2025", 0, "2393", "Bình, lọ gốm men rạn", 14, {}),
    (
        "Hợp tác xã Chè Shan Tuyết Bản Thàng",
        "cooperative",
        910000001,
        "08",
        "2025",
        3,
        "1077",
        "Chè shan tuyết, chè xanh",
        32,
        {"ethnic_minority_owned": True},
    ),
    (
        "Công ty TNHH Mây tre đan Hưng Phát",
        "small",
        910000002,
        "08",
        "2025",
        5,
        "1629",
        "Giỏ, khay mây tre",
        45,
        {
            "in_craft_village": True,
            "craft_village": "Làng nghề mây tre đan Hưng Phát",
            "craft_village_recognised": True,
        },
    ),
    (
        "Hộ kinh doanh Rèn Phúc Sen",
        "household",
        None,
        "08",
        "2025",
        7,
        "2593",
        "Dao, kéo, nông cụ",
        9,
        {"ethnic_minority_owned": True, "artisan_title": "meritorious"},
    ),
    (
        "Cơ sở Dệt thổ cẩm Lũng Tám",
        "cooperative_group",
        None,
        "08",
        "2025",
        9,
        "1392",
        "Vải lanh, thổ cẩm",
        21,
        {"women_owned": True, "ethnic_minority_owned": True, "is_handicraft": True},
    ),
    (
        "Công ty CP Chế biến gỗ Yên Sơn",
        "medium",
        910000003,
        "08",
        "2025",
        11,
        "1610",
        "Gỗ xẻ, ván ép",
        120,
        {},
    ),
    (
        "Cơ sở Cơ khí Nông nghiệp Hàm Yên",
        "household",
        None,
        "08",
        "2025",
        13,
        "2821",
        "Máy tuốt lúa, máy sấy",
        11,
        {},
    ),
    (
        "Hộ kinh doanh Bánh chưng Bờ Đậu",
        "household",
        None,
        "08",
        "2025",
        15,
        "1079",
        "Bánh chưng, bánh giầy",
        6,
        {"women_owned": True},
    ),
    (
        "Cửa hàng Vật tư Tân Trào",
        "household",
        None,
        "08",
        "2025",
        17,
        "4752",
        "Bán lẻ vật tư xây dựng",
        4,
        {},
    ),
    # registered before 2025 in former Hà Giang – and registered again after the merger (a duplicate to merge)
    (
        "HTX Chè Shan Tuyết Lũng Cú",
        "cooperative",
        910000004,
        "02",
        "2008",
        0,
        "1077",
        "Chè shan tuyết",
        18,
        {"ethnic_minority_owned": True},
    ),
    (
        "Hợp tác xã Chè Shan Tuyết Lũng Cú",
        "cooperative_group",
        None,
        "08",
        "2025",
        1,
        "1077",
        "Chè shan tuyết",
        20,
        {"ethnic_minority_owned": True},
    ),
    (
        "Cơ sở Dệt lanh Lùng Tám",
        "household",
        None,
        "02",
        "2008",
        5,
        "1312",
        "Sợi lanh",
        12,
        {"women_owned": True},
    ),
    (
        "Hợp tác xã Gốm sứ Bát Tràng Xanh",
        "cooperative",
        910000005,
        "01",
        "2025",
        2,
        "2393",
        "Gốm sứ gia dụng",
        60,
        {"in_craft_village": True, "craft_village": "Làng gốm Bát Tràng", "craft_village_recognised": True},
    ),
    (
        "Công ty TNHH Sơn mài Hạ Thái",
        "small",
        910000006,
        "01",
        "2025",
        8,
        "3290",
        "Tranh sơn mài",
        35,
        {
            "is_handicraft": True,
            "in_craft_village": True,
            "craft_village": "Làng sơn mài Hạ Thái",
            "craft_village_recognised": True,
        },
    ),
    ("Cơ sở Nước mắm Cửa Khe", "household", None, "51", "2025", 4, "1020", "Nước mắm cá cơm", 10, {}),
    (
        "Hợp tác xã Mây tre Phú Vinh",
        "cooperative",
        910000007,
        "01",
        "2025",
        12,
        "1629",
        "Hàng mây tre xuất khẩu",
        80,
        {"women_owned": True},
    ),
]


def _commune(province_code: str, generation: str, index: int) -> AdministrativeUnit:
    on = NEW if generation == "2025" else datetime.date(2019, 1, 1)
    province = AdministrativeUnit.objects.valid_on(on).get(level=Level.PROVINCE, code=province_code)
    communes = (
        AdministrativeUnit.objects.filter(level=Level.COMMUNE, kind="commune")
        .filter(Q(parent=province) | Q(parent__parent=province))
        .order_by("code")
    )
    return communes[index % communes.count()]


def load_demo_establishments() -> str:
    officer = User.objects.get(username="cuc_canbo")
    created = 0
    for name, kind, serial, province, generation, index, vsic, products, employees, extras in DEMO:
        if Establishment.objects.filter(name=name).exists():
            continue
        commune = _commune(province, generation, index)
        data = {
            "name": name,
            "kind": kind,
            "tax_code": tax_code_for(serial) if serial else None,
            "representative": "Người đại diện (minh hoạ)",
            "address": "Thôn, tổ dân phố (minh hoạ)",
            "commune": commune,
            "vsic_code": vsic,
            "products": products,
            "employees": employees,
            "note": DEMO_NOTE,
            "address_as_of": NEW if generation == "2025" else datetime.date(2019, 3, 1),
            **extras,
        }
        establishment = services.establishment_create(user=officer, data=data)
        for year, revenue in ((2023, 1_200_000_000), (2024, 1_380_000_000)):
            services.figure_save(
                user=officer,
                establishment=establishment,
                year=year,
                revenue=revenue * max(1, employees // 10),
                production_value=None,
                employees=employees,
            )
        created += 1
    return f"{len(DEMO)} cơ sở minh hoạ ({created} tạo mới)"
