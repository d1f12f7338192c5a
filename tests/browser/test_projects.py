"""The project cycle in the browser: a proposal from registration to settlement, a stopped project
that refunds its advance, and another province's officer kept away from a project.

What a user would have prepared elsewhere (a 2027 registration round open today, the beneficiary
establishment, a second expert, and for the stopped project the steps up to its advance) is made
through the ORM and the services; everything the journey is about is clicked and typed.
"""

from __future__ import annotations

import datetime
import re

from django.db.models import Q
from playwright.sync_api import expect

from khuyencong.accounts.models import User
from khuyencong.establishments.services import establishment_create
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Indicator, Programme
from khuyencong.projects.models import (
    CriteriaSet,
    ExpertAssignment,
    Project,
    RegistrationRound,
    Status,
)
from khuyencong.projects.services import appraisal, decisions, implementation, transitions
from khuyencong.projects.services.proposals import proposal_save
from khuyencong.testing.factories import TEST_PASSWORD, establishment_data, user_with_role
from tests.browser.conftest import screenshot, sign_in

NEW_GEOGRAPHY = datetime.date(2025, 7, 1)
ROUND_NAME = "Đăng ký đề án KCQG năm 2027 (đợt kiểm thử)"
BENEFICIARY = "Hộ kinh doanh Mây tre Kim Bình"
PROJECT_NAME = "Đào tạo nghề đan lát mây tre cho lao động xã Kim Bình"


# --- what the journey needs from elsewhere ------------------------------------------------------------


def province(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from=NEW_GEOGRAPHY)


def open_round_2027() -> RegistrationRound:
    today = datetime.date.today()
    return RegistrationRound.objects.create(
        plan_year=2027,
        source="kcqg",
        name=ROUND_NAME,
        opens_on=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=30),
    )


def beneficiary_in_tuyen_quang():
    commune = AdministrativeUnit.objects.filter(
        Q(parent=province("08")), level=Level.COMMUNE, kind="commune"
    ).first()
    return establishment_create(
        user=User.objects.get(username="cuc_canbo"), data=establishment_data(commune, name=BENEFICIARY)
    )


def approved_project_with_advance(beneficiary, the_round) -> Project:
    """A 100 million project, approved by 103/QĐ-BCT, contracted and advanced 50 million (services)."""
    doit = User.objects.get(username="tuyenquang_so")
    agency = User.objects.get(username="cuc_canbo")
    expert = User.objects.get(username="chuyengia")
    content = Content.objects.get(code="dao-tao-nghe")
    today = datetime.date.today()
    project = proposal_save(
        user=doit,
        project=None,
        data={
            "round": the_round,
            "plan_year": 2027,
            "source": "kcqg",
            "programme": Programme.objects.get(code="kcqg-2026-2030"),
            "content": content,
            "kind": "ordinary",
            "name": "Truyền nghề mây tre đan cho phụ nữ xã Kim Bình",
            "objectives": "Truyền nghề cho 30 lao động nữ",
            "implementing_org": Organisation.objects.get(code="ttkc-08-2025"),
            "lead_province": province("08"),
            "start_date": datetime.date(2027, 3, 1),
            "end_date": datetime.date(2027, 10, 31),
        },
        budget_lines=[
            {
                "category": "training",
                "item": "Chi phí lớp truyền nghề",
                "state_support": 100_000_000,
                "counterpart": 50_000_000,
            }
        ],
        beneficiaries=[{"establishment": beneficiary, "planned_support": None, "role": "Lao động học nghề"}],
        results=[
            {"indicator": Indicator.objects.filter(content=content).order_by("order").first(), "target": 30}
        ],
    )
    transitions.project_submit(user=doit, project=project)
    transitions.project_doit_appraise(
        user=doit,
        project=project,
        appraised_on=today,
        body="Hội đồng thẩm định Sở Công Thương",
        recommendation="approve",
        recommended_amount=100_000_000,
    )
    transitions.project_forward(user=doit, project=project)
    council = appraisal.council_create(
        user=agency,
        data={
            "plan_year": 2027,
            "source": "kcqg",
            "name": "Hội đồng thẩm định KCQG 2027 (kiểm thử ngừng đề án)",
            "criteria_set": CriteriaSet.objects.get(code="mac-dinh-2021"),
            "quorum": 1,
        },
        members=[(expert, "chair")],
    )
    appraisal.assign_experts(user=agency, council=council, project=project, experts=[expert])
    assignment = ExpertAssignment.objects.get(council=council, project=project, expert=expert)
    appraisal.save_review(
        user=expert,
        assignment=assignment,
        scores={c.pk: {"value": 8} for c in council.criteria_set.criteria.all()},
        recommendation="approve",
        recommended_amount=100_000_000,
        submit=True,
    )
    appraisal.session_conclude(
        user=agency,
        council=council,
        held_on=today,
        place="Hà Nội",
        present=[council.members.get()],
        minutes="BB",
    )
    allocation = decisions.decision_create(
        user=agency,
        data={
            "kind": "allocation",
            "number": "103/QĐ-BCT",
            "date": today,
            "signer": "Thứ trưởng",
            "plan_year": 2027,
            "source": "kcqg",
            "issuer": Organisation.objects.get(code="bo-cong-thuong"),
            "title": "Phân bổ kế hoạch kinh phí KCQG năm 2027",
        },
    )
    project.refresh_from_db()
    decisions.decision_set_line(
        user=agency, decision=allocation, project=project, action="approve", amount=100_000_000
    )
    decisions.decision_issue(user=agency, decision=allocation)
    project.refresh_from_db()
    implementation.sign_contract(
        user=doit,
        project=project,
        number="HĐ 09/2027",
        signed_on=today,
        parties="Sở – Trung tâm",
        value=100_000_000,
    )
    implementation.pay_advance(
        user=doit, project=project, paid_on=today, amount=50_000_000, reference="UNC 09"
    )
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS
    return project


