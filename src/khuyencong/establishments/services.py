"""Every write to the establishment registry (HackSoft style: typed, keyword-only, atomic).

Pages, the API and imports all call these functions, so a rule lives in one place: validation
(``Establishment.clean``), scope (the province must be the user's), duplicate tax codes, optimistic
locking and merging.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from khuyencong.core.audit import audit_context
from khuyencong.core.audit import current as current_audit
from khuyencong.core.audited_insert import insert_audited
from khuyencong.core.concurrency import check_version
from khuyencong.core.exceptions import ConflictError
from khuyencong.core.models import constraint_field
from khuyencong.core.permissions import CHANGE, VIEW, get_scope
from khuyencong.establishments.models import (
    Establishment,
    EstablishmentFigure,
    EstablishmentMerge,
    ReferenceData,
    Status,
    reference_cached,
    reference_in_use,
)
from khuyencong.establishments.validators import normalise_tax_code

EDITABLE_FIELDS = [
    "name",
    "other_names",
    "kind",
    "tax_code",
    "registration_number",
    "registration_date",
    "established_on",
    "representative",
    "representative_title",
    "women_owned",
    "ethnic_minority_owned",
    "artisan_title",
    "address",
    "commune",
    "address_as_of",
    "in_craft_village",
    "craft_village",
    "craft_village_recognised",
    "vsic_code",
    "is_handicraft",
    "products",
    "employees",
    "phone",
    "email",
    "status",
    "status_since",
    "note",
]


def can_create_establishments(user) -> bool:
    scope = get_scope(user)
    return scope.national_write or bool(scope.province_write)


# The fields ``Establishment.prepare`` derives: not the user's, not checked.
DERIVED_FIELDS = ("province", "province_now", "division", "search_text", "name_key")

# Each check constraint of the model as a Python test – (the fields it reads, the test) – so that a
# set of records is checked without asking the database once per record and constraint. A constraint
# without its twin here is still checked by the database (``tests/test_set_wise.py`` insists on the
# twins and compares their answers with the database's).
CONSTRAINTS_IN_PYTHON: dict[str, tuple[tuple[str, ...], Callable[[Establishment], bool]]] = {
    "est_merged_has_target": (
        ("status", "merged_into"),
        lambda e: e.status != Status.MERGED or e.merged_into_id is not None,
    ),
}

Refusal = ValidationError | PermissionDenied | ConflictError


def _model_errors(establishment: Establishment, reference: ReferenceData | None) -> ValidationError | None:
    """The model's own rules – each field's checks, ``Establishment.clean``, the check constraints –
    as ``full_clean`` applies them. With ``reference`` (reference data read once), without a query
    per record: the commune field's existence check is answered from the units read once and the
    constraints by their Python twins; the errors are the same."""
    exclude = set(DERIVED_FIELDS)
    if reference is None:
        try:
            establishment.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            return error
        return None
    errors: dict[str, list] = {}
    fields_exclude = exclude | ({"commune"} if reference.is_commune(establishment.commune_id) else set())
    try:
        with reference_cached(reference):  # ``clean`` looks the sector up in it
            establishment.full_clean(
                exclude=fields_exclude, validate_unique=False, validate_constraints=False
            )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # as full_clean: the constraints only over the fields that passed
    exclude |= {name for name in errors if name != NON_FIELD_ERRORS}
    violations: dict[str, list] = {}
    for constraint in Establishment._meta.constraints:
        twin = CONSTRAINTS_IN_PYTHON.get(constraint.name)
        try:
            if twin is None:
                constraint.validate(Establishment, establishment, exclude=exclude)
            elif not exclude.intersection(twin[0]) and not twin[1](establishment):
                raise ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code
                )
        except ValidationError as error:
            field = constraint_field(Establishment, constraint)
            if field is None or field in exclude:
                field = NON_FIELD_ERRORS
            violations.setdefault(field, []).extend(error.error_list)
    if violations:
        errors = ValidationError(violations).update_error_dict(errors)
    return ValidationError(errors) if errors else None


def _check_scope(user, establishment: Establishment, reference: ReferenceData | None = None) -> None:
    """The establishment's province (today) must be one the user may change."""
    from khuyencong.geo.queries import province_now

    if not establishment.commune_id:
        return
    scope = get_scope(user)
    if reference is not None:
        target = reference.province_now(establishment.commune.province())
    else:
        target = province_now(establishment.commune)
    if not scope.writes_province(target.pk):
        raise ValidationError(
            {
                "commune": [
                    _("This commune is in %(province)s, outside the provinces you manage.")
                    % {"province": target.full_name}
                ]
            }
        )


