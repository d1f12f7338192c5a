"""Demo projects (development installations only; every record says it is an illustration).

Two sets:

* **2020 national programme, reconstructed.** The ministry's news of 06/01/2021 (seed 000) gives
  the totals our reports must reproduce: the approved 2020 KCQG plan was 150 bn VND after the
  allocation and the decisions that stopped, adjusted and added projects, and 147.747 bn VND was
  executed in 218 projects. The individual projects are not public, so they are synthesised
  (names, provinces, contents and amounts are invented, deterministic) so that those totals come
  out exactly. Each proposal enters as the agency appraised it (the 2020 procedure had no expert
  council: ``services.history``); from there the year runs through the same services as today's
  projects – the three decisions issued by ``decision_issue``, contracts, advances, payments,
  acceptance, settlement and refunds – the path an import of past years takes too. Each record
  is marked “minh hoạ” in its description and decisions are numbered ``…(minh hoạ)``.
* **The live cycle.** 2026 projects in implementation and a 2027 round with proposals at each
  stage, all made through the same services as the pages (so the rules ran on them).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from khuyencong.accounts.models import User
from khuyencong.core.audit import audit_context
from khuyencong.core.formatting import format_money
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Indicator, Programme
from khuyencong.projects.models import (
    AdvanceRule,
    Decision,
    DecisionKind,
    LineAction,
    Project,
)
from khuyencong.projects.services import decisions, history, implementation, ledger

DEMO_NOTE = "Dữ liệu minh hoạ – không phải đề án thật."
HISTORY_NOTE = (
    "Dữ liệu minh hoạ dựng lại từ số tổng hợp năm 2020 (150 tỷ đồng được duyệt; thực hiện 147,747 tỷ đồng/"
    "218 đề án – tin Bộ Công Thương ngày 06/01/2021); tên, địa bàn và số tiền từng đề án là giả định."
)

PLAN_2020 = 150_000_000_000
EXECUTED_2020 = 147_747_000_000
SETTLED_PROJECTS_2020 = 218
STOPPED_2020 = 4
ADDED_2020 = 10  # projects added by the supplementary decision

# content, share of the money, number of projects, name patterns (the 2020 results in seed 000 guide the mix)
MIX_2020 = [
    (
        "mo-hinh-may-moc",
        0.46,
        88,
        [
            "Ứng dụng máy móc thiết bị tiên tiến trong {p} tại {t}",
            "Xây dựng mô hình trình diễn kỹ thuật {p} tại {t}",
        ],
    ),
    ("dao-tao-nghe", 0.10, 34, ["Đào tạo nghề {p} cho lao động nông thôn {t}"]),
    ("nang-luc-quan-ly", 0.06, 18, ["Đào tạo nâng cao năng lực quản lý cho cơ sở CNNT {t}"]),
    (
        "san-pham-tieu-bieu",
        0.17,
        38,
        [
            "Hỗ trợ cơ sở CNNT {t} tham gia hội chợ triển lãm",
            "Hỗ trợ phòng trưng bày giới thiệu sản phẩm {p} tại {t}",
        ],
    ),
    (
        "tu-van-thong-tin",
        0.08,
        22,
        [
            "Thông tin tuyên truyền về khuyến công tại {t}",
            "Hỗ trợ xây dựng website, truy xuất nguồn gốc cho cơ sở {p} {t}",
        ],
    ),
    (
        "lien-ket-cum-cn",
        0.09,
        8,
        [
            "Hỗ trợ lập quy hoạch chi tiết cụm công nghiệp tại {t}",
            "Hỗ trợ xây dựng hạ tầng cụm công nghiệp tại {t}",
        ],
    ),
    ("san-xuat-sach-hon", 0.02, 6, ["Hỗ trợ xử lý ô nhiễm môi trường cơ sở {p} tại {t}"]),
    ("nang-luc-khuyen-cong", 0.02, 4, ["Nâng cao năng lực cán bộ khuyến công {t}"]),
]
PRODUCTS = [
    "mây tre đan",
    "chế biến chè",
    "gốm sứ",
    "dệt thổ cẩm",
    "chế biến nông sản",
    "cơ khí nhỏ",
    "mộc mỹ nghệ",
    "chế biến thuỷ sản",
    "sơn mài",
    "chế biến gỗ",
    "thêu ren",
    "đá mỹ nghệ",
]
OLD = datetime.date(2020, 1, 1)


def _million(amount: float) -> int:
    return max(1, round(amount / 1_000_000)) * 1_000_000


def _split(total: int, weights: list[float]) -> list[int]:
    """Whole millions proportional to ``weights`` that add up exactly to ``total``."""
    scale = sum(weights)
    parts = [_million(total * w / scale) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def _agency_user() -> User:
    return User.objects.filter(username="cuc_canbo").first() or User.objects.filter(is_superuser=True).first()


def _history_projects(rng: random.Random) -> list[dict]:
    """The synthetic 2020 portfolio: final plan and settled amounts per project."""
    provinces = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).valid_on(OLD).order_by("code"))
    rows = []
    for content_code, share, count, patterns in MIX_2020:
        amounts = _split(
            round(PLAN_2020 * share / 1_000_000) * 1_000_000, [rng.uniform(0.5, 1.8) for _ in range(count)]
        )
        for amount in amounts:
            province = rng.choice(provinces)
            place = province.full_name[:1].lower() + province.full_name[1:]  # "tỉnh Tuyên Quang"
            name = rng.choice(patterns).format(p=rng.choice(PRODUCTS), t=place)
            rows.append({"content": content_code, "plan": amount, "province": province, "name": name})
    # exactly 150 bn in the final plan
    rows[-1]["plan"] += PLAN_2020 - sum(r["plan"] for r in rows)
    assert len(rows) == SETTLED_PROJECTS_2020, len(rows)
    # settlements: most settle in full; 40 settle for less, 2.253 bn in all
    short = EXECUTED_2020 - PLAN_2020
    under = rng.sample(range(len(rows)), 40)
    cuts = _split(-short, [rng.uniform(0.5, 1.5) for _ in under])
    for row in rows:
        row["settled"] = row["plan"]
    for index, cut in zip(under, cuts, strict=True):
        rows[index]["settled"] = rows[index]["plan"] - min(cut, rows[index]["plan"] // 2)
    rows[under[0]]["settled"] -= sum(r["settled"] for r in rows) - EXECUTED_2020
    # the supplementary decision added the last projects; the others came with the allocation
    for index, row in enumerate(rows):
        row["added"] = index >= len(rows) - ADDED_2020
        row["initial"] = row["plan"]
    # the mid-year amendment moved money between 20 projects (the final plan is what was settled on)
    movers = rng.sample(range(len(rows) - ADDED_2020), 20)
    for first, second in zip(movers[::2], movers[1::2], strict=True):
        delta = _million(min(rows[first]["plan"], rows[second]["plan"]) * 0.2)
        rows[first]["initial"] = rows[first]["plan"] + delta
        rows[second]["initial"] = rows[second]["plan"] - delta
    return rows


def _history_decisions(issuer: Organisation, user: User) -> dict[str, Decision]:
    """The three decisions of 2020, as drafts (their lines are added, then each is issued)."""
    legal = Programme.objects.get(code="kcqg-2014-2020").legal_basis
    specs = {
        "allocation": (
            DecisionKind.ALLOCATION,
            "01/QĐ-BCT (minh hoạ)",
            datetime.date(2020, 1, 20),
            "Giao kế hoạch kinh phí khuyến công quốc gia năm 2020",
        ),
        "amendment": (
            DecisionKind.AMENDMENT,
            "02/QĐ-BCT (minh hoạ)",
            datetime.date(2020, 7, 15),
            "Ngừng thực hiện, điều chỉnh kế hoạch kinh phí khuyến công quốc gia năm 2020",
        ),
        "supplement": (
            DecisionKind.AMENDMENT,
            "03/QĐ-BCT (minh hoạ)",
            datetime.date(2020, 10, 5),
            "Bổ sung kế hoạch kinh phí khuyến công quốc gia năm 2020",
        ),
    }
    return {
        key: decisions.decision_create(
            user=user,
            data={
                "kind": kind,
                "number": number,
                "date": date,
                "signer": "Thứ trưởng Bộ Công Thương (minh hoạ)",
                "issuer": issuer,
                "legal_basis": legal,
                "plan_year": 2020,
                "source": "kcqg",
                "title": title,
            },
        )
        for key, (kind, number, date, title) in specs.items()
    }


def load_history_2020() -> str:
    if Decision.objects.filter(plan_year=2020, number__endswith="(minh hoạ)").exists():
        return "Đề án KCQG 2020 (minh hoạ): đã có, giữ nguyên"
    user = _agency_user()
    if user is None:
        return "Đề án KCQG 2020 (minh hoạ): chưa có tài khoản minh hoạ, bỏ qua"
    rng = random.Random(2020)  # noqa: S311 – deterministic demo figures, not secrets
    programme = Programme.objects.get(code="kcqg-2014-2020")
    contents = {c.code: c for c in Content.objects.all()}
    indicators = {}
    for indicator in Indicator.objects.order_by("order"):
        indicators.setdefault(indicator.content_id, indicator)
    centres = {
        o.province_id: o
        for o in Organisation.objects.filter(code__startswith="ttkc-", code__endswith="-2008")
    }
    issuer = Organisation.objects.get(code="bo-cong-thuong")
    rows = _history_projects(rng)
    stopped = [
        {
            "content": "mo-hinh-may-moc",
            "initial": 480_000_000,
            "advance": 0,
            "name": "Ứng dụng máy móc thiết bị chế biến chè tại tỉnh Yên Bái",
            "province_code": "15",
        },
        {
            "content": "san-pham-tieu-bieu",
            "initial": 350_000_000,
            "advance": 0,
            "name": "Hỗ trợ cơ sở CNNT tham gia hội chợ triển lãm tại nước ngoài",
            "province_code": "01",
        },
        {
            "content": "dao-tao-nghe",
            "initial": 210_000_000,
            "advance": 100_000_000,
            "name": "Đào tạo nghề dệt thổ cẩm cho lao động nông thôn tỉnh Hà Giang",
            "province_code": "02",
        },
        {
            "content": "mo-hinh-may-moc",
            "initial": 560_000_000,
            "advance": 0,
            "name": "Xây dựng mô hình trình diễn kỹ thuật sấy nông sản tại tỉnh Quảng Nam",
            "province_code": "49",
        },
    ]
    provinces_by_code = {
        p.code: p for p in AdministrativeUnit.objects.filter(level=Level.PROVINCE).valid_on(OLD)
    }
    for row in stopped:
        row.update(province=provinces_by_code[row.pop("province_code")], plan=0, settled=None, added=False)
    with transaction.atomic(), audit_context(user=user, origin="cli", reason=HISTORY_NOTE[:200]):
        _history_year(user, issuer, rows, stopped, programme, contents, indicators, centres, rng)
        _history_beneficiaries(user)
    return (
        f"Đề án KCQG 2020 (minh hoạ): {len(rows) + len(stopped)} đề án; kế hoạch cuối "
        f"{format_money(PLAN_2020, 'ty', lang='vi')}; "
        f"thực hiện {format_money(EXECUTED_2020, 'ty', lang='vi')}/{SETTLED_PROJECTS_2020} đề án"
    )


# growth of revenue (percent) of the demo beneficiaries a year after the support, in turn
EFFECT_GROWTH = [18, 24, 12, 31, 20, 9, 27, 15]


def _history_beneficiaries(user) -> None:
    """Illustrative beneficiaries of the settled 2020 projects in the provinces of the demo
    establishments, with their figures the year before and the year after the support (for the
    report on the effects of support): each establishment in one project of its province, in turn;
    every fifth reported its revenue only before (left out of the revenue figures). One
    establishment is supported twice for the same content in 2020 (for the repeat-support review).
    Deterministic: the establishments in the order they were created, the projects by code."""
    from khuyencong.establishments.demo import DEMO_NOTE as ESTABLISHMENT_DEMO_NOTE
    from khuyencong.establishments.models import Establishment
    from khuyencong.projects.models import ProjectBeneficiary

    establishments = list(
        Establishment.objects.filter(note=ESTABLISHMENT_DEMO_NOTE).exclude(status="merged").order_by("pk")
    )
    settled = Project.objects.filter(plan_year=2020, status="settled").order_by("code")
    by_province: dict[int, list[Project]] = {}
    for project in settled:
        by_province.setdefault(project.lead_province_now_id, []).append(project)
    for index, establishment in enumerate(establishments):
        projects = by_province.get(establishment.province_now_id)
        if not projects:
            continue
        project = projects[index % len(projects)]
        row = ProjectBeneficiary.objects.create(
            project=project, establishment=establishment, role="Cơ sở thụ hưởng (minh hoạ)"
        )
        growth = EFFECT_GROWTH[index % len(EFFECT_GROWTH)]
        revenue = 800_000_000 + 175_000_000 * (index % 6)
        production = revenue * 4 // 5
        only_before = index % 5 == 4
        implementation.report_effects(
            user=user,
            project=project,
            beneficiary=row,
            revenue_before=revenue,
            revenue_after=None if only_before else revenue * (100 + growth) // 100 // 1_000_000 * 1_000_000,
            production_before=production,
            production_after=None
            if only_before
            else production * (100 + growth - 3) // 100 // 1_000_000 * 1_000_000,
            jobs_before=establishment.employees,
            jobs_after=establishment.employees + index % 4 + 1,
        )
    # the fish-sauce maker, supported by two machinery models of 2020 in its province
    fish_sauce = next((e for e in establishments if e.name == "Cơ sở Nước mắm Cửa Khe"), None)
    if fish_sauce is not None:
        machinery = [
            p for p in by_province.get(fish_sauce.province_now_id, []) if p.content.code == "mo-hinh-may-moc"
        ]
        for project in machinery[:2]:
            ProjectBeneficiary.objects.get_or_create(
                project=project, establishment=fish_sauce, defaults={"role": "Cơ sở thụ hưởng (minh hoạ)"}
            )


def _history_year(user, issuer, rows, stopped, programme, contents, indicators, centres, rng) -> None:
    """The 2020 year in the order it happened, every step through the services: the proposals
    (appraised before the system), the allocation, contracts and advances, the mid-year amendment
    (stops and adjustments) and refunds, the supplementary decision, then acceptance, payment and
    settlement."""
    projects = [
        (row, _history_record(row, programme, contents, indicators, centres, user, rng))
        for row in [*rows, *stopped]
    ]
    drafts = _history_decisions(issuer, user)

    def issue(decision, lines) -> None:
        for project, action, amount, reason in lines:
            project.refresh_from_db()  # its status now, for the line's checks
            decisions.decision_set_line(
                user=user, decision=decision, project=project, action=action, amount=amount, reason=reason
            )
        decisions.decision_issue(user=user, decision=decision)

    issue(
        drafts["allocation"],
        [(p, LineAction.APPROVE, row["initial"], "") for row, p in projects if not row["added"]],
    )
    for row, project in projects:
        if not row["added"] and (row["settled"] is not None or row["advance"]):
            _history_contract(user, row, project, datetime.date(2020, 3, 1))
    for row, project in projects:
        if row["settled"] is None and row["advance"]:
            implementation.pay_advance(
                user=user,
                project=project,
                paid_on=datetime.date(2020, 4, 10),
                amount=row["advance"],
                reference="UNC (minh hoạ)",
            )
    issue(
        drafts["amendment"],
        [
            (
                p,
                LineAction.STOP if row["settled"] is None else LineAction.ADJUST,
                row["plan"],
                "Cơ sở không đủ vốn đối ứng, xin dừng"
                if row["settled"] is None
                else "Điều chỉnh theo khả năng thực hiện",
            )
            for row, p in projects
            if not row["added"] and row["plan"] != row["initial"]
        ],
    )
    for row, project in projects:
        if row["settled"] is None and row["advance"]:
            implementation.record_refund(
                user=user,
                project=project,
                refunded_on=datetime.date(2020, 9, 25),
                amount=row["advance"],
                reference="Nộp trả NSNN (minh hoạ)",
            )
    issue(
        drafts["supplement"],
        [(p, LineAction.ADD, row["initial"], "") for row, p in projects if row["added"]],
    )
    for row, project in projects:
        if row["added"]:
            _history_contract(user, row, project, datetime.date(2020, 10, 12))
    for row, project in projects:
        if row["settled"] is not None:
            _history_close(user, row, project)


def _history_record(row, programme, contents, indicators, centres, user, rng) -> Project:
    """One proposal of 2020 as the agency appraised it (the procedure had no expert council)."""
    province = row["province"]
    content = contents[row["content"]]
    requested = row["initial"] + _million(row["initial"] * rng.choice([0, 0, 0.05, 0.1]))
    counterpart = _million(requested * rng.uniform(0.4, 1.6))
    indicator = indicators.get(content.pk)
    results = [{"indicator": indicator, "target": rng.randint(1, 5) * 10}] if indicator is not None else None
    row["counterpart"] = counterpart
    return history.project_record_appraised(
        user=user,
        data={
            "plan_year": 2020,
            "source": "kcqg",
            "programme": programme,
            "content": content,
            "kind": "ordinary",
            "name": row["name"],
            "objectives": row["name"],
            "description": HISTORY_NOTE,
            "implementing_org": centres[province.pk],
            "lead_province": province,
            "start_date": datetime.date(2020, 3 if not row["added"] else 10, 1),
            "end_date": datetime.date(2020, 12, 15),
        },
        budget_lines=[
            {
                "category": "other",
                "item": "Tổng kinh phí đề án (minh hoạ)",
                "state_support": requested,
                "counterpart": counterpart,
            }
        ],
        locations=[{"province": province, "share_bp": 10_000}],
        results=results,
        filed_on=datetime.date(2019, 6, 15),
        document="Hồ sơ đề án (minh hoạ)",
        # the DOIT forwarded the request whole; the agency's appraisal recommended the first allocation
        recommended_doit=requested,
        recommended=row["initial"],
        appraised_on=datetime.date(2019, 9, 20),
    )


def _history_contract(user, row, project: Project, signed_on: datetime.date) -> None:
    """The contract, and an advance of half of it where the content's rule allows that much."""
    number = project.code.rsplit("-", 1)[1]
    value = min(row["plan"], row["initial"]) if row["settled"] is not None else row["initial"]
    implementation.sign_contract(
        user=user,
        project=project,
        number=f"HĐ {number}/2020/KCQG",
        signed_on=signed_on,
        parties=f"Sở Công Thương {row['province'].name} – đơn vị thực hiện",
        value=value,
    )
    rule = AdvanceRule.objects.valid_on(signed_on).filter(content=project.content).first()
    if row["settled"] is not None and rule is not None and not rule.min_progress and rule.max_percent >= 50:
        row["advanced"] = value * 50 // 100 // 1_000_000 * 1_000_000
        implementation.pay_advance(
            user=user,
            project=project,
            paid_on=signed_on + datetime.timedelta(days=20),
            amount=row["advanced"],
            reference="UNC tạm ứng",
        )