# --- browser helpers ----------------------------------------------------------------------------------


def switch_to(page, username: str, password: str | None = None) -> None:
    page.context.clear_cookies()
    sign_in(page, username, password)
    expect(page.locator("[data-testid=user-menu]")).to_be_visible()


def millions(text: str) -> int:
    """A consolidation cell (million đồng, Vietnamese separators, “–” for nothing) as a number."""
    text = text.strip()
    return 0 if text in ("", "–") else int(text.replace(".", ""))


def consolidation_totals(page) -> tuple[int, int]:
    """(proposals, requested million đồng) in the total line of the by-province table."""
    table = page.locator("[data-testid=by-province]")
    proposals = table.locator("[data-testid=total-proposals]").inner_text()
    requested = table.locator("[data-testid=total-requested]").inner_text()
    return int(proposals.replace(".", "")), millions(requested)


def success(page):
    return page.locator(".alert-success")


def status(page):
    return page.locator("[data-testid=status]").first


def do_action(page, name: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None):
    """From the project page: open an action, fill it and confirm."""
    page.click(f"[data-testid=action-{name}]")
    expect(page.locator("[data-testid=action-form]")).to_be_visible()
    for field, value in (selects or {}).items():
        page.select_option(f"#id_{field}", value)
    for field, value in (fields or {}).items():
        page.fill(f"#id_{field}", value)
    page.click("[data-testid=confirm]")


def record_decision(page, kind: str, number: str, title: str) -> None:
    """The programme officer records a decision as a draft (the decisions page's form)."""
    page.goto(page.base + "/de-an/quyet-dinh/")
    form = page.locator("main form[method=post]").filter(has=page.locator("#id_number"))
    page.select_option("#id_kind", kind)
    page.fill("#id_number", number)
    page.fill("#id_signer", "Bộ trưởng Bộ Công Thương")
    page.fill("#id_plan_year", "2027")
    page.select_option("#id_source", "kcqg")
    page.fill("#id_title", title)
    form.locator("button.btn-primary").click()
    expect(page.locator("h1")).to_contain_text(number)


def add_line(page, project: Project, action: str, amount: str, reason: str = "") -> None:
    line_form = page.locator("[data-testid=line-form]")
    line_form.locator("#id_project").select_option(str(project.pk))
    line_form.locator("#id_action").select_option(action)
    line_form.locator("#id_amount").fill(amount)
    line_form.locator("#id_reason").fill(reason)
    line_form.locator("button").click()


def issue(page) -> None:
    page.click("[data-testid=issue]")
    expect(page.locator("[data-testid=issued]")).to_be_visible()


