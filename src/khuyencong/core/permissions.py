"""Roles and scopes: the one mechanism that decides what a user may see and change.

A user holds one or more *role assignments* (``accounts.RoleAssignment``); together they give a
:class:`Scope`. Every business model answers ``scope_filter(scope, action)`` with a ``Q`` (or
``True`` for everything, ``False`` for nothing), and ``Model.objects.restrict(user, action)`` applies
it. Pages, the API, exports and imports all fetch through ``restrict`` – a record outside the scope
simply does not exist for that user (404), wherever they ask for it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)


class Role(models.TextChoices):
    ADMIN = "admin", _("Ministry administrator")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer (agency)")
    EXPERT = "expert", _("Appraisal expert")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer (DOIT / extension centre)")
    IMPLEMENTING_UNIT = "implementing_unit", _("Implementing unit")
    LEADER = "leader", _("Leader (read-only)")
    PUBLIC = "public", _("Public (portal only)")


# Roles whose assignment must name a province / may name one / must name an organisation.
ROLES_REQUIRING_PROVINCE = {Role.PROVINCIAL_OFFICER}
ROLES_ALLOWING_PROVINCE = {Role.PROVINCIAL_OFFICER, Role.LEADER}
ROLES_REQUIRING_ORGANISATION = {Role.IMPLEMENTING_UNIT}
WORKSPACE_ROLES = set(Role) - {Role.PUBLIC}


@dataclass(frozen=True)
class Scope:
    """What one user may reach. Built once per request by :func:`get_scope`."""

    user_id: int | None = None
    roles: frozenset[str] = frozenset()
    is_admin: bool = False
    national_read: bool = False
    national_write: bool = False
    # Administrative units (provinces, as ids) the user reads / writes, including the older units
    # their province absorbed in 2025 – records keep the unit as it was.
    province_read: frozenset[int] = frozenset()
    province_write: frozenset[int] = frozenset()
    # The provinces named in the assignments themselves (without predecessors).
    home_provinces: frozenset[int] = frozenset()
    # Of the read/write provinces, those valid today (what ``province_now`` columns can hold).
    current_read: frozenset[int] = frozenset()
    current_write: frozenset[int] = frozenset()
    organisation_ids: frozenset[int] = frozenset()
    establishment_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_expert(self) -> bool:
        return Role.EXPERT in self.roles

    @property
    def can_use_workspace(self) -> bool:
        """The management workspace (everything but the public portal)."""
        return bool(self.roles & {r.value for r in WORKSPACE_ROLES})

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def reads_province(self, unit_id: int | None) -> bool:
        return self.national_read or (unit_id is not None and unit_id in self.province_read)

    def writes_province(self, unit_id: int | None) -> bool:
        return self.national_write or (unit_id is not None and unit_id in self.province_write)

    def province_q(self, lookup: str, action: str = VIEW, current_only: bool = False) -> Q | bool:
        """Filter for records located by ``lookup`` (e.g. ``"province"``) within this scope.

        ``current_only`` for columns that always hold a province valid today (``province_now``).
        """
        if (action == VIEW and self.national_read) or (action == CHANGE and self.national_write):
            return True
        if current_only:
            ids = self.current_read if action == VIEW else self.current_write
        else:
            ids = self.province_read if action == VIEW else self.province_write
        if not ids:
            return False
        return Q(**{lookup: next(iter(ids))}) if len(ids) == 1 else Q(**{f"{lookup}__in": ids})


ANONYMOUS = Scope()


@dataclass(frozen=True)
class Territory:
    """How provinces relate over time, answered by the geography app (core knows no business app).

    ``with_predecessors(ids)``: for each id, itself and the units merged into it (records keep the
    province as it was); ``valid_on(ids, day)``: those of ``ids`` that exist on ``day``.
    """

    with_predecessors: Callable[[Iterable[int]], dict[int, set[int]]]
    valid_on: Callable[[Iterable[int], datetime.date], set[int]]


def _unchanged(ids: Iterable[int]) -> dict[int, set[int]]:
    return {i: {i} for i in ids}


def _all_valid(ids: Iterable[int], on: datetime.date) -> set[int]:
    return set(ids)


_territory: list[Territory] = [Territory(_unchanged, _all_valid)]


def register_territory(territory: Territory) -> None:
    """Called by the geography app's ``ready()``; without it every province stands alone."""
    _territory[0] = territory


def _read_assignments(user) -> list:
    """Every role assignment of the user, with the province and organisation it names: read once
    when the scope is built and kept on the user for the request (the home page's role badges show
    them), in the order of the roles."""
    found = list(user.role_assignments.select_related("province", "organisation").order_by("role", "pk"))
    user._kc_assignments = found
    return found


def role_assignments(user) -> list:
    """The user's role assignments as the scope read them for this request (see
    :func:`_read_assignments`); read now when no scope was built."""
    found = getattr(user, "_kc_assignments", None)
    return found if found is not None else _read_assignments(user)


def _active(assignment, on: datetime.date) -> bool:
    return (assignment.valid_from is None or assignment.valid_from <= on) and (
        assignment.valid_until is None or assignment.valid_until >= on
    )


def build_scope(user, on: datetime.date | None = None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    territory = _territory[0]
    on = on or timezone.localdate()
    roles: set[str] = set()
    national_read = national_write = is_admin = False
    read: set[int] = set()
    write: set[int] = set()
    organisations: set[int] = set()
    establishments: set[int] = set()
    if user.is_superuser:  # the operators' own account (createsuperuser) acts as an administrator
        roles.add(Role.ADMIN)
        is_admin = national_read = national_write = True
    for a in _read_assignments(user):
        if not _active(a, on):
            continue
        roles.add(a.role)
        if a.role == Role.ADMIN:
            is_admin = national_read = national_write = True
        elif a.role == Role.PROGRAMME_OFFICER:
            national_read = national_write = True
        elif a.role == Role.LEADER:
            if a.province_id is None:
                national_read = True
            else:
                read.add(a.province_id)
        elif a.role == Role.PROVINCIAL_OFFICER:
            read.add(a.province_id)
            write.add(a.province_id)
        elif a.role == Role.IMPLEMENTING_UNIT:
            if a.organisation_id:
                organisations.add(a.organisation_id)
            if getattr(a, "establishment_id", None):
                establishments.add(a.establishment_id)
    home = frozenset(read)
    expanded = territory.with_predecessors(read | write)
    all_ids = {u for p in read | write for u in expanded[p]}
    current = territory.valid_on(all_ids, on) if all_ids else set()
    return Scope(
        user_id=user.pk,
        roles=frozenset(roles),
        is_admin=is_admin,
        national_read=national_read,
        national_write=national_write,
        province_read=frozenset(u for p in read for u in expanded[p]),
        province_write=frozenset(u for p in write for u in expanded[p]),
        current_read=frozenset(u for p in read for u in expanded[p] if u in current),
        current_write=frozenset(u for p in write for u in expanded[p] if u in current),
        home_provinces=home,
        organisation_ids=frozenset(organisations),
        establishment_ids=frozenset(establishments),
    )


def get_scope(user) -> Scope:
    """The user's scope, computed once and kept on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    scope = getattr(user, "_kc_scope", None)
    if scope is None:
        scope = build_scope(user)
        user._kc_scope = scope
    return scope


def forget_scope(user) -> None:
    if hasattr(user, "_kc_scope"):
        del user._kc_scope
