"""The project pages through HTTP: the cycle by forms, with the right user at each step."""

import datetime
import re

import pytest
from django.urls import reverse

from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Indicator
from khuyencong.projects.models import Council, CriteriaSet, Decision, ExpertAssignment, Project, Status
from khuyencong.projects.services.ledger import money_of
from khuyencong.projects.tests.test_constraint_messages import proposal_form

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def post(client, url, data, expect=302):
    response = client.post(url, data)
    if response.status_code != expect:
        import re

        body = response.content.decode()
        m = re.findall(r"(?s)<main.*?</main>", body)
        raise AssertionError(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (m or [body])[0]))[:3000])
    return response


def test_the_cycle_through_the_pages(client, people, round_2027, tuyen_quang, beneficiary):
    # the provincial officer registers
    client.force_login(people["doit"])
    content = Content.objects.get(code="dao-tao-nghe")
    response = post(client, reverse("projects:create"), proposal_form(round_2027, tuyen_quang))
    project = Project.objects.get(name="Đào tạo nghề đan lát")
    assert response["Location"] == reverse("projects:edit", args=[project.pk])
    indicator = Indicator.objects.filter(content=content).first()
    edit = dict(
        {
            "round": round_2027.pk,
            "source": "kcqg",
            "plan_year": 2027,
            "programme": project.programme_id,
            "content": content.pk,
            "kind": "ordinary",
            "name": project.name,
            "objectives": project.objectives,
            "implementing_org": project.implementing_org_id,
            "lead_province": tuyen_quang.pk,
            "start_date": "2027-03-01",
            "end_date": "2027-10-31",
            "version": project.version,
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0,
            "lines-0-category": "training",
            "lines-0-item": "Thù lao giảng viên",
            "lines-0-state_support": "180.000.000",
            "lines-0-counterpart": "60.000.000",
            "locations-TOTAL_FORMS": 0,
            "locations-INITIAL_FORMS": 0,
            "beneficiaries-TOTAL_FORMS": 1,
            "beneficiaries-INITIAL_FORMS": 0,
            "beneficiaries-0-establishment": beneficiary.pk,
            "beneficiaries-0-role": "Lao động học nghề",
            "results-TOTAL_FORMS": 1,
            "results-INITIAL_FORMS": 0,
            "results-0-indicator": indicator.pk,
            "results-0-target": "40",
        }.items()
    )
    bad = {**edit, "lines-0-state_support": "180,5"}
    response = post(client, reverse("projects:edit", args=[project.pk]), bad, expect=200)
    assert "Hãy nhập số tiền là số nguyên đồng" in response.content.decode()
    post(client, reverse("projects:edit", args=[project.pk]), edit)
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "180.000.000 đồng" in detail and 'data-testid="action-submit"' in detail
    post(client, reverse("projects:action", args=[project.pk, "submit"]), {})
    post(
        client,
        reverse("projects:action", args=[project.pk, "doit_appraise"]),
        {
            "appraised_on": TODAY.isoformat(),
            "body": "Hội đồng Sở",
            "recommendation": "approve",
            "recommended_amount": "180.000.000",
        },
    )
    post(client, reverse("projects:round_forward", args=[round_2027.pk]), {"projects": [project.pk]})
    project.refresh_from_db()
    assert project.status == Status.FORWARDED

    # the agency consolidates and forms the council
    client.force_login(people["agency"])
    table = client.get(reverse("reporting:consolidation"), {"plan_year": 2027, "source": "kcqg"})
    assert table.status_code == 200 and table.context["table"].total.proposals == 1
    assert (
        client.get(reverse("reporting:consolidation"), {"plan_year": 2027, "export": "xlsx"}).status_code
        == 200
    )
    post(
        client,
        reverse("projects:council_list"),
        {
            "plan_year": 2027,
            "source": "kcqg",
            "name": "Hội đồng 2027",
            "decision_number": "5/QĐ-ĐMST",
            "criteria_set": CriteriaSet.objects.get(code="mac-dinh-2021").pk,
            "quorum": 2,
            "chair": people["expert1"].pk,
            "members": [people["expert1"].pk, people["expert2"].pk],
        },
    )
    council = Council.objects.get(name="Hội đồng 2027")
    post(
        client,
        council.get_absolute_url(),
        {"assign": "1", "project": project.pk, "experts": [people["expert1"].pk, people["expert2"].pk]},
    )

    # each expert scores
    for expert in ("expert1", "expert2"):
        client.force_login(people[expert])
        assignment = ExpertAssignment.objects.get(project=project, expert=people[expert])
        assert client.get(reverse("projects:my_reviews")).status_code == 200
        scores = {f"score_{c.pk}": "7" for c in council.criteria_set.criteria.all()}
        last = council.criteria_set.criteria.last()
        scores.pop(f"score_{last.pk}")
        response = post(
            client,
            reverse("projects:review", args=[assignment.pk]),
            {**scores, "recommendation": "approve", "recommended_amount": "170.000.000", "submit": "1"},
            expect=200,
        )
        assert "không áp dụng" in response.content.decode()  # the missing criterion is named, not zeroed
        post(
            client,
            reverse("projects:review", args=[assignment.pk]),
            {
                **scores,
                f"na_{last.pk}": "1",
                "recommendation": "approve",
                "recommended_amount": "170.000.000",
                "submit": "1",
            },
        )

    # the session, the allocation decision and an amendment
    client.force_login(people["agency"])
    post(
        client,
        council.get_absolute_url(),
        {
            "session": "1",
            "held_on": TODAY.isoformat(),
            "place": "Hà Nội",
            "present": list(council.members.values_list("pk", flat=True)),
            "minutes": "Hội đồng thống nhất",
        },
    )
    project.refresh_from_db()
    assert project.status == Status.AGENCY_APPRAISED
    issuer = Organisation.objects.get(code="bo-cong-thuong")
    for number, kind, action, amount in (
        ("9/QĐ-BCT", "allocation", "approve", "170.000.000"),
        ("19/QĐ-BCT", "amendment", "adjust", "160.000.000"),
    ):
        post(
            client,
            reverse("projects:decision_list"),
            {
                "kind": kind,
                "number": number,
                "date": TODAY.isoformat(),
                "signer": "Bộ trưởng",
                "issuer": issuer.pk,
                "plan_year": 2027,
                "source": "kcqg",
                "title": "Kế hoạch KCQG 2027",
            },
        )
        decision = Decision.objects.get(number=number)
        post(
            client,
            decision.get_absolute_url(),
            {
                "project": project.pk,
                "action": action,
                "amount": amount,
                "reason": "Điều chỉnh" if kind == "amendment" else "",
            },
        )
        post(client, reverse("projects:decision_issue", args=[decision.pk]), {})
    project.refresh_from_db()
    assert project.status == Status.APPROVED and money_of(project).plan == 160_000_000
    plan_page = client.get(reverse("reporting:plan"), {"plan_year": 2027, "source": "kcqg"})
    assert [v["plan"] for v in plan_page.context["versions"]] == [170_000_000, 160_000_000]

    # contract, advance, acceptance, settlement by the DOIT
    client.force_login(people["doit"])
    url = lambda action: reverse("projects:action", args=[project.pk, action])  # noqa: E731
    post(
        client,
        url("sign_contract"),
        {
            "number": "HĐ 07/2027",
            "signed_on": TODAY.isoformat(),
            "parties": "Sở – Trung tâm",
            "value": "160.000.000",
        },
    )
    response = post(
        client,
        url("advance"),
        {"paid_on": TODAY.isoformat(), "amount": "120.000.000", "reference": "UNC 1"},
        expect=200,
    )
    assert "70%" in response.content.decode(), re.sub(r"<[^>]+>", " ", response.content.decode())[-6000:]
    post(
        client, url("advance"), {"paid_on": TODAY.isoformat(), "amount": "100.000.000", "reference": "UNC 1"}
    )
    post(client, url("pay"), {"paid_on": TODAY.isoformat(), "amount": "60.000.000", "reference": "UNC 2"})
    post(
        client,
        url("accept"),
        {"accepted_on": TODAY.isoformat(), "minutes_number": "BB 12", "result": "passed"},
    )
    post(
        client,
        url("settle"),
        {
            "settled_on": TODAY.isoformat(),
            "document": "QT 3",
            "amount": "160.000.000",
            "counterpart_actual": "60.000.000",
        },
    )
    project.refresh_from_db()
    assert project.status == Status.SETTLED and money_of(project).settled == 160_000_000
    page = client.get(project.get_absolute_url()).content.decode()
    for text in ("Ký hợp đồng", "Tạm ứng", "Nghiệm thu", "Quyết toán", "9/QĐ-BCT", "19/QĐ-BCT"):
        assert text in page


