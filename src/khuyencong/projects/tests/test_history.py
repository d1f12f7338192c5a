"""Projects of past plan years, recorded from their documents: who may, which years, and where they
enter the cycle (appraised, waiting for the decision)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Programme
from khuyencong.projects.models import LedgerKind, Status
from khuyencong.projects.services import ledger
from khuyencong.projects.services.history import project_record_appraised

pytestmark = pytest.mark.django_db


def past(tuyen_quang, year=2020, **overrides):
    data = {
        "plan_year": year,
        "source": "kcqg",
        "programme": Programme.objects.get(code="kcqg-2014-2020"),
        "content": Content.objects.get(code="dao-tao-nghe"),
        "kind": "ordinary",
        "name": "Đào tạo nghề mây tre đan",
        "objectives": "Đào tạo 60 lao động",
        "implementing_org": Organisation.objects.get(code="ttkc-08-2025"),
        "lead_province": tuyen_quang,
        "start_date": datetime.date(year, 3, 1),
        "end_date": datetime.date(year, 11, 30),
    }
    data.update(overrides)
    return data


LINES = [{"category": "training", "item": "Lớp học", "state_support": 200_000_000, "counterpart": 50_000_000}]


def test_the_agency_records_a_past_project_which_then_waits_for_its_decision(people, tuyen_quang):
    project = project_record_appraised(
        user=people["agency"],
        data=past(tuyen_quang),
        budget_lines=LINES,
        filed_on=datetime.date(2019, 6, 15),
        document="Hồ sơ đề án",
    )
    assert project.status == Status.AGENCY_APPRAISED and project.code.startswith("KCQG-2020-")
    assert ledger.total(project, LedgerKind.REQUESTED) == 200_000_000
    assert ledger.money_of(project).plan == 0
    assert list(project.locations.values_list("share_bp", flat=True)) == [10_000]
    event = project.events.get(kind="submitted")
    assert (event.on, event.to_status, event.document) == (
        datetime.date(2019, 6, 15),
        "agency_appraised",
        "Hồ sơ đề án",
    )


def test_only_the_agency_and_only_years_before_the_councils(people, tuyen_quang):
    with pytest.raises(PermissionDenied):
        project_record_appraised(
            user=people["doit"],
            data=past(tuyen_quang),
            budget_lines=LINES,
            filed_on=datetime.date(2019, 6, 1),
        )
    programme = Programme.objects.get(code="kcqg-2026-2030")
    with pytest.raises(ValidationError) as error:
        project_record_appraised(
            user=people["agency"],
            data=past(tuyen_quang, 2027, programme=programme),
            budget_lines=LINES,
            filed_on=datetime.date(2026, 6, 1),
        )
    assert list(error.value.message_dict) == ["plan_year"]
    with pytest.raises(ValidationError) as error:  # the proposal's own rules still apply
        project_record_appraised(
            user=people["agency"],
            data=past(tuyen_quang, programme=programme),
            budget_lines=LINES,
            filed_on=datetime.date(2019, 6, 1),
        )
    assert "programme" in error.value.message_dict


def test_the_recommendations_of_a_past_year_are_booked_from_its_documents(people, tuyen_quang):
    project = project_record_appraised(
        user=people["agency"],
        data=past(tuyen_quang),
        budget_lines=LINES,
        filed_on=datetime.date(2019, 6, 15),
        recommended_doit=200_000_000,
        recommended=180_000_000,
        appraised_on=datetime.date(2019, 9, 20),
    )
    money = ledger.money_of(project)
    assert (money.recommended_doit, money.recommended) == (200_000_000, 180_000_000)
    assert ledger.money_of(project, on=datetime.date(2019, 9, 19)).recommended == 0
    with pytest.raises(ValidationError) as error:
        project_record_appraised(
            user=people["agency"],
            data=past(tuyen_quang, name="Đề án khác"),
            budget_lines=LINES,
            filed_on=datetime.date(2019, 6, 15),
            recommended=250_000_000,
        )
    assert list(error.value.message_dict) == ["recommended"]


def test_the_years_from_2021_the_system_never_ran_are_recorded_too(people, tuyen_quang):
    """The plans 2021 to last year whose registration round the system never held exist only in
    documents: they are recorded like the years before; a year whose round the system ran, and the
    current year, are filed in the system."""
    from khuyencong.projects.models import RegistrationRound

    programme = Programme.objects.get(code="kcqg-2021-2025")
    project = project_record_appraised(
        user=people["agency"],
        data=past(tuyen_quang, 2023, programme=programme),
        budget_lines=LINES,
        filed_on=datetime.date(2022, 6, 1),
        code="KCQG-2023-08-0042",
    )
    assert (project.code, project.status) == ("KCQG-2023-08-0042", Status.AGENCY_APPRAISED)
    with pytest.raises(ValidationError) as error:  # the code is the project's
        project_record_appraised(
            user=people["agency"],
            data=past(tuyen_quang, 2023, programme=programme, name="Đề án khác"),
            budget_lines=LINES,
            filed_on=datetime.date(2022, 6, 1),
            code="kcqg-2023-08-0042",
        )
    assert list(error.value.message_dict) == ["code"]
    RegistrationRound.objects.create(
        plan_year=2024,
        source="kcqg",
        name="Đăng ký KCQG năm 2024",
        opens_on=datetime.date(2023, 3, 1),
        deadline=datetime.date(2023, 5, 20),
    )
    this_year = datetime.date.today().year
    for year in (2024, this_year):
        with pytest.raises(ValidationError) as error:
            project_record_appraised(
                user=people["agency"],
                data=past(tuyen_quang, year, programme=programme),
                budget_lines=LINES,
                filed_on=datetime.date(2023, 6, 1),
            )
        assert list(error.value.message_dict) == ["plan_year"]


def test_projects_created_in_a_batch_are_inserted_with_it_under_reserved_keys(people, tuyen_quang):
    """Inside a batch a new project takes a reserved key at once and is inserted when the batch
    ends, as it is then: the next code counts the batch's own projects, a code taken in the
    database (in another case) or earlier in the batch is refused, a key given in the batch is
    never given again, and the audit has one CREATE record holding the final status."""
    from khuyencong.core.models import ObjectChange
    from khuyencong.projects.models import Project
    from khuyencong.projects.services.batch import batch

    agency = people["agency"]
    older = project_record_appraised(
        user=agency, data=past(tuyen_quang), budget_lines=LINES, filed_on=datetime.date(2019, 6, 15)
    )
    with batch(agency) as unit:
        unit.read_codes(["kcqg-2019-x-1", older.code.lower()])
        first = project_record_appraised(
            user=agency,
            data=past(tuyen_quang, name="Một"),
            budget_lines=LINES,
            filed_on=datetime.date(2019, 6, 1),
        )
        second = project_record_appraised(
            user=agency,
            data=past(tuyen_quang, name="Hai"),
            budget_lines=LINES,
            filed_on=datetime.date(2019, 6, 1),
        )
        coded = project_record_appraised(
            user=agency,
            data=past(tuyen_quang, name="Ba"),
            budget_lines=LINES,
            filed_on=datetime.date(2019, 6, 1),
            code="KCQG-2019-X-1",
        )
        assert not Project.objects.filter(pk__in=[first.pk, second.pk, coded.pk]).exists()  # not yet
        for taken in (older.code.lower(), "kcqg-2019-x-1"):
            with pytest.raises(ValidationError) as error:
                project_record_appraised(
                    user=agency,
                    data=past(tuyen_quang, name="Bốn"),
                    budget_lines=LINES,
                    filed_on=datetime.date(2019, 6, 1),
                    code=taken,
                )
            assert list(error.value.message_dict) == ["code"]
    number = int(older.code.rsplit("-", 1)[1])
    prefix = older.code.rsplit("-", 1)[0]
    assert (first.code, second.code) == (f"{prefix}-{number + 1:04d}", f"{prefix}-{number + 2:04d}")
    assert len({older.pk, first.pk, second.pk, coded.pk}) == 4
    for project in (first, second, coded):
        stored = Project.objects.get(pk=project.pk)
        assert (stored.code, stored.status, stored.lead_province_now_id) == (
            project.code,
            Status.AGENCY_APPRAISED,
            tuyen_quang.pk,
        )
        assert ledger.total(stored, LedgerKind.REQUESTED) == 200_000_000
        changes = ObjectChange.objects.filter(content_type__model="project", object_id=project.pk)
        assert [(c.action, c.after["status"], c.reason, c.user_id) for c in changes] == [
            (
                "create",
                Status.AGENCY_APPRAISED,
                gettext("recorded from the documents of a past plan year"),
                agency.pk,
            )
        ]
    later = project_record_appraised(
        user=agency,
        data=past(tuyen_quang, name="Năm"),
        budget_lines=LINES,
        filed_on=datetime.date(2019, 6, 1),
    )
    assert later.pk > max(first.pk, second.pk, coded.pk)
    assert later.code == f"{prefix}-{number + 3:04d}"


def test_a_code_generated_in_a_batch_skips_the_codes_its_rows_gave(people, tuyen_quang):
    """A row with its own code, then rows without one (same source, year and province), in one
    batch: the codes given next skip the one the batch already holds."""
    from khuyencong.projects.services.batch import batch

    agency = people["agency"]
    older = project_record_appraised(
        user=agency, data=past(tuyen_quang), budget_lines=LINES, filed_on=datetime.date(2019, 6, 15)
    )
    prefix, number = older.code.rsplit("-", 1)
    given = f"{prefix}-{int(number) + 1:04d}"
    with batch(agency):
        explicit = project_record_appraised(
            user=agency,
            data=past(tuyen_quang, name="Một"),
            budget_lines=LINES,
            filed_on=datetime.date(2019, 6, 1),
            code=given,
        )
        generated = [
            project_record_appraised(
                user=agency,
                data=past(tuyen_quang, name=name),
                budget_lines=LINES,
                filed_on=datetime.date(2019, 6, 1),
            )
            for name in ("Hai", "Ba")
        ]
    assert explicit.code == given
    assert [p.code for p in generated] == [
        f"{prefix}-{int(number) + 2:04d}",
        f"{prefix}-{int(number) + 3:04d}",
    ]