def _tax_codes_taken(user, establishments: Sequence[Establishment]) -> dict[int, ValidationError]:
    """Each record's tax code must be free: not another record's, nor given twice in the set. One
    query for the codes, one for which of their holders the user may see. Errors by position."""
    wanted: dict[str, list[int]] = {}
    for index, establishment in enumerate(establishments):
        try:
            code = normalise_tax_code(establishment.tax_code)
        except ValidationError:
            continue  # clean() reports the format
        if code:
            wanted.setdefault(code, []).append(index)
    if not wanted:
        return {}
    holders = {
        code: (pk, name, province)
        for pk, code, name, province in Establishment.objects.filter(tax_code__in=list(wanted)).values_list(
            "pk", "tax_code", "name", "province_now__name"
        )
    }
    others = {
        code: holder
        for code, holder in holders.items()
        if any(establishments[i].pk != holder[0] for i in wanted[code])
    }
    visible = (
        set(
            Establishment.objects.restrict(user, VIEW)
            .filter(pk__in=[pk for pk, _n, _p in others.values()])
            .values_list("pk", flat=True)
        )
        if others
        else set()
    )
    errors: dict[int, ValidationError] = {}
    for code, indexes in wanted.items():
        holder = holders.get(code)
        for position, index in enumerate(indexes):
            if holder is not None and holder[0] != establishments[index].pk:
                message = _taken(code, *holder, visible=holder[0] in visible)
            elif holder is None and position > 0:
                message = _("Tax code %(code)s is given twice: also for “%(name)s”.") % {
                    "code": code,
                    "name": establishments[indexes[0]].name,
                }
            else:
                continue
            errors[index] = ValidationError({"tax_code": [message]}, code="duplicate")
    return errors


def _taken(code: str, pk: int, name: str, province: str, *, visible: bool) -> str:
    if visible:
        return _("Tax code %(code)s is already registered for “%(name)s” (%(province)s).") % {
            "code": code,
            "name": name,
            "province": province,
        }
    return _(
        "Tax code %(code)s is already registered in another province. Ask the agency to check the record."
    ) % {"code": code}


def _validate_many(
    user, establishments: Sequence[Establishment], reference: ReferenceData | None
) -> dict[int, ValidationError]:
    """The rules every write applies, record by record: the model's (``_model_errors``), scope, tax
    code free – the first that fails is the record's answer, for one record as for a set. Errors by
    position. The one home of these rules: a page, the API and an import all come through here."""
    errors: dict[int, ValidationError] = {}
    passed: list[int] = []
    for index, establishment in enumerate(establishments):
        unit = reference.unit(establishment.commune_id) if reference is not None else None
        if unit is not None:  # the commune with its parents in memory: its province without a query
            establishment.commune = unit
        error = _model_errors(establishment, reference)
        if error is None:
            try:
                _check_scope(user, establishment, reference)
            except ValidationError as scope_error:
                error = scope_error
        if error is None:
            passed.append(index)
        else:
            errors[index] = error
    for position, error in _tax_codes_taken(user, [establishments[i] for i in passed]).items():
        errors[passed[position]] = error
    return errors


def _validate(user, establishment: Establishment) -> None:
    """The rules every write applies, for one record (see ``_validate_many``)."""
    error = _validate_many(user, [establishment], reference_in_use()).get(0)
    if error is not None:
        raise error