def test_project_list_filters_and_export(client, people, make_proposal):
    make_proposal()
    client.force_login(people["agency"])
    response = client.get(reverse("projects:list"), {"plan_year": 2027, "q": "dao tao nghe may tre"})
    assert response.status_code == 200 and response.context["total"] == 1
    assert response.context["object_list"][0].m_requested is None  # nothing submitted yet
    export = client.get(reverse("projects:list"), {"plan_year": 2027, "export": "xlsx"})
    assert export.status_code == 200


def test_report_filters_keep_the_good_values_and_name_the_wrong_one(client, people, make_proposal):
    from khuyencong.projects.services import transitions

    transitions.project_submit(user=people["doit"], project=make_proposal())
    client.force_login(people["agency"])
    for name in ("reporting:consolidation", "reporting:plan"):
        response = client.get(reverse(name), {"plan_year": 2027, "geography": "old", "source": "xyz"})
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('class="invalid-feedback d-block"') >= 1 and "Hãy chọn" in html
    table = client.get(reverse("reporting:consolidation"), {"plan_year": 2027, "geography": "old"}).context[
        "table"
    ]
    assert table.plan_year == 2027 and table.total.proposals == 1  # the year still applies


def test_consolidation_excel_is_the_ministrys_layout_with_the_pages_figures(client, people, make_proposal):
    import io

    import openpyxl

    from khuyencong.projects.models import LedgerKind
    from khuyencong.projects.services import transitions

    transitions.project_submit(user=people["doit"], project=make_proposal())
    client.force_login(people["agency"])
    table = client.get(reverse("reporting:consolidation"), {"plan_year": 2027}).context["table"]
    export = client.get(reverse("reporting:consolidation"), {"plan_year": 2027, "export": "xlsx"})
    assert export["Content-Disposition"] == 'attachment; filename="tong-hop-2027-tat-ca.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["Theo tỉnh, thành phố", "Theo nội dung"]
    sheet = book["Theo tỉnh, thành phố"]
    assert (
        sheet["A1"].value == "Tổng hợp kế hoạch năm 2027" and sheet["A3"].value == "Đơn vị tính: triệu đồng"
    )
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    last = sheet.max_row
    assert sheet.cell(last, 2).value == "Tổng cộng" and sheet.cell(last, 2).font.b
    assert sheet.cell(last, 3).value == table.total.proposals == 1
    requested = table.total.value(LedgerKind.REQUESTED)
    assert requested > 0 and sheet.cell(last, 4).value == requested  # exact đồng, shown in triệu
    assert sheet.cell(last, 4).number_format == "#,##0,,"