def score_and_submit(page, project: Project, score: str, amount: str, shot: str | None = None) -> None:
    page.goto(page.base + "/de-an/cham-diem/")
    page.click(f"[data-testid='score-{project.code}']")
    form = page.locator("[data-testid=review-form]")
    expect(form).to_be_visible()
    scores = form.locator("input[name^=score_]")
    assert scores.count() == 6  # the mac-dinh-2021 criteria
    for i in range(5):
        scores.nth(i).fill(score)
    form.locator("input[name^=na_]").nth(5).check()  # environment: not applicable to a training course
    page.select_option("#id_recommendation", "approve")
    page.fill("#id_recommended_amount", amount)
    page.fill("#id_comment", "Đề án khả thi, dự toán hợp lý.")
    if shot:
        screenshot(page, shot)
    page.click("[data-testid=submit-review]")
    expect(success(page)).to_contain_text("Đã nộp phiếu chấm")
    row = page.locator("[data-testid=my-reviews] tr", has_text=project.code)
    expect(row).to_contain_text("đã nộp")


# --- the tests ----------------------------------------------------------------------------------------


def test_a_project_from_proposal_to_settlement(page):
    open_round_2027()
    beneficiary = beneficiary_in_tuyen_quang()
    second_expert = user_with_role("expert", username="chuyengia_hai", full_name="Phan Thị Hải (chuyên gia)")
    first_expert = User.objects.get(username="chuyengia")
    content = Content.objects.get(code="dao-tao-nghe")

    # what the agency's consolidation shows for 2027 before our proposal (the demo round has others)
    switch_to(page, "cuc_canbo")
    page.goto(page.base + "/de-an/tong-hop/?plan_year=2027&source=kcqg")
    before_proposals, before_requested = consolidation_totals(page)

    # 1. the provincial officer registers the proposal: general information first
    switch_to(page, "tuyenquang_so")
    page.goto(page.base + "/de-an/")
    page.click("main a.btn-primary[href='/de-an/them/']")
    expect(page.locator("[data-testid=project-form]")).to_be_visible()
    assert "Tuyên Quang" in page.locator("#id_lead_province option:checked").inner_text()
    page.select_option("#id_round", label=ROUND_NAME)
    page.select_option("#id_source", "kcqg")
    page.fill("#id_plan_year", "2027")
    page.select_option("#id_programme", str(Programme.objects.get(code="kcqg-2026-2030").pk))
    page.select_option("#id_content", label=f"{content.order}. {content.name}")
    page.select_option("#id_kind", "ordinary")
    page.fill("#id_name", PROJECT_NAME)
    page.fill("#id_objectives", "Đào tạo 40 lao động nông thôn nghề đan lát mây tre")
    page.select_option("#id_implementing_org", str(Organisation.objects.get(code="ttkc-08-2025").pk))
    page.fill("#id_start_date", "2027-03-01")
    page.fill("#id_end_date", "2027-10-31")
    page.click("[data-testid=save]")
    expect(page).to_have_url(re.compile(r"/de-an/\d+/sua/$"))
    project = Project.objects.get(name=PROJECT_NAME)
    expect(success(page)).to_contain_text(project.code)

    # ... then the parts on the edit page: a budget line, the beneficiary (search-select), a result
    page.select_option("#id_lines-0-category", "training")
    page.fill("#id_lines-0-item", "Thù lao giảng viên, học liệu")
    page.fill("#id_lines-0-state_support", "180.000.000")
    page.fill("#id_lines-0-counterpart", "60.000.000")
    expect(page.locator("[data-formset=lines] [data-total=state_support]")).to_have_text("180.000.000")
    row = page.locator("[data-formset=beneficiaries] [data-row]").first
    row.locator("input[type=search]").fill("may tre kim binh")  # typed without accents
    choice = page.locator(f"#id_beneficiaries-0-establishment option[value='{beneficiary.pk}']")
    expect(choice).to_have_count(1)
    assert BENEFICIARY in choice.inner_text()
    page.select_option("#id_beneficiaries-0-establishment", str(beneficiary.pk))
    page.fill("#id_beneficiaries-0-role", "Lao động học nghề")
    page.select_option("#id_results-0-indicator", index=1)
    page.fill("#id_results-0-target", "40")
    screenshot(page, "projects-edit")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=project-name]")).to_have_text(PROJECT_NAME)
    expect(success(page)).to_contain_text("Đã lưu đề án")
    expect(status(page)).to_have_text("bản nháp")
    expect(page.locator("main")).to_contain_text("180.000.000 đồng")
    expect(page.locator("[data-testid=beneficiaries]")).to_contain_text(BENEFICIARY)

    # 2. submit, appraise at DOIT level, forward from the round page
    do_action(page, "submit")
    expect(status(page)).to_have_text("đã nộp Sở Công Thương")
    expect(page.locator("[data-testid=money]")).to_contain_text("180 triệu đồng")
    screenshot(page, "projects-detail-submitted")
    do_action(
        page,
        "doit_appraise",
        fields={"body": "Hội đồng thẩm định Sở Công Thương Tuyên Quang", "recommended_amount": "180.000.000"},
        selects={"recommendation": "approve"},
    )
    expect(status(page)).to_have_text("Sở đã thẩm định")
    page.click(f"nav[aria-label=breadcrumb] a:has-text('{ROUND_NAME}')")
    projects_in_round = page.locator("[data-testid=round-projects]")
    expect(projects_in_round.locator(f"input[name=projects][value='{project.pk}']")).to_be_checked()
    page.click("[data-testid=forward-selected]")
    expect(success(page)).to_contain_text("Đã chuyển 1 đề án lên Cục")
    expect(projects_in_round.locator("tr", has_text=project.code)).to_contain_text("đã chuyển Cục")

    # 3. the programme officer sees it in the consolidation, forms a council and assigns the experts
    switch_to(page, "cuc_canbo")
    page.goto(page.base + "/de-an/tong-hop/")
    page.fill("#id_plan_year", "2027")
    page.select_option("#id_source", "kcqg")
    page.locator("form.kc-filter button").click()
    expect(page).to_have_url(re.compile(r"plan_year=2027"))
    expect(page.locator("h1")).to_contain_text("2027")
    assert consolidation_totals(page) == (before_proposals + 1, before_requested + 180)
    expect(page.locator("[data-testid=by-province] tbody tr", has_text="Tuyên Quang")).to_be_visible()
    expect(page.locator("#kc-chart canvas")).to_have_count(1)
    screenshot(page, "projects-consolidation")

    page.goto(page.base + "/de-an/hoi-dong/")
    page.fill("#id_plan_year", "2027")
    page.select_option("#id_source", "kcqg")
    page.fill("#id_name", "Hội đồng thẩm định đề án KCQG năm 2027 (kiểm thử)")
    page.fill("#id_decision_number", "15/QĐ-ĐMST")
    page.select_option("#id_criteria_set", str(CriteriaSet.objects.get(code="mac-dinh-2021").pk))
    page.fill("#id_quorum", "2")
    page.select_option("#id_chair", str(first_expert.pk))
    page.select_option("#id_members", [str(first_expert.pk), str(second_expert.pk)])
    page.locator("main form[method=post] button.btn-primary").click()
    expect(success(page)).to_contain_text("Đã thành lập hội đồng")
    council_url = page.url
    page.select_option("#id_project", str(project.pk))
    page.select_option("#id_experts", [str(first_expert.pk), str(second_expert.pk)])
    page.click("button[name=assign]")
    expect(success(page)).to_contain_text("Đã phân công chuyên gia")
    expect(page.locator("[data-testid=assignments] tr", has_text=project.code)).to_have_count(2)

    # 4. each expert scores the proposal (80 and 70 of 100) and submits
    switch_to(page, "chuyengia")
    score_and_submit(page, project, "8", "170.000.000", shot="projects-review")
    switch_to(page, "chuyengia_hai", TEST_PASSWORD)
    score_and_submit(page, project, "7", "170.000.000")
    page.locator("[data-testid=my-reviews] tr", has_text=project.code).locator("a.btn").click()
    expect(page.locator("main")).to_contain_text("80,00/100")  # the other expert's score, now visible

    # 5. the session, the allocation decision and an amendment
    switch_to(page, "cuc_canbo")
    page.goto(council_url)
    page.fill("#id_place", "Hà Nội")
    for box in page.locator("input[name=present]").all():
        box.check()
    page.fill("#id_minutes", "Hội đồng thống nhất đề nghị phê duyệt 170 triệu đồng.")
    page.click("[data-testid=conclude]")
    expect(success(page)).to_contain_text("Đã ghi nhận phiên họp")
    result = page.locator("[data-testid=results] tr", has_text=project.code)
    expect(result).to_contain_text("75,00")
    expect(result).to_contain_text("170")
    page.click(f"[data-testid=results] a:has-text('{project.code}')")
    expect(status(page)).to_have_text("hội đồng đã thẩm định")

    record_decision(page, "allocation", "09/QĐ-BCT", "Giao kế hoạch kinh phí khuyến công quốc gia năm 2027")
    add_line(page, project, "approve", "170.000.000")
    expect(success(page)).to_contain_text("Đã lưu")
    issue(page)
    expect(page.locator("[data-testid=decision-total]")).to_have_text("170 triệu đồng")

    record_decision(
        page, "amendment", "19/QĐ-BCT", "Điều chỉnh kế hoạch kinh phí khuyến công quốc gia năm 2027"
    )
    add_line(page, project, "adjust", "160.000.000", "Giảm số lớp theo dự toán được duyệt")
    line = page.locator("[data-testid=lines] tbody tr", has_text=project.code)
    expect(line).to_contain_text("điều chỉnh")
    expect(line.locator("td.num").nth(1)).to_have_text("170 triệu đồng")  # before
    expect(line.locator("td.num").nth(2)).to_have_text("160 triệu đồng")  # after
    issue(page)
    expect(success(page)).to_contain_text("Đã ban hành quyết định 19/QĐ-BCT")
    screenshot(page, "projects-decision")
    line.locator("a", has_text=project.code).click()
    expect(status(page)).to_have_text("đã phê duyệt")
    expect(page.locator("[data-testid=money-plan]")).to_have_text("160 triệu đồng")

    # 6. the provincial officer: contract, advance (over 70 % first), payment, acceptance, settlement
    switch_to(page, "tuyenquang_so")
    page.goto(page.base + project.get_absolute_url())
    do_action(
        page,
        "sign_contract",
        fields={"number": "HĐ 07/2027/KCQG", "parties": "Sở Công Thương – Trung tâm KC"},
    )
    expect(status(page)).to_have_text("đang thực hiện")
    expect(page.locator("main")).to_contain_text("HĐ 07/2027/KCQG")
    do_action(page, "advance", fields={"amount": "120.000.000", "reference": "UNC 01/2027"})
    error = page.locator("#id_amount ~ [data-testid=error-amount]")  # right under the amount field
    expect(error).to_contain_text("tối đa 70% giá trị hợp đồng (112 triệu đồng)")
    expect(page.locator("#id_amount")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "projects-advance-refused")
    page.fill("#id_amount", "100.000.000")
    page.click("[data-testid=confirm]")
    expect(success(page)).to_contain_text("Đã thực hiện")
    expect(page.locator("[data-testid=money-paid]")).to_have_text("100 triệu đồng")
    do_action(page, "pay", fields={"amount": "60.000.000", "reference": "UNC 02/2027"})
    expect(page.locator("[data-testid=money-paid]")).to_have_text("160 triệu đồng")
    do_action(page, "accept", fields={"minutes_number": "BB-NT 12/2027"}, selects={"result": "passed"})
    expect(status(page)).to_have_text("đã nghiệm thu")
    do_action(
        page,
        "settle",
        fields={"document": "QT 03/2027", "amount": "160.000.000", "counterpart_actual": "60.000.000"},
    )
    expect(status(page)).to_have_text("đã quyết toán")
    expect(page.locator("[data-testid=money-settled]")).to_have_text("160 triệu đồng")
    expect(page.locator("[data-testid=money]")).not_to_contain_text("còn phải trả")  # nothing due back
    main = page.locator("main")
    for text in ("09/QĐ-BCT", "19/QĐ-BCT", "BB-NT 12/2027", "QT 03/2027", "Quyết toán QT 03/2027"):
        expect(main).to_contain_text(text)

    # 7. a year on, the beneficiary's figures before and after the support
    page.click("[data-testid^=effects-link-]")
    expect(page.locator("[data-testid=effects-so-far]")).to_contain_text("Chưa có số liệu.")
    for field, value in {
        "revenue_before": "1.500.000.000",
        "revenue_after": "1.800.000.000",
        "jobs_before": "12",
        "jobs_after": "15",
    }.items():
        page.fill(f"#id_{field}", value)
    screenshot(page, "projects-effects-form")
    page.click("[data-testid=confirm]")
    expect(success(page)).to_contain_text("Cập nhật hiệu quả sau hỗ trợ")
    effects = page.locator("[data-testid=beneficiaries] .kc-effects")
    expect(effects).to_contain_text("1,500 tỷ đồng")
    expect(effects).to_contain_text("+20,0%")  # revenue
    expect(effects).to_contain_text("+25,0%")  # jobs
    screenshot(page, "projects-detail-settled")