def _apply(establishment: Establishment, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    for name, value in data.items():
        setattr(establishment, name, value)
    if establishment.status == Status.MERGED and not establishment.merged_into_id:
        raise ValidationError({"status": [_("Records are marked merged only by merging them.")]})


def _candidates(
    user, items: Sequence[tuple[dict[str, Any], Establishment | None]]
) -> tuple[list[Establishment | Refusal], list[int]]:
    """Each item's unsaved record with its data applied, or why it cannot be written (role, scope of
    the record changed, fields that cannot be set); and the positions of the records."""
    changeable: set[int] = set()
    existing = [e.pk for _data, e in items if e is not None]
    if existing:
        changeable = set(
            Establishment.objects.restrict(user, CHANGE).filter(pk__in=existing).values_list("pk", flat=True)
        )
    may_create = None
    today = timezone.localdate()
    answers: list[Establishment | Refusal] = []
    records: list[int] = []
    for data, establishment in items:
        if establishment is None:
            may_create = can_create_establishments(user) if may_create is None else may_create
            if not may_create:
                answers.append(PermissionDenied(_("Your role cannot register establishments.")))
                continue
            candidate = Establishment(address_as_of=today)
        else:
            if establishment.pk not in changeable:
                answers.append(PermissionDenied(_("You cannot change this establishment.")))
                continue
            candidate = copy.copy(establishment)
        try:
            _apply(candidate, data)
        except ValidationError as error:
            answers.append(error)
            continue
        records.append(len(answers))
        answers.append(candidate)
    return answers, records


def establishment_check(
    *, user, data: dict[str, Any], establishment: Establishment | None = None
) -> Establishment:
    """Everything :func:`establishment_create` (or, given ``establishment``, :func:`establishment_update`)
    would check, without writing: the unsaved record, or the ``ValidationError``/``PermissionDenied``
    the write would raise."""
    answer = _check(user, [(data, establishment)], reference_in_use())[0]
    if isinstance(answer, Exception):
        raise answer
    return answer


def establishments_check(
    *,
    user,
    items: Sequence[tuple[dict[str, Any], Establishment | None]],
    reference: ReferenceData | None = None,
) -> list[Establishment | Refusal]:
    """:func:`establishment_check` for many records at once – ``(data, establishment or None)`` each –
    with the same rules and answers: for each item the unsaved record or what the check would raise.
    The reference data (communes, sectors) are read once (or given: ``reference``); a whole set costs
    one query for the records' permission and one for the tax codes. Imports check every row so
    before writing any."""
    with reference_cached(reference) as cached:
        return _check(user, items, cached)


def _check(user, items, reference: ReferenceData | None) -> list[Establishment | Refusal]:
    answers, records = _candidates(user, items)
    errors = _validate_many(user, [answers[i] for i in records], reference)  # type: ignore[misc]
    for position, error in errors.items():
        answers[records[position]] = error
    return answers


def establishment_create(*, user, data: dict[str, Any]) -> Establishment:
    if not can_create_establishments(user):
        raise PermissionDenied(_("Your role cannot register establishments."))
    establishment = Establishment(address_as_of=timezone.localdate())
    _apply(establishment, data)
    # an import names its file as the reason; a page or the API says "registered"
    with transaction.atomic(), audit_context(user=user, reason=current_audit().reason or _("registered")):
        _validate(user, establishment)
        establishment.save()
    return establishment


def establishment_update(
    *, user, establishment: Establishment, data: dict[str, Any], version: int | None
) -> Establishment:
    """Change fields; ``version`` is the version the user read – if someone saved since, nothing is
    saved and :class:`ConflictError` names the fields they changed."""
    with transaction.atomic():
        current = (
            Establishment.objects.select_for_update()
            .restrict(user, CHANGE)
            .filter(pk=establishment.pk)
            .first()
        )
        if current is None:
            raise PermissionDenied(_("You cannot change this establishment."))
        check_version(current, version)
        _apply(current, data)
        _validate(user, current)
        current.version += 1
        current.save()
    return current


class EstablishmentWriter:
    """:func:`establishment_create` and :func:`establishment_update` for many records (an import).

    Hand it records with :meth:`create` and :meth:`update`; :meth:`flush` writes them all, or none
    of them, with the same rules (``_validate_many`` over the whole set, the role, the records'
    scope, the versions read), the reference data read once, and a few statements per set: one
    audited insert for the new records (:func:`insert_audited`: each gets its audit record, in the
    current audit context), one audited ``bulk_update`` for the changed ones (each record's
    history names only the fields that changed, and its version moves on as
    :func:`establishment_update` moves it). Call it inside a transaction: a refused set leaves
    nothing behind, but the sets before it are written.

    ``checked=True`` says the new records were checked through :func:`establishments_check` in this
    process a moment ago (an import checks every row, then writes): their rules are not checked a
    second time; what may have changed since (a tax code registered by another user) the database's
    constraint refuses, and the refusal comes back as the check's answer for that record.
    """

    def __init__(self, *, user, reference: ReferenceData | None = None, checked: bool = False) -> None:
        self.user = user
        self.reference = reference
        self.checked = checked
        self._pending: list[tuple[Establishment, dict[str, Any], int | None]] = []

    def create(self, data: dict[str, Any]) -> Establishment:
        """The new record, unsaved until :meth:`flush` (which gives it its ``pk``)."""
        record = Establishment(address_as_of=timezone.localdate())
        self._pending.append((record, data, None))
        return record

    def update(
        self, establishment: Establishment, data: dict[str, Any], version: int | None
    ) -> Establishment:
        """``establishment`` to change with ``data`` at :meth:`flush`; ``version`` is the one read."""
        if establishment.pk is None:
            raise ValueError("update() needs a saved establishment")
        self._pending.append((establishment, data, version))
        return establishment

    def flush(self) -> dict[int, Refusal]:
        """Write what was handed over since the last flush; or, when any record is refused, write
        nothing and answer why, by position (0 = the first record handed over)."""
        pending, self._pending = self._pending, []
        if not pending:
            return {}
        with transaction.atomic(), reference_cached(self.reference) as reference:
            refusals, records, updates = self._prepare(pending, reference)
            if refusals:
                return refusals
            for record in updates:
                record.version += 1
            for record in records:
                record.prepare()
            created = [r for r in records if r.pk is None]
            if created:
                reason = current_audit().reason or _("registered")
                with audit_context(user=self.user, reason=reason):
                    refusals = self._insert(
                        created, [i for i, r in enumerate(records) if r.pk is None], reference
                    )
                if refusals:
                    transaction.set_rollback(True)
                    return refusals
            if updates:
                # the fields given, what ``prepare`` derives from them, the version: the history of
                # each record names those that changed
                given = {name for record, data, _version in pending if record.pk is not None for name in data}
                fields = sorted(given | {"name", *DERIVED_FIELDS, "section", "version"})
                Establishment.objects.bulk_update(updates, fields, batch_size=BULK_SIZE)
        return {}

    def _insert(
        self, created: list[Establishment], positions: list[int], reference: ReferenceData
    ) -> dict[int, Refusal]:
        """INSERT the new records with their audit records (:func:`insert_audited`). Checked a moment
        ago (``checked``), their rules are not checked again: what another user may have changed
        since – a tax code registered meanwhile – the database refuses (its unique constraint), and
        the refusal is answered here as the check answers it, by position."""
        try:
            with transaction.atomic():
                insert_audited(Establishment, created, using=Establishment.objects.db)
        except IntegrityError:
            for record in created:
                record.pk = None
                record._state.adding = True
            found = _validate_many(self.user, created, reference)
            if not found:  # not a rule of ours (cannot happen while the rules match the schema)
                found = {0: ValidationError(_("This record could not be written; check the file again."))}
            return {positions[i]: error for i, error in found.items()}
        return {}

    def _prepare(self, pending, reference: ReferenceData):
        refusals: dict[int, Refusal] = {}
        pks = [record.pk for record, _data, _version in pending if record.pk is not None]
        current: dict[int, Establishment] = {}
        if pks:
            current = {
                e.pk: e
                for e in Establishment.objects.select_for_update()
                .restrict(self.user, CHANGE)
                .filter(pk__in=pks)
            }
        may_create = None
        records: list[Establishment] = []
        updates: list[Establishment] = []
        for index, (record, data, version) in enumerate(pending):
            try:
                if record.pk is None:
                    may_create = can_create_establishments(self.user) if may_create is None else may_create
                    if not may_create:
                        raise PermissionDenied(_("Your role cannot register establishments."))
                    target = record
                else:
                    target = current.get(record.pk)
                    if target is None:
                        raise PermissionDenied(_("You cannot change this establishment."))
                    check_version(target, version)
                    updates.append(target)
                _apply(target, data)
            except (ValidationError, PermissionDenied, ConflictError) as refusal:
                refusals[index] = refusal
                target = record
            records.append(target)
        # records checked a moment ago (``checked``): only the changes of existing ones again – the
        # database's constraints guard the new ones (see ``_insert``)
        checked = [
            i
            for i in range(len(pending))
            if i not in refusals and not (self.checked and records[i].pk is None)
        ]
        for position, error in _validate_many(self.user, [records[i] for i in checked], reference).items():
            refusals[checked[position]] = error
        return refusals, records, updates


BULK_SIZE = 1000


def figure_save(
    *,
    user,
    establishment: Establishment,
    year: int,
    revenue: int | None = None,
    production_value: int | None = None,
    employees: int | None = None,
) -> EstablishmentFigure:
    """Create or replace the figures of one year; a figure not given is unknown (empty)."""
    if not Establishment.objects.restrict(user, CHANGE).filter(pk=establishment.pk).exists():
        raise PermissionDenied(_("You cannot change this establishment."))
    with transaction.atomic():
        figure = EstablishmentFigure.objects.filter(establishment=establishment, year=year).first()
        figure = figure or EstablishmentFigure(establishment=establishment, year=year)
        figure.revenue, figure.production_value, figure.employees = revenue, production_value, employees
        figure.full_clean(exclude=["establishment"], validate_unique=False)
        figure.save()
    return figure


MERGE_REFUSED = _lazy("You can merge only records you may change.")


def may_merge(user, *records: Establishment) -> bool:
    """Merging changes both records: the user must be allowed to change each of them."""
    pks = {r.pk for r in records}
    return Establishment.objects.restrict(user, CHANGE).filter(pk__in=pks).count() == len(pks)


def establishment_merge(
    *, user, survivor: Establishment, absorbed: Establishment, reason: str
) -> EstablishmentMerge:
    """``absorbed`` is the same establishment as ``survivor``: move everything attached to it (projects,
    figures, …) to the survivor, mark it merged (it stays, with its history), record the merge."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Say why the two records are the same establishment.")]})
    if survivor.pk == absorbed.pk:
        raise ValidationError({"absorbed": [_("Choose two different records.")]})
    with (
        transaction.atomic(),
        audit_context(user=user, reason=_("merge of duplicates: %(reason)s") % {"reason": reason}),
    ):
        allowed = (
            Establishment.objects.select_for_update()
            .restrict(user, CHANGE)
            .filter(pk__in=[survivor.pk, absorbed.pk])
        )
        records = {e.pk: e for e in allowed}
        if len(records) != 2:
            raise PermissionDenied(MERGE_REFUSED)
        survivor, absorbed = records[survivor.pk], records[absorbed.pk]
        if Status.MERGED in (survivor.status, absorbed.status):
            raise ValidationError({"absorbed": [_("One of the records has already been merged.")]})
        moved: dict[str, Any] = {}
        for relation in Establishment._meta.related_objects:
            model = relation.related_model
            if model in (Establishment, EstablishmentMerge) or not relation.one_to_many:
                continue
            hook = getattr(model, "merge_establishments", None)
            if hook is not None:
                result = hook(survivor=survivor, absorbed=absorbed)
            else:
                rows = model._default_manager.filter(**{relation.field.name: absorbed})
                ids = list(rows.values_list("pk", flat=True))
                rows.update(**{relation.field.name: survivor})
                result = {"moved": ids}
            if any(result.values()):
                moved[model._meta.label] = result
        if not survivor.tax_code and absorbed.tax_code:
            code, absorbed.tax_code = absorbed.tax_code, None
            absorbed.save(update_fields=["tax_code"])
            survivor.tax_code = code
            moved["tax_code"] = code
        absorbed.status = Status.MERGED
        absorbed.merged_into = survivor
        absorbed.status_since = timezone.localdate()
        absorbed.version += 1
        absorbed.save()
        survivor.version += 1
        survivor.save()
        return EstablishmentMerge.objects.create(
            survivor=survivor, absorbed=absorbed, reason=reason.strip(), moved=moved
        )