def test_scope_on_project_pages(client, people, make_proposal):
    project = make_proposal()
    client.force_login(people["other_doit"])
    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.get(reverse("projects:action", args=[project.pk, "submit"])).status_code == 404
    client.force_login(people["expert1"])
    assert client.get(project.get_absolute_url()).status_code == 404  # not assigned
    client.force_login(people["leader"])
    assert client.get(project.get_absolute_url()).status_code == 200
    assert client.get(reverse("projects:action", args=[project.pk, "submit"])).status_code == 403


def test_attachments_are_checked_and_scoped(client, people, make_proposal):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = make_proposal()
    client.force_login(people["doit"])
    fake = SimpleUploadedFile("thuyet-minh.pdf", b"not really a pdf", content_type="application/pdf")
    response = client.post(
        reverse("projects:attachment_upload", args=[project.pk]),
        {"kind": "project_document", "file": fake},
        follow=True,
    )
    assert "không thực sự là tệp PDF" in response.content.decode()
    real = SimpleUploadedFile("thuyet-minh.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    client.post(
        reverse("projects:attachment_upload", args=[project.pk]), {"kind": "project_document", "file": real}
    )
    attachment = project.attachments.get()
    assert attachment.original_name == "thuyet-minh.pdf" and not attachment.file.name.endswith(
        "thuyet-minh.pdf"
    )
    assert client.get(attachment.get_absolute_url()).status_code == 200
    client.force_login(people["other_doit"])
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_establishment_page_shows_its_support_and_partners_see_their_beneficiaries(
    client, people, make_proposal, beneficiary
):
    from khuyencong.establishments.models import Establishment

    project = make_proposal(implementing_org=Organisation.objects.get(code="hoi-nong-dan"))
    client.force_login(people["doit"])
    page = client.get(beneficiary.get_absolute_url()).content.decode()
    assert 'data-testid="support-history"' in page and project.code in page
    # the partner organisation implementing the project sees its beneficiary, and nothing else
    unit_scope = Establishment.objects.restrict(people["unit"])
    assert list(unit_scope) == [beneficiary]
    client.force_login(people["unit"])
    assert client.get(beneficiary.get_absolute_url()).status_code == 200
    # another province's officer: 404 on the establishment, as on the project
    client.force_login(people["other_doit"])
    assert client.get(beneficiary.get_absolute_url()).status_code == 404
    # an expert sees it only once a proposal with it is assigned to them
    assert not Establishment.objects.restrict(people["expert1"]).exists()