def test_a_stopped_project_refunds(page):
    beneficiary = beneficiary_in_tuyen_quang()
    project = approved_project_with_advance(beneficiary, open_round_2027())

    # the programme officer stops it by an amendment decision (a reason is required)
    switch_to(page, "cuc_canbo")
    record_decision(page, "amendment", "204/QĐ-BCT", "Ngừng thực hiện đề án KCQG năm 2027")
    add_line(page, project, "stop", "0")
    expect(page.locator("[data-testid=line-form] [data-testid=error-reason]")).to_contain_text(
        "Hãy nêu lý do ngừng đề án"
    )
    page.locator("[data-testid=line-form] #id_reason").fill("Cơ sở thụ hưởng ngừng sản xuất")
    page.locator("[data-testid=line-form] button").click()
    expect(page.locator("[data-testid=lines] tbody tr", has_text=project.code)).to_contain_text("ngừng")
    issue(page)
    page.locator("[data-testid=lines] a", has_text=project.code).click()
    expect(status(page)).to_have_text("ngừng thực hiện")
    expect(page.locator("[data-testid=flag-refund_due]")).to_be_visible()

    # the provincial officer records the refund: more than is due is refused, then the right amount
    switch_to(page, "tuyenquang_so")
    page.goto(page.base + project.get_absolute_url())
    expect(page.locator("[data-testid=money-plan]")).to_have_text("0 triệu đồng")
    expect(page.locator("[data-testid=money]")).to_contain_text("còn phải trả 50 triệu đồng")
    page.click("[data-testid=action-refund]")
    expect(page.locator("#id_amount")).to_have_value("50.000.000")  # what is due, proposed
    page.fill("#id_amount", "60.000.000")
    page.fill("#id_reference", "Giấy nộp trả NSNN 09")
    page.click("[data-testid=confirm]")
    expect(page.locator("[data-testid=error-amount]")).to_contain_text("Chỉ còn 50 triệu đồng phải hoàn trả")
    page.fill("#id_amount", "50.000.000")
    page.click("[data-testid=confirm]")
    expect(success(page)).to_contain_text("Ghi nhận hoàn trả ngân sách")
    expect(page.locator("[data-testid=money-refund]")).to_have_text("50 triệu đồng")
    expect(page.locator("[data-testid=money]")).not_to_contain_text("còn phải trả")
    expect(page.locator("[data-testid=flag-refund_due]")).to_have_count(0)
    expect(page.locator("[data-testid=action-refund]")).to_have_count(0)
    timeline = page.locator("[data-testid=timeline]")
    expect(timeline).to_contain_text("204/QĐ-BCT")
    expect(timeline).to_contain_text("Giấy nộp trả NSNN 09")
    screenshot(page, "projects-detail-refunded")


