"""Registration rounds (the call for next year's proposals) and the provinces' own deadlines.

The agency opens the national (KCQG) round and any round; a DOIT opens its province's KCĐP round
and may set its own deadline in a national round. Pages, the API, imports and the demo call these.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.permissions import CHANGE, get_scope
from khuyencong.projects.models import FundingSource, ProvinceDeadline, RegistrationRound

ROUND_FIELDS = ("plan_year", "source", "province", "name", "opens_on", "deadline", "note")


def can_open_rounds(user) -> bool:
    scope = get_scope(user)
    return scope.national_write or bool(scope.current_write)


def round_create(*, user, data: dict) -> RegistrationRound:
    """Open a round. A national round is the agency's and has no province; a provincial round names
    a province the user writes for (the agency: any)."""
    unknown = set(data) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"unknown round fields: {sorted(unknown)}")
    new_round = RegistrationRound(**data)
    scope = get_scope(user)
    if not scope.national_write and new_round.province_id not in scope.current_write:
        raise PermissionDenied(_("You cannot open a round for this province."))
    if new_round.province_id is None and new_round.source != FundingSource.KCQG:
        raise ValidationError({"province": [_("A provincial round names its province.")]})
    if new_round.opens_on and new_round.deadline and new_round.deadline < new_round.opens_on:
        raise ValidationError({"deadline": [_("The deadline cannot be before the round opens.")]})
    with transaction.atomic(), audit_context(user=user, reason=_("round opened")):
        new_round.full_clean()
        new_round.save()
    return new_round


EDITABLE_ROUND_FIELDS = ("name", "opens_on", "deadline", "note")


def round_update(*, user, registration_round: RegistrationRound, data: dict) -> RegistrationRound:
    """Change a round's name, dates or note (its year, source and province stay): the agency any
    round, a DOIT its province's round. The deadline stays on or after the opening, and no
    province's own deadline falls before it opens."""
    unknown = set(data) - set(EDITABLE_ROUND_FIELDS)
    if unknown:
        raise ValueError(f"unknown round fields: {sorted(unknown)}")
    with transaction.atomic(), audit_context(user=user, reason=_("round changed")):
        the_round = (
            RegistrationRound.objects.restrict(user, CHANGE)
            .select_for_update()
            .filter(pk=registration_round.pk)
            .first()
        )
        if the_round is None:
            raise PermissionDenied(_("You cannot change this round."))
        for name, value in data.items():
            setattr(the_round, name, value)
        if the_round.deadline < the_round.opens_on:
            raise ValidationError({"deadline": [_("The deadline cannot be before the round opens.")]})
        if the_round.province_deadlines.filter(deadline__lt=the_round.opens_on).exists():
            raise ValidationError(
                {"opens_on": [_("A province's own deadline in this round is before this date.")]}
            )
        the_round.full_clean()
        the_round.save()
    return the_round


def province_deadline_set(
    *, user, registration_round: RegistrationRound, province_id: int, deadline: datetime.date
) -> ProvinceDeadline:
    """A DOIT's own deadline in a national round (its proposals are filed at the DOIT)."""
    scope = get_scope(user)
    if not scope.national_write and province_id not in scope.current_write:
        raise PermissionDenied(_("You cannot set the deadline of this province."))
    if registration_round.province_id is not None:
        raise ValidationError(_("Only a national round has a deadline per province."))
    if deadline < registration_round.opens_on:
        raise ValidationError({"deadline": [_("The deadline cannot be before the round opens.")]})
    with (
        transaction.atomic(),
        audit_context(user=user, reason=_("deadline of %(round)s") % {"round": registration_round}),
    ):
        own, _created = ProvinceDeadline.objects.update_or_create(
            round=registration_round, province_id=province_id, defaults={"deadline": deadline}
        )
    return own
