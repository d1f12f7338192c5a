"""A batch (``projects.services.batch``) writes exactly what the same services write one call at a
time: the history of three projects (``exchange/tests/test_history_import.py``) imported once with
the batch and once without it, every business table compared row by row; the figures kept ready
agree with the ledger; a refusal in a batch writes nothing."""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction

from khuyencong.core.audited_insert import insert_audited, reserve_ids, update_audited
from khuyencong.core.models import ObjectChange
from khuyencong.exchange.kinds.movements import MOVEMENTS
from khuyencong.exchange.kinds.projects import PROJECTS
from khuyencong.exchange.tests.test_history_import import (
    MOVEMENT_ROWS,
    PROJECT_ROWS,
    import_history,
    movement,
    run,
)
from khuyencong.projects.models import (
    Acceptance,
    BudgetLine,
    Contract,
    Decision,
    DecisionLine,
    LedgerEntry,
    PlannedResult,
    Project,
    ProjectEvent,
    ProjectLocation,
    Settlement,
)
from khuyencong.projects.services import batch as batch_module
from khuyencong.projects.tests.conftest import people, tuyen_quang  # noqa: F401
from khuyencong.reporting import rollups

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class Undo(Exception):
    pass


def tables() -> dict[str, list]:
    """Every business row the history writes, by natural keys (no ids, no times of recording)."""
    code = "project__code"
    return {
        "projects": sorted(
            Project.objects.filter(plan_year=2019).values_list(
                "code", "status", "version", "submitted_at", "lead_province_now", "search_text"
            )
        ),
        "ledger": sorted(
            LedgerEntry.objects.values_list(
                code,
                "kind",
                "amount",
                "value_date",
                "province",
                "province_now",
                "organisation",
                "decision__number",
                "reference",
                "note",
                "plan_year",
                "source",
                "content",
            )
        ),
        "events": sorted(
            ProjectEvent.objects.values_list(
                code, "kind", "on", "from_status", "to_status", "amount", "document", "note", "user"
            ),
            key=str,
        ),
        "lines": sorted(
            BudgetLine.objects.values_list(code, "order", "item", "state_support", "counterpart")
        ),
        "locations": sorted(
            ProjectLocation.objects.values_list(code, "province", "province_now", "share_bp")
        ),
        "results": sorted(PlannedResult.objects.values_list(code, "indicator", "target")),
        "contracts": sorted(Contract.objects.values_list(code, "number", "signed_on", "parties", "value")),
        "acceptances": sorted(
            Acceptance.objects.values_list(code, "accepted_on", "minutes_number", "result")
        ),
        "settlements": sorted(Settlement.objects.values_list(code, "settled_on", "document", "amount")),
        "decisions": sorted(
            Decision.objects.values_list("number", "kind", "date", "signer", "issuer", "issued_by")
        ),
        "decision lines": sorted(
            DecisionLine.objects.values_list(
                "decision__number", code, "action", "amount", "previous_amount", "reason"
            )
        ),
    }


@contextlib.contextmanager
def without_batch():
    """The services one call at a time: ``batch()`` only opens a transaction."""

    @contextlib.contextmanager
    def plain(user, project_ids=()):
        with transaction.atomic():
            yield batch_module.Batch(user)  # never made current: every service writes at once

    original = batch_module.batch
    batch_module.batch = plain
    try:
        yield
    finally:
        batch_module.batch = original


def imported(user, plain: bool) -> dict[str, list]:
    try:
        with transaction.atomic():
            with without_batch() if plain else contextlib.nullcontext():
                import_history(user)
            assert rollups.differences() == []
            written = tables()
            raise Undo
    except Undo:
        pass
    return written


def test_the_batch_writes_what_the_services_write_one_call_at_a_time(people):  # noqa: F811
    with_batch = imported(people["agency"], plain=False)
    one_by_one = imported(people["agency"], plain=True)
    assert with_batch["ledger"] and with_batch["events"] and with_batch["settlements"]
    for table, rows in one_by_one.items():
        assert with_batch[table] == rows, table


