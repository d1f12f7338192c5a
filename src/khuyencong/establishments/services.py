"""Every write to the establishment registry (HackSoft style: typed, keyword-only, atomic).

Pages, the API and imports all call these functions, so a rule lives in one place: validation
(``Establishment.clean``), scope (the province must be the user's), duplicate tax codes, optimistic
locking and merging.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from khuyencong.core.audit import audit_context
from khuyencong.core.audit import current as current_audit
from khuyencong.core.concurrency import check_version
from khuyencong.core.permissions import CHANGE, VIEW, get_scope
from khuyencong.establishments.models import Establishment, EstablishmentFigure, EstablishmentMerge, Status
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


def _check_tax_code_free(user, establishment: Establishment) -> None:
    try:
        code = normalise_tax_code(establishment.tax_code)
    except ValidationError:
        return  # clean() reports the format
    if not code:
        return
    other = Establishment.objects.filter(tax_code=code).exclude(pk=establishment.pk).first()
    if other is None:
        return
    if Establishment.objects.restrict(user, VIEW).filter(pk=other.pk).exists():
        message = _("Tax code %(code)s is already registered for “%(name)s” (%(province)s).") % {
            "code": code,
            "name": other.name,
            "province": other.province_now.name,
        }
    else:
        message = _(
            "Tax code %(code)s is already registered in another province. Ask the agency to check the record."
        ) % {"code": code}
    raise ValidationError({"tax_code": [message]}, code="duplicate")


def _check_scope(user, establishment: Establishment) -> None:
    """The establishment's province (today) must be one the user may change."""
    from khuyencong.geo.queries import province_now

    if not establishment.commune_id:
        return
    scope = get_scope(user)
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


def _apply(establishment: Establishment, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    for name, value in data.items():
        setattr(establishment, name, value)
    if establishment.status == Status.MERGED and not establishment.merged_into_id:
        raise ValidationError({"status": [_("Records are marked merged only by merging them.")]})


def _validate(user, establishment: Establishment) -> None:
    """The rules every write applies: the model's (``Establishment.clean``), scope, tax code free."""
    establishment.full_clean(
        exclude=["province", "province_now", "division", "search_text", "name_key"], validate_unique=False
    )
    _check_scope(user, establishment)
    _check_tax_code_free(user, establishment)


def establishment_check(
    *, user, data: dict[str, Any], establishment: Establishment | None = None
) -> Establishment:
    """Everything :func:`establishment_create` (or, given ``establishment``, :func:`establishment_update`)
    would check, without writing: the unsaved record, or the ``ValidationError``/``PermissionDenied``
    the write would raise. Imports check every row with it before writing any."""
    if establishment is None:
        if not can_create_establishments(user):
            raise PermissionDenied(_("Your role cannot register establishments."))
        candidate = Establishment(address_as_of=timezone.localdate())
    else:
        if not Establishment.objects.restrict(user, CHANGE).filter(pk=establishment.pk).exists():
            raise PermissionDenied(_("You cannot change this establishment."))
        candidate = copy.copy(establishment)
    _apply(candidate, data)
    _validate(user, candidate)
    return candidate


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