def _history_close(user, row, project: Project) -> None:
    """Acceptance, the payment of the rest and the settlement at the end of 2020."""
    number = project.code.rsplit("-", 1)[1]
    implementation.accept(
        user=user,
        project=project,
        accepted_on=datetime.date(2020, 12, 10),
        minutes_number=f"BB-NT {number}/2020",
        result="passed",
    )
    rest = row["settled"] - row.get("advanced", 0)
    if rest > 0:
        implementation.record_payment(
            user=user,
            project=project,
            paid_on=datetime.date(2020, 12, 20),
            amount=rest,
            reference="UNC thanh toán",
        )
    implementation.settle(
        user=user,
        project=project,
        settled_on=datetime.date(2020, 12, 28),
        document=f"QT {number}/2020",
        amount=row["settled"],
        counterpart_actual=row["counterpart"],
    )


# --- the live cycle: 2026 projects in implementation, the 2027 round under way ----------------------

LIVE = [
    # key, plan year, content, norm, name, beneficiary, state support, counterpart, how far it goes
    (
        "tq-may",
        2026,
        "mo-hinh-may-moc",
        "may-moc-tien-tien",
        "Ứng dụng máy sao, vò chè tiên tiến tại Hợp tác xã Chè Shan Tuyết Bản Thàng",
        "Hợp tác xã Chè Shan Tuyết Bản Thàng",
        280_000_000,
        320_000_000,
        "in_progress",
    ),
    (
        "tq-daotao",
        2026,
        "dao-tao-nghe",
        None,
        "Đào tạo nghề mây tre đan cho 40 lao động nông thôn xã Hưng Phát",
        "Công ty TNHH Mây tre đan Hưng Phát",
        180_000_000,
        60_000_000,
        "settled",
    ),
    (
        "tq-gom",
        2027,
        "dao-tao-nghe",
        None,
        "Truyền nghề gốm men rạn cho 30 lao động trẻ",
        "Cơ sở Gốm sứ Quang Vinh",
        150_000_000,
        45_000_000,
        "under_review",
    ),
    (
        "tq-quanly",
        2027,
        "nang-luc-quan-ly",
        None,
        "Đào tạo khởi sự và quản trị doanh nghiệp cho cơ sở CNNT",
        "Hộ kinh doanh Rèn Phúc Sen",
        120_000_000,
        20_000_000,
        "doit_appraised",
    ),
    (
        "tq-ren",
        2027,
        "dao-tao-nghe",
        None,
        "Nâng cao tay nghề rèn dao, kéo cho lao động nông thôn",
        "Hộ kinh doanh Rèn Phúc Sen",
        95_000_000,
        30_000_000,
        "submitted",
    ),
    (
        "tq-che",
        2027,
        "dao-tao-nghe",
        None,
        "Đào tạo nghề chế biến chè shan tuyết đạt chuẩn",
        "Hợp tác xã Chè Shan Tuyết Bản Thàng",
        130_000_000,
        40_000_000,
        "draft",
    ),
    # filed by the implementing unit itself (a partner organisation): the demo account
    # dvth_hoinongdan sees its own proposal and its own project in implementation
    (
        "hnd-gom",
        2026,
        "dao-tao-nghe",
        None,
        "Truyền nghề làm gốm cho 25 hội viên nông dân",
        "Cơ sở Gốm sứ Quang Vinh",
        160_000_000,
        40_000_000,
        "in_progress",
    ),
    (
        "hnd-dan",
        2027,
        "dao-tao-nghe",
        None,
        "Đào tạo nghề đan lát mây tre cho hội viên nông dân",
        "Công ty TNHH Mây tre đan Hưng Phát",
        110_000_000,
        30_000_000,
        "submitted",
    ),
]
# who files a proposal when it is not the DOIT (user name of the implementing unit's account)
LIVE_OWNERS = {"hnd-gom": "dvth_hoinongdan", "hnd-dan": "dvth_hoinongdan"}
# the 2026 projects that the allocation decision approves and that are then carried out
FUNDED_2026 = ("tq-may", "tq-daotao", "hnd-gom")