def test_every_record_the_batch_writes_has_its_audit_record(people):  # noqa: F811
    before = ObjectChange.objects.count()
    import_history(people["agency"])
    for model in (LedgerEntry, ProjectEvent, Contract, Acceptance, Settlement, BudgetLine, ProjectLocation):
        ids = set(model.objects.values_list("pk", flat=True))
        audited = set(
            ObjectChange.objects.filter(
                content_type__model=model._meta.model_name, action="create", object_id__in=ids
            ).values_list("object_id", flat=True)
        )
        assert ids and audited == ids, model
    statuses = ObjectChange.objects.filter(content_type__model="project", action="update")
    assert statuses.filter(after__has_key="status").exists()
    assert ObjectChange.objects.count() > before


def test_a_refusal_in_the_batch_writes_nothing_the_batch_held(people):  # noqa: F811
    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    before = (LedgerEntry.objects.count(), ProjectEvent.objects.count(), Contract.objects.count())
    too_much = movement(MOVEMENT_ROWS[0]["project"], "20/12/2019", "thanh toán", "900.000.000", "UNC 99")
    result = run(people["agency"], MOVEMENTS, [*MOVEMENT_ROWS[:10], too_much])
    assert result.state == "invalid"
    assert (LedgerEntry.objects.count(), ProjectEvent.objects.count(), Contract.objects.count()) == before
    assert rollups.differences() == []


def test_insert_audited_and_update_audited_write_what_the_slow_path_writes(people):  # noqa: F811
    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    project = Project.objects.filter(plan_year=2019).first()
    fast = [BudgetLine(project=project, order=9, item="Máy may", state_support=5, counterpart=1)]
    slow = [BudgetLine(project=project, order=10, item="Máy may", state_support=5, counterpart=1)]
    insert_audited(BudgetLine, fast)
    slow[0].save()  # the slow path: Django's INSERT and one audit record saved alone
    records = {
        o.pk: ObjectChange.objects.get(content_type__model="budgetline", object_id=o.pk) for o in fast + slow
    }
    a, b = records[fast[0].pk], records[slow[0].pk]
    assert (a.action, a.object_repr, a.parent_object_id, a.user_id) == (
        b.action,
        b.object_repr,
        b.parent_object_id,
        b.user_id,
    )
    assert {k: v for k, v in a.after.items() if k not in ("id", "order")} == {
        k: v for k, v in b.after.items() if k not in ("id", "order")
    }
    fast[0].item, slow[0].item = "Máy đan", "Máy đan"
    update_audited(BudgetLine, fast, ["item"])
    slow[0].save(update_fields=["item"])
    updates = [
        ObjectChange.objects.get(content_type__model="budgetline", object_id=o.pk, action="update")
        for o in fast + slow
    ]
    assert [(u.before, u.after) for u in updates] == [({"item": "Máy may"}, {"item": "Máy đan"})] * 2
    assert BudgetLine.objects.get(pk=fast[0].pk).item == "Máy đan"


def test_a_second_contract_of_a_project_in_a_batch_is_refused_before_the_database(people):  # noqa: F811
    import datetime

    from django.core.exceptions import ValidationError

    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    project = Project.objects.filter(plan_year=2019).first()

    def contract(number):
        return Contract(
            project=held, number=number, signed_on=datetime.date(2019, 3, 1), parties="TTKC", value=1
        )

    with batch_module.batch(people["agency"], [project.pk]) as unit:
        held = unit.project(project.pk)
        first = contract("HĐ 1")
        batch_module.clean(first)
        batch_module.save_new(first)
        with pytest.raises(ValidationError) as refused:
            batch_module.clean(contract("HĐ 2"))
        assert list(refused.value.message_dict) == ["project"]
        unit.discard()
    assert not Contract.objects.filter(project=project).exists()