def test_another_province_cannot_open_the_project(page):
    beneficiary = beneficiary_in_tuyen_quang()
    project = approved_project_with_advance(beneficiary, open_round_2027())
    user_with_role(
        "provincial_officer", province=province("01"), username="hanoi_so", full_name="Sở CT Hà Nội"
    )

    def search_list(q: str):
        page.goto(page.base + "/de-an/")
        page.fill("#id_q", q)
        page.click("[data-testid=filter-form] button[type=submit]")
        expect(page).to_have_url(re.compile(r"[?&]q="))

    # its own province's officer finds it (so the search itself works)
    switch_to(page, "tuyenquang_so")
    search_list("truyen nghe may tre kim binh")
    expect(page.locator("[data-testid=total]")).to_have_text("1")
    expect(page.locator("table.kc-table")).to_contain_text(project.code)

    switch_to(page, "hanoi_so", TEST_PASSWORD)
    response = page.goto(page.base + project.get_absolute_url())
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
    expect(page.locator("main")).not_to_contain_text(project.name)
    screenshot(page, "projects-other-province-404")
    search_list("truyen nghe may tre kim binh")
    expect(page.locator("[data-testid=total]")).to_have_text("0")
    expect(page.locator("table.kc-table")).not_to_contain_text(project.code)
    page.goto(page.base + "/de-an/?plan_year=2027")
    expect(page.locator("main")).not_to_contain_text(project.code)
    screenshot(page, "projects-other-province-list")
