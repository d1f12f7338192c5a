"""The audit trail: who changed which business record, when, from where, before and after.

Every model that holds business data derives from :class:`khuyencong.core.models.AuditedModel`;
its ``save`` and ``delete`` (and the audited queryset's ``update``/``bulk_create``) call
:func:`record` inside the same database transaction as the change, so a change and its audit
record are committed or rolled back together.

*Who* and *from where* come from the current :class:`AuditContext`. The web middleware opens one
per request (user, IP address, request id; origin ``web``, ``api`` or ``admin``); management
commands open one with origin ``cli``; imports with origin ``import``. Code that writes without
any context is recorded with origin ``system`` and no user, never silently skipped.
"""

from __future__ import annotations

import copy
import datetime
import functools
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models.fields.files import FieldFile

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

CREATE = "create"
UPDATE = "update"
DELETE = "delete"

ORIGINS = ("web", "api", "admin", "cli", "import", "system")


@dataclass(frozen=True)
class AuditContext:
    """Who is acting and through which door. Immutable; nest with :func:`audit_context`."""

    origin: str = "system"
    user: Any = None
    request: HttpRequest | None = field(default=None, repr=False)
    ip_address: str | None = None
    request_id: uuid.UUID | None = None
    reason: str = ""

    def resolve_user(self):
        """The acting user; for a request, read at write time (API tokens authenticate late)."""
        if self.user is not None:
            return self.user
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                return user
        return None


_current: ContextVar[AuditContext] = ContextVar("kc_audit_context", default=AuditContext())  # noqa: B039


def current() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(**changes: Any) -> Iterator[AuditContext]:
    """Open a nested context; fields not given are inherited from the enclosing one.

    A command records who acts and why; every save inside is recorded with them:

    >>> with audit_context(origin="cli", reason="Quyết định 123/QĐ-BCT"):
    ...     with audit_context(reason="bổ sung") as inner:
    ...         print(inner.origin, inner.reason)
    cli bổ sung
    >>> current().origin  # outside, the context is what it was
    'system'
    >>> with audit_context(origin="email"):
    ...     pass
    Traceback (most recent call last):
    ValueError: unknown audit origin 'email'
    """
    if "origin" in changes and changes["origin"] not in ORIGINS:
        raise ValueError(f"unknown audit origin {changes['origin']!r}")
    ctx = replace(_current.get(), **changes)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextmanager
def restored(ctx: AuditContext) -> Iterator[AuditContext]:
    """Write within a context captured earlier with :func:`current` (a unit of work writes at its
    end what was done under another context)."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


# --- snapshots ------------------------------------------------------------------------------

REDACTED = "••••••"


_AS_IS = frozenset((bool, int, float, str))  # the common case, without ``isinstance``


def json_value(value: Any) -> Any:
    """A JSON-safe copy of a field value (dates as ISO strings, Decimals as strings)."""
    if value is None or type(value) in _AS_IS or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dict | list):
        return copy.deepcopy(value)
    if isinstance(value, memoryview | bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def tracked_fields(model: type[models.Model]) -> list[models.Field]:
    return list(_tracked(model))


@functools.cache
def _tracked(model: type[models.Model]) -> tuple[models.Field, ...]:
    ignored = set(getattr(model, "audit_ignore", ()))
    return tuple(f for f in model._meta.concrete_fields if f.attname not in ignored and f.name not in ignored)


@functools.cache
def _plan(model: type[models.Model]) -> tuple[tuple[str, int | None, bool], ...]:
    """Per tracked field: its attribute, its decimal places (for a Decimal), whether it is redacted."""
    redacted = set(getattr(model, "audit_redact", ()))
    return tuple(
        (f.attname, getattr(f, "decimal_places", None), f.attname in redacted or f.name in redacted)
        for f in _tracked(model)
    )


def snapshot(instance: models.Model, attnames: Iterable[str] | None = None) -> dict[str, Any]:
    wanted = set(attnames) if attnames is not None else None
    loaded = instance.__dict__  # a field not in it is deferred (``Model.get_deferred_fields``)
    data: dict[str, Any] = {}
    for attname, decimal_places, redact in _plan(type(instance)):
        if wanted is not None and attname not in wanted:
            continue
        if attname not in loaded:
            continue
        raw = getattr(instance, attname)  # what ``field.value_from_object`` reads
        if isinstance(raw, Decimal) and decimal_places is not None:
            raw = raw.quantize(Decimal(1).scaleb(-decimal_places))
        value = json_value(raw)
        if redact:
            value = REDACTED if value else ""
        data[attname] = value
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose values changed, as (before, after)."""
    keys = [k for k in after if k in before and before[k] != after[k]]
    return {k: before[k] for k in keys}, {k: after[k] for k in keys}


# --- writing records ------------------------------------------------------------------------


def _parent_of(instance: models.Model) -> models.Model | None:
    getter = getattr(instance, "audit_parent", None)
    return getter() if callable(getter) else None


def build_record(
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    ctx: AuditContext | None = None,
):
    from django.contrib.contenttypes.models import ContentType

    from khuyencong.core.models import ObjectChange

    ctx = ctx or current()
    user = ctx.resolve_user()
    parent = _parent_of(instance)
    return ObjectChange(
        user=user,
        user_name=(user.get_username() if user is not None else "") or "",
        origin=ctx.origin,
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
        reason=ctx.reason[:2000],
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=False),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        parent_content_type=ContentType.objects.get_for_model(type(parent)) if parent is not None else None,
        parent_object_id=parent.pk if parent is not None else None,
        before=before,
        after=after,
    )


def update_records(objs: Iterable[models.Model], stored: dict, attnames: list[str]) -> list[tuple]:
    """``(record, UPDATE, before, after)`` for each of ``objs`` whose ``attnames`` differ from its row
    as ``stored`` (``{pk: the object as read before the write}``), with only what changed – for
    :func:`khuyencong.core.audited_insert.write_records`."""
    changes = []
    for obj in objs:
        if obj.pk not in stored:
            continue
        before, after = diff(snapshot(stored[obj.pk], attnames), snapshot(obj, attnames))
        if after:
            changes.append((obj, UPDATE, before, after))
    return changes


def record(instance: models.Model, action: str, before: dict | None, after: dict | None):
    """Write one audit record now (the caller is inside the change's transaction)."""
    change = build_record(instance, action, before, after)
    change.save(using=instance._state.db or "default")
    return change