def test_one_to_one_records_in_a_batch_as_one_call_at_a_time(people):  # noqa: F811
    import datetime

    from django.core.exceptions import ValidationError

    from khuyencong.projects.services import implementation

    agency = people["agency"]
    assert run(agency, PROJECTS, PROJECT_ROWS).state == "imported"
    assert run(agency, MOVEMENTS, MOVEMENT_ROWS[:14]).state == "imported"  # contracts signed, not accepted
    p1, p2 = (Project.objects.get(code=row["project"]) for row in MOVEMENT_ROWS[:2])
    day = datetime.date(2019, 12, 5)
    with batch_module.batch(agency, [p1.pk, p2.pk]) as unit:
        # a second contract of a project whose contract is stored: refused before the database
        again = Contract(project=unit.project(p1.pk), number="HĐ 9", signed_on=day, parties="TTKC", value=1)
        with pytest.raises(ValidationError):
            batch_module.clean(again)
        # a failed acceptance, then a passed one: the same record, changed, inserted once
        implementation.accept(
            user=agency, project=p2, accepted_on=day, minutes_number="BB 1", result="failed"
        )
        implementation.accept(
            user=agency, project=p2, accepted_on=day, minutes_number="BB 2", result="passed"
        )
    assert list(Acceptance.objects.filter(project=p2).values_list("minutes_number", "result")) == [
        ("BB 2", "passed")
    ]
    assert Project.objects.get(pk=p2.pk).status == "accepted"
    assert Contract.objects.filter(project=p1).count() == 1


def test_reserved_keys_are_never_given_to_another_insert(people):  # noqa: F811
    """``reserve_ids`` moves the table's counter past the keys it gives (SQLite's AUTOINCREMENT
    counter, PostgreSQL's sequence): a record saved meanwhile takes another key, and the reserved
    ones are inserted later with their audit records."""
    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    project = Project.objects.filter(plan_year=2019).first()
    keys = reserve_ids(BudgetLine, 3)
    assert len(set(keys)) == 3
    meanwhile = BudgetLine.objects.create(project=project, order=30, item="Bàn", state_support=1)
    assert meanwhile.pk not in keys and meanwhile.pk > max(keys)
    reserved = [
        BudgetLine(pk=key, project=project, order=31 + i, item="Ghế", state_support=1)
        for i, key in enumerate(keys)
    ]
    insert_audited(BudgetLine, reserved, reserved=True)
    assert sorted(BudgetLine.objects.filter(item="Ghế").values_list("pk", flat=True)) == sorted(keys)
    assert (
        ObjectChange.objects.filter(
            content_type__model="budgetline", object_id__in=keys, action="create"
        ).count()
        == 3
    )
    with pytest.raises(ValueError):
        insert_audited(BudgetLine, [BudgetLine(project=project, order=40, item="Tủ")], reserved=True)


def test_bulk_create_of_plain_rows_writes_what_one_save_each_writes(people):  # noqa: F811
    """``bulk_create`` of new plain rows goes through ``insert_audited``: the same rows and audit
    records as saving each; a related record not saved yet is refused as Django refuses it."""
    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    project = Project.objects.filter(plan_year=2019).first()
    made = BudgetLine.objects.bulk_create(
        [BudgetLine(project=project, order=50 + i, item=f"Dòng {i}", state_support=i + 1) for i in range(3)]
    )
    assert all(line.pk and not line._state.adding for line in made)
    saved = BudgetLine(project=project, order=60, item="Dòng 0", state_support=1)
    saved.save()
    a = ObjectChange.objects.get(content_type__model="budgetline", object_id=made[0].pk)
    b = ObjectChange.objects.get(content_type__model="budgetline", object_id=saved.pk)
    assert (a.action, a.object_repr, a.parent_object_id, a.parent_content_type_id, a.user_id, a.before) == (
        b.action,
        b.object_repr,
        b.parent_object_id,
        b.parent_content_type_id,
        b.user_id,
        b.before,
    )
    assert {k: v for k, v in a.after.items() if k not in ("id", "order")} == {
        k: v for k, v in b.after.items() if k not in ("id", "order")
    }
    assert list(
        BudgetLine.objects.filter(pk__in=[m.pk for m in made])
        .order_by("order")
        .values_list("item", flat=True)
    ) == [
        "Dòng 0",
        "Dòng 1",
        "Dòng 2",
    ]
    with pytest.raises(ValueError):
        BudgetLine.objects.bulk_create([BudgetLine(project=Project(), order=70, item="x", state_support=1)])