def load_live_projects() -> str:
    from khuyencong.establishments.models import Establishment
    from khuyencong.projects.models import (
        Council,
        CriteriaSet,
        ExpertAssignment,
        RegistrationRound,
        SupportNorm,
    )
    from khuyencong.projects.services import appraisal, decisions, implementation, proposals, transitions
    from khuyencong.projects.services.rounds import round_create

    if Project.objects.filter(plan_year__in=[2026, 2027], description=DEMO_NOTE).exists():
        return "Đề án 2026–2027 (minh hoạ): đã có, giữ nguyên"
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["tuyenquang_so", "cuc_canbo", "chuyengia", *LIVE_OWNERS.values()]
        )
    }
    if not {"tuyenquang_so", "cuc_canbo", "chuyengia"} <= set(users):
        return "Đề án 2026–2027 (minh hoạ): chưa có tài khoản minh hoạ, bỏ qua"
    doit, agency, expert = users["tuyenquang_so"], users["cuc_canbo"], users["chuyengia"]
    province = AdministrativeUnit.objects.get(
        level=Level.PROVINCE, code="08", valid_from=datetime.date(2025, 7, 1)
    )
    centre = Organisation.objects.get(code="ttkc-08-2025")
    issuer = Organisation.objects.get(code="bo-cong-thuong")
    day = datetime.date
    specs = {
        2026: ("Đăng ký kế hoạch KCQG năm 2026 (minh hoạ)", day(2025, 3, 1), day(2025, 5, 20)),
        2027: ("Đăng ký kế hoạch KCQG năm 2027 (minh hoạ)", day(2026, 3, 1), day(2026, 12, 15)),
    }
    rounds = {
        year: RegistrationRound.objects.filter(plan_year=year, source="kcqg", province=None).first()
        or round_create(
            user=agency,
            data={"plan_year": year, "source": "kcqg", "name": name, "opens_on": opens, "deadline": deadline},
        )
        for year, (name, opens, deadline) in specs.items()
    }
    dates = {2026: datetime.date(2025, 5, 12), 2027: datetime.date(2026, 11, 2)}
    criteria = CriteriaSet.objects.get(code="mac-dinh-2021")
    councils = {}
    for year, formed in ((2026, datetime.date(2025, 7, 20)), (2027, datetime.date(2026, 11, 10))):
        councils[year] = Council.objects.filter(
            plan_year=year, source="kcqg"
        ).first() or appraisal.council_create(
            user=agency,
            data={
                "plan_year": year,
                "source": "kcqg",
                "name": f"Hội đồng thẩm định đề án KCQG năm {year} (minh hoạ)",
                "decision_number": f"{year - 2000}/QĐ-ĐMST (minh hoạ)",
                "decision_date": formed,
                "criteria_set": criteria,
                "quorum": 1,
            },
            members=[(expert, "chair")],
        )
    made: dict[str, Project] = {}
    for key, year, content_code, norm_code, name, beneficiary_name, state, counterpart, stage in LIVE:
        owner = users.get(LIVE_OWNERS.get(key, "tuyenquang_so"))
        if owner is None:
            continue  # the implementing unit's account is missing
        content = Content.objects.get(code=content_code)
        establishment = Establishment.objects.filter(name=beneficiary_name).order_by("pk").first()
        indicator = Indicator.objects.filter(content=content).order_by("order").first()
        project = proposals.proposal_save(
            user=owner,
            project=None,
            data={
                "round": rounds[year],
                "plan_year": year,
                "source": "kcqg",
                "programme": Programme.objects.get(code="kcqg-2026-2030"),
                "content": content,
                "kind": "ordinary",
                "name": name,
                "objectives": name,
                "description": DEMO_NOTE,
                "implementing_org": owner.organisation if owner is not doit else centre,
                "lead_province": province,
                "start_date": datetime.date(year, 3, 1),
                "end_date": datetime.date(year, 10 if stage == "settled" else 11, 30),
                "support_norm": SupportNorm.objects.get(code=norm_code) if norm_code else None,
            },
            budget_lines=[
                {
                    "category": "equipment" if norm_code else "training",
                    "item": "Kinh phí thực hiện",
                    "state_support": state,
                    "counterpart": counterpart,
                }
            ],
            beneficiaries=[
                {"establishment": establishment, "planned_support": None, "role": "Cơ sở thụ hưởng"}
            ]
            if establishment
            else [],
            results=[{"indicator": indicator, "target": 40}] if indicator else [],
        )
        made[key] = project
        if stage == "draft":
            continue
        transitions.project_submit(user=owner, project=project, on=dates[year])
        if stage == "submitted":
            continue
        transitions.project_doit_appraise(
            user=doit,
            project=project,
            appraised_on=dates[year] + datetime.timedelta(days=10),
            body="Hội đồng thẩm định của Sở Công Thương",
            recommendation="approve",
            recommended_amount=state,
        )
        if stage == "doit_appraised":
            continue
        transitions.project_forward(user=doit, project=project)
        council = councils[year]
        appraisal.assign_experts(user=agency, council=council, project=project, experts=[expert])
        if stage == "under_review":
            continue
        assignment = ExpertAssignment.objects.get(council=council, project=project, expert=expert)
        appraisal.save_review(
            user=expert,
            assignment=assignment,
            scores={
                c.pk: {"value": c.max_score * 8 // 10, "not_applicable": False, "comment": ""}
                for c in criteria.criteria.all()
            },
            recommendation="approve",
            recommended_amount=state,
            submit=True,
        )
    # the 2026 council's session, the allocation and the work since
    council = councils[2026]
    appraisal.session_conclude(
        user=agency,
        council=council,
        held_on=datetime.date(2025, 8, 15),
        place="Hà Nội",
        present=list(council.members.all()),
        minutes="Hội đồng thống nhất đề nghị phê duyệt (minh hoạ).",
    )
    allocation = decisions.decision_create(
        user=agency,
        data={
            "kind": "allocation",
            "number": "26/QĐ-BCT (minh hoạ)",
            "date": datetime.date(2025, 12, 22),
            "signer": "Thứ trưởng Bộ Công Thương (minh hoạ)",
            "issuer": issuer,
            "plan_year": 2026,
            "source": "kcqg",
            "title": "Giao kế hoạch kinh phí khuyến công quốc gia năm 2026",
        },
    )
    for key in (k for k in FUNDED_2026 if k in made):
        project = Project.objects.get(pk=made[key].pk)
        amount = ledger.money_of(project).requested
        decisions.decision_set_line(
            user=agency, decision=allocation, project=project, action="approve", amount=amount
        )
    decisions.decision_issue(user=agency, decision=allocation)
    for key in (k for k in FUNDED_2026 if k in made):
        project = Project.objects.get(pk=made[key].pk)
        plan = ledger.money_of(project).plan
        implementation.sign_contract(
            user=doit,
            project=project,
            number=f"HĐ {project.code[-2:]}/2026/KCQG",
            signed_on=datetime.date(2026, 2, 25),
            parties=f"Sở Công Thương – {project.implementing_org.name}",
            value=plan,
        )
        if key == "tq-daotao":  # machinery has no advance rule: it is paid on acceptance
            advance = plan * 50 // 100 // 1_000_000 * 1_000_000
            implementation.pay_advance(
                user=doit,
                project=project,
                paid_on=datetime.date(2026, 3, 10),
                amount=advance,
                reference="UNC tạm ứng 01/2026",
            )
        progress = {
            "tq-may": (70, "Đã lắp đặt thiết bị, đang chạy thử"),
            "tq-daotao": (100, "Đã hoàn thành 2 lớp, 40 học viên tốt nghiệp"),
            "hnd-gom": (40, "Đã khai giảng lớp truyền nghề, 25 học viên theo học"),
        }[key]
        implementation.report_progress(
            user=users.get(LIVE_OWNERS.get(key, "tuyenquang_so")),
            project=project,
            month=datetime.date(2026, 9, 30),
            percent_done=progress[0],
            narrative=progress[1],
        )
    project = Project.objects.get(pk=made["tq-daotao"].pk)
    plan = ledger.money_of(project).plan
    implementation.accept(
        user=doit,
        project=project,
        accepted_on=datetime.date(2026, 11, 5),
        minutes_number="BB-NT 05/2026",
        result="passed",
    )
    settled = plan - 4_000_000
    implementation.record_payment(
        user=doit,
        project=project,
        paid_on=datetime.date(2026, 11, 12),
        amount=settled - plan * 50 // 100 // 1_000_000 * 1_000_000,
        reference="UNC 02/2026",
    )
    implementation.settle(
        user=doit,
        project=project,
        settled_on=datetime.date(2026, 11, 18),
        document="QT 05/2026",
        amount=settled,
        counterpart_actual=62_000_000,
    )
    row = project.beneficiaries.select_related("establishment").first()
    if row is not None:  # the beneficiary's figures a year on (illustrative)
        implementation.report_effects(
            user=doit,
            project=project,
            beneficiary=row,
            revenue_before=1_850_000_000,
            revenue_after=2_240_000_000,
            production_before=1_420_000_000,
            production_after=1_760_000_000,
            jobs_before=18,
            jobs_after=25,
        )
    return (
        f"Đề án 2026–2027 (minh hoạ): {len(made)} đề án qua các bước của quy trình, 2 hội đồng, 1 quyết định"
    )


__all__ = ["load_history_2020", "load_live_projects"]