def test_audit_records_read_what_they_name_before_the_insert_starts(people):  # noqa: F811
    """A content type not read yet (and a parent not loaded) is read before the audit records'
    INSERT starts: on PostgreSQL a query inside the ``COPY`` would wait for the connection forever."""
    from django.contrib.contenttypes.models import ContentType

    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    project_id = Project.objects.filter(plan_year=2019).values_list("pk", flat=True).first()
    ContentType.objects.clear_cache()
    lines = [BudgetLine(project_id=project_id, order=80 + i, item="Bàn", state_support=1) for i in range(2)]
    BudgetLine.objects.bulk_create(lines)  # each line's parent (its project) is not loaded either
    changes = ObjectChange.objects.filter(
        content_type__model="budgetline", object_id__in=[o.pk for o in lines]
    )
    assert [(c.action, c.parent_object_id) for c in changes] == [("create", project_id)] * 2


def test_update_audited_writes_every_kind_of_column_and_empty_values(people):  # noqa: F811
    """Text, whole numbers, dates and times, foreign keys and empty values (on PostgreSQL one
    statement with a column array each): stored as given, each change in the record's history."""
    import datetime as dt

    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    first, second = Project.objects.filter(plan_year=2019).order_by("pk")[:2]
    at = dt.datetime(2019, 7, 1, 2, 30, tzinfo=dt.UTC)
    first.submitted_at, first.name, first.version = None, "Tên mới", first.version + 5
    second.submitted_at, second.end_date = at, dt.date(2019, 12, 31)
    assert update_audited(Project, [first, second], ["submitted_at", "name", "version", "end_date"]) == 2
    one, two = Project.objects.get(pk=first.pk), Project.objects.get(pk=second.pk)
    assert (one.submitted_at, one.name, one.version) == (None, "Tên mới", first.version)
    assert (two.submitted_at, two.end_date) == (at, dt.date(2019, 12, 31))
    change = ObjectChange.objects.filter(
        content_type__model="project", object_id=second.pk, action="update"
    ).last()
    assert change.after == {"submitted_at": at.isoformat(), "end_date": "2019-12-31"}


def test_a_past_project_with_beneficiaries_is_recorded_in_a_batch(people):  # noqa: F811
    """A new project's beneficiaries point at it before it is inserted (with the batch, at its end)."""
    from khuyencong.establishments.services import establishment_create
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.projects.models import ProjectBeneficiary
    from khuyencong.testing.factories import establishment_data, valid_tax_code

    commune = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_until__isnull=True).first()
    codes = [valid_tax_code(123_456_780 + i) for i in range(2)]
    for code in codes:
        establishment_create(
            user=people["agency"], data=establishment_data(commune, tax_code=code, name=code)
        )
    rows = [dict(PROJECT_ROWS[0], beneficiaries="; ".join(codes)), *PROJECT_ROWS[1:]]
    assert run(people["agency"], PROJECTS, rows).state == "imported"
    project = Project.objects.get(code=PROJECT_ROWS[0]["code"])
    assert sorted(
        ProjectBeneficiary.objects.filter(project=project).values_list("establishment__tax_code", flat=True)
    ) == sorted(codes)
    assert rollups.differences() == []


def test_bulk_update_keeps_djangos_path_where_the_fast_one_would_differ(people):  # noqa: F811
    """A filtered queryset updates only its rows, an expression is computed by the database, and
    the audit records name what changed – as Django's ``bulk_update`` does."""
    from django.db.models import F

    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    project = Project.objects.filter(plan_year=2019).first()
    a, b = (
        BudgetLine.objects.create(project=project, order=90 + i, item="Bàn", state_support=10)
        for i in range(2)
    )
    a.item, b.item = "Ghế", "Ghế"
    assert BudgetLine.objects.filter(pk=a.pk).bulk_update([a, b], ["item"]) == 1
    assert list(
        BudgetLine.objects.filter(pk__in=[a.pk, b.pk]).order_by("order").values_list("item", flat=True)
    ) == [
        "Ghế",
        "Bàn",
    ]
    a.state_support = F("state_support") + 5
    BudgetLine.objects.bulk_update([a], ["state_support"])
    assert BudgetLine.objects.get(pk=a.pk).state_support == 15
    with pytest.raises(ValueError):
        BudgetLine.objects.bulk_update([b], ["item"], batch_size=0)
    with pytest.raises(ValueError):
        BudgetLine.objects.bulk_create([BudgetLine(project=project, order=99, item="x")], batch_size=-1)
