"""History pages: which recorded changes a viewer may read, and how they read.

Two rules live here, used by the record's history page and by the administrators' change log:

* **Scope.** A record's history lists its own changes and those of its parts (records whose
  ``audit_parent`` is the record). The viewer sees the record's own changes because they may see
  the record; a part's change only if they may see that part – through the part model's own
  ``scope_filter``, exactly as its pages and API do (an expert's blind review stays hidden from the
  province, the leaders and the other experts). A part that has since been deleted can no longer be
  checked row by row: its changes are shown only when the part model is visible wholesale to the
  viewer or declares that its scope is its parent's (``audit_scope_from_parent``); otherwise they
  are hidden.
* **Presentation.** :func:`present` turns stored changes (raw JSON values) into what a person
  reads: field labels and choice labels in the user's language, related records by name (linked
  when the viewer may open them, a neutral placeholder when they may not see them), local times
  ``dd/mm/yyyy HH:MM``, dates ``dd/mm/yyyy``, money in đồng with Vietnamese separators, yes/no, and
  who acted by their display name.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core import audit, formatting
from khuyencong.core.fields import MoneyField
from khuyencong.core.models import AuditedModel, ObjectChange
from khuyencong.core.permissions import VIEW, Role, Scope, get_scope

# Labels for fields declared without a verbose name (Django would show the English attribute name).
FALLBACK_LABELS = {
    "from_status": gettext_lazy("status before"),
    "to_status": gettext_lazy("status after"),
    "user": gettext_lazy("user"),
    "province_now": gettext_lazy("province (today's geography)"),
    "parent": gettext_lazy("parent unit"),
}

# Columns kept for the machine although declared with a label: the edit counter that refuses a
# change made to an older copy (``version``) means nothing to a reader of the history.
INTERNAL_FIELDS = {"version"}

NOT_SHOWN = gettext_lazy("(not shown)")


# --- who may open a history page, and which changes it lists -----------------------------------


def may_view_history(user, obj: models.Model | None = None) -> bool:
    """Whether ``user`` may open the history of ``obj`` (or, without ``obj``, any history page).

    The one rule behind the history page and every link to it: workspace users, for records they
    may see.
    """
    scope = get_scope(user)
    if not scope.can_use_workspace:
        return False
    if obj is None:
        return True
    if not isinstance(obj, AuditedModel) or obj.pk is None:
        return False
    return type(obj)._default_manager.within(scope, VIEW).filter(pk=obj.pk).exists()


def visible_subject(user, app_label: str, model_name: str, pk: int) -> AuditedModel:
    """The record whose history is asked for (the page's and the API's URL): an audited model's
    record the user may see, else ``Http404``."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not issubclass(model, AuditedModel):
        raise Http404
    obj = model._default_manager.restrict(user, VIEW).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def audit_log_changes(params) -> models.QuerySet[ObjectChange]:
    """The whole change log (the administrators'), filtered by ``params``: ``user`` (the login or
    the name shown), ``model``, ``action``, ``origin``, ``date_from`` / ``date_to`` (YYYY-MM-DD)."""
    changes = ObjectChange.objects.select_related("content_type", "user")
    if params.get("user"):
        changes = changes.filter(
            Q(user_name__icontains=params["user"]) | Q(user__full_name__icontains=params["user"])
        )
    if params.get("model"):
        changes = changes.filter(content_type__model=params["model"])
    if params.get("action"):
        changes = changes.filter(action=params["action"])
    if params.get("origin"):
        changes = changes.filter(origin=params["origin"])
    for key, lookup in (("date_from", "time__date__gte"), ("date_to", "time__date__lte")):
        if params.get(key):
            with contextlib.suppress(ValueError):
                day = datetime.datetime.strptime(params[key], "%Y-%m-%d").date()
                changes = changes.filter(**{lookup: day})
    return changes


def _part_condition(content_type: ContentType, scope: Scope) -> Q | None:
    """Which changes of parts of this kind the viewer may read (``None``: none)."""
    model = content_type.model_class()
    if model is None or not issubclass(model, AuditedModel):
        return None
    condition = model.scope_filter(scope, VIEW)
    if condition is False:
        return None
    of_kind = Q(content_type=content_type)
    if condition is True or model.audit_scope_from_parent:
        return of_kind
    visible = model._default_manager.within(scope, VIEW).values("pk")
    return of_kind & Q(object_id__in=visible)


def changes_visible(obj: models.Model, user) -> models.QuerySet[ObjectChange]:
    """The changes of ``obj`` and of its parts that ``user`` may read (``obj`` itself must already
    be known to be visible to them)."""
    scope = get_scope(user)
    ct = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
    own = Q(content_type=ct, object_id=obj.pk)
    of_parts = Q(parent_content_type=ct, parent_object_id=obj.pk)
    part_kinds = (
        ObjectChange.objects.filter(of_parts).exclude(content_type=ct).values_list("content_type", flat=True)
    )
    allowed: Q | None = None
    for ct_id in sorted(set(part_kinds)):
        condition = _part_condition(ContentType.objects.get_for_id(ct_id), scope)
        if condition is not None:
            allowed = condition if allowed is None else allowed | condition
    visible = own if allowed is None else own | (of_parts & allowed)
    return ObjectChange.objects.filter(visible)


# --- presentation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A value as read: its text, and a link when the viewer may open what it names."""

    text: str
    url: str | None = None

    def __str__(self) -> str:
        return self.text


EMPTY = Shown("–")


@dataclass
class FieldChange:
    label: str
    before: Shown
    after: Shown


@dataclass
class ChangeRow:
    change: ObjectChange
    time: str
    who: str
    origin: str
    action: str
    action_label: str
    kind: str
    record: Shown
    fields: list[FieldChange] = field(default_factory=list)
    reason: str = ""

    @property
    def span(self) -> int:
        return max(len(self.fields), 1)

    @property
    def lines(self) -> list[FieldChange | None]:
        """One table line per changed field (one empty line for a change without fields)."""
        return list(self.fields) or [None]


def _fields_by_attname(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}


def field_label(model_field: models.Field | None, key: str) -> str:
    """The field's label in the active language.

    A field declared without a verbose name would show its English attribute name: a relation is
    then named by the related model's name, other fields by :data:`FALLBACK_LABELS`.
    """
    if model_field is None:
        return capfirst(str(FALLBACK_LABELS.get(key, key.replace("_", " "))))
    if str(model_field.verbose_name) == model_field.name.replace("_", " "):
        if model_field.name in FALLBACK_LABELS:
            return capfirst(str(FALLBACK_LABELS[model_field.name]))
        if model_field.related_model is not None:
            return capfirst(str(model_field.related_model._meta.verbose_name))
    return capfirst(str(model_field.verbose_name))


class _References:
    """Related records named on one page, fetched once per model within the viewer's scope."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.wanted: dict[tuple[type[models.Model], str], set[Any]] = defaultdict(set)
        self.found: dict[tuple[type[models.Model], str], dict[Any, models.Model]] = {}
        self.names: dict[tuple[type[models.Model], str], dict[int, str]] = {}

    @staticmethod
    def key(model_field: models.Field) -> tuple[type[models.Model], str]:
        return model_field.related_model, model_field.target_field.attname

    def want(self, model_field: models.Field, value: Any) -> None:
        if value is not None and value != "":
            self.wanted[self.key(model_field)].add(value)

    def load(self) -> None:
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        for (model, to_field), values in self.wanted.items():
            if model is user_model and to_field == model._meta.pk.attname:
                # people are named as in the “who” column (see people_names), never linked
                names = people_names({int(v) for v in values if str(v).isdigit()}, self.scope)
                self.names[(model, to_field)] = names
                continue
            if issubclass(model, AuditedModel):
                queryset = model._default_manager.within(self.scope, VIEW)
            elif self.scope.is_admin:
                queryset = model._default_manager.all()
            else:
                self.found[(model, to_field)] = {}
                continue
            rows = queryset.filter(**{f"{to_field}__in": list(values)})
            self.found[(model, to_field)] = {getattr(row, to_field): row for row in rows}

    def shown(self, model_field: models.Field, value: Any) -> Shown:
        names = self.names.get(self.key(model_field))
        if names is not None:
            return Shown(names.get(value) or str(NOT_SHOWN))
        row = self.found.get(self.key(model_field), {}).get(value)
        if row is None:
            return Shown(str(NOT_SHOWN))
        url = None
        get_url = getattr(row, "get_absolute_url", None)
        if callable(get_url):
            try:
                url = get_url()
            except Exception:  # a record without a page of its own is named, not linked
                url = None
        return Shown(str(row), url)


def is_money(model_field: models.Field) -> bool:
    """Whether a model field holds an amount of money (declared as a :class:`MoneyField`)."""
    return isinstance(model_field, MoneyField)


def _is_year(model_field: models.Field) -> bool:
    return model_field.name == "year" or model_field.name.endswith("_year")


def format_value(
    model_field: models.Field | None, value: Any, references: _References | None = None
) -> Shown:
    """One stored (JSON) value as the viewer reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if value == audit.REDACTED:
        return Shown(_("(changed, not shown)"))
    if model_field is None:
        return Shown(_plain(value))
    if model_field.many_to_one or model_field.one_to_one:
        if references is None:
            return Shown(str(NOT_SHOWN))
        return references.shown(model_field, value)
    if model_field.choices:
        labels = {str(k): v for k, v in model_field.flatchoices}
        if str(value) in labels:
            return Shown(str(labels[str(value)]))
    if isinstance(model_field, models.BooleanField) or isinstance(value, bool):
        return Shown(_("yes") if value else _("no"))
    if is_money(model_field):
        try:
            return Shown(formatting.format_money(int(value), "dong"))
        except (TypeError, ValueError):
            return Shown(_plain(value))
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else None
        return Shown(formatting.format_datetime(moment) if moment else _plain(value))
    if isinstance(model_field, models.DateField):
        day = parse_date(value) if isinstance(value, str) else None
        return Shown(formatting.format_date(day) if day else _plain(value))
    if isinstance(model_field, models.DecimalField):
        try:
            return Shown(formatting.format_number(Decimal(str(value)), model_field.decimal_places or 0))
        except (InvalidOperation, ValueError):
            return Shown(_plain(value))
    if isinstance(model_field, models.FloatField):
        return Shown(formatting.format_number(value, 2))
    if isinstance(model_field, models.IntegerField) and not _is_year(model_field):
        try:
            return Shown(formatting.format_number(int(value)))
        except (TypeError, ValueError):
            return Shown(_plain(value))
    return Shown(_plain(value))


def is_internal(model_field: models.Field | None) -> bool:
    """A column kept for the machine (e.g. an accent-free search key): declared without a label
    and not a relation – not something a person reads in the history."""
    if model_field is None or model_field.is_relation or model_field.name in FALLBACK_LABELS:
        return False
    if model_field.name in INTERNAL_FIELDS:
        return True
    # Django names an unlabelled field after its attribute, as a plain string; a declared label is a
    # translatable one (“status” in English is a label, not the attribute's name)
    return not isinstance(model_field.verbose_name, Promise) and str(
        model_field.verbose_name
    ) == model_field.name.replace("_", " ")


def _points_to(model_field: models.Field | None, before: Any, after: Any, subject_key) -> bool:
    """Whether a part's field is merely its link to the record whose history is shown."""
    if subject_key is None or model_field is None or not (model_field.many_to_one or model_field.one_to_one):
        return False
    model, pk = subject_key
    if not issubclass(model, model_field.related_model):
        return False
    return all(v is None or v == pk for v in (before, after)) and pk in (before, after)


def _has_value(*values: Any) -> bool:
    return any(v is not None and v != "" and v != [] for v in values)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items()) or "–"
    return str(value)


def people_names(user_ids: set[int], scope: Scope) -> dict[int, str]:
    """People by display name (never their login). An appraisal expert – whose only role is
    expert – is named only to those who read every review (the agency and the administrators) and to
    themselves; to others, read-only leaders included, they are “an appraisal expert”, as the blind
    review requires."""
    from django.contrib.auth import get_user_model

    if not user_ids:
        return {}
    users = get_user_model()._base_manager.filter(pk__in=list(user_ids))
    if not scope.national_write:
        users = users.prefetch_related("role_assignments")
    names = {}
    for user in users:
        names[user.pk] = user.get_full_name() or user.get_username()
        if scope.national_write or user.pk == scope.user_id:
            continue
        if {a.role for a in user.role_assignments.all()} == {Role.EXPERT}:
            names[user.pk] = str(Role.EXPERT.label)
    return names


def present(changes: Iterable[ObjectChange], user, subject: models.Model | None = None) -> list[ChangeRow]:
    """The changes as rows a person reads (see the module's docstring).

    ``subject`` is the record whose history is shown: its parts' link back to it is left out.
    """
    scope = get_scope(user)
    changes = list(changes)
    subject_key = (type(subject), subject.pk) if subject is not None else None
    references = _References(scope)
    records: dict[int, set[int]] = defaultdict(set)
    for change in changes:
        fields = _fields_by_attname(change.content_type.model_class())
        for values in (change.before or {}, change.after or {}):
            for key, value in values.items():
                model_field = fields.get(key)
                if model_field is not None and (model_field.many_to_one or model_field.one_to_one):
                    references.want(model_field, value)
        records[change.content_type_id].add(change.object_id)
    references.load()
    existing = _records(records, scope)
    labels = _record_labels(records)
    actors = people_names({c.user_id for c in changes if c.user_id is not None}, scope)
    rows = []
    for change in changes:
        model = change.content_type.model_class()
        fields = _fields_by_attname(model)
        before, after = change.before or {}, change.after or {}
        pk_name = model._meta.pk.attname if model is not None else "id"
        own_labels = labels.get((change.content_type_id, change.object_id), {})
        field_rows = [
            FieldChange(
                label=own_labels.get(key) or field_label(fields.get(key), key),
                before=format_value(fields.get(key), before.get(key), references),
                after=format_value(fields.get(key), after.get(key), references),
            )
            for key in dict.fromkeys([*before, *after])
            # a creation or deletion lists the values it had, not the empty ones nor the row id
            if key != pk_name
            and (change.action == audit.UPDATE or _has_value(before.get(key), after.get(key)))
            and not _points_to(fields.get(key), before.get(key), after.get(key), subject_key)
            and not is_internal(fields.get(key))
        ]
        kind = capfirst(str(model._meta.verbose_name)) if model is not None else change.content_type.model
        rows.append(
            ChangeRow(
                change=change,
                time=formatting.format_datetime(change.time),
                who=actors.get(change.user_id, "") if change.user_id else _("system"),
                origin=str(change.get_origin_display()),
                action=change.action,
                action_label=str(change.get_action_display()),
                kind=kind,
                record=existing.get((change.content_type_id, change.object_id), Shown(change.object_repr)),
                fields=field_rows,
                reason=shown_reason(change.reason),
            )
        )
    return rows


def _record_labels(records: dict[int, set[int]]) -> dict[tuple[int, int], dict[str, str]]:
    """Labels a record gives its own columns (``history_labels``), e.g. a report's value named by
    the indicator it holds rather than by its column's type: one query per kind of record."""
    found: dict[tuple[int, int], dict[str, str]] = {}
    for ct_id, ids in records.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is not None and hasattr(model, "history_labels"):
            for pk, own in model.history_labels(ids).items():
                found[(ct_id, pk)] = own
    return found


@functools.cache
def _message_ids(language: str) -> dict[str, str]:
    """``{translation: message id}`` of the language's catalogue (its plural and contextual forms
    left out)."""
    found: dict[str, str] = {}
    for msgid, text in translation.trans_real.translation(language)._catalog.items():
        # several message ids may share a translation: any of them reads back the same in the
        # reader's language
        if isinstance(msgid, str) and "\x04" not in msgid and isinstance(text, str) and text:
            found.setdefault(text, msgid)
    return found


def shown_reason(reason: str) -> str:
    """The reason recorded with a change, in the reader's language: a reason the system wrote
    (“gửi báo cáo”, “expert review”) was stored in the language of whoever made the change; it is
    read back in the reader's. A reason a person typed is shown as typed."""
    if not reason:
        return ""
    msgid = reason
    for language in dict(settings.LANGUAGES):
        msgid = _message_ids(language).get(msgid, msgid)
    return translation.gettext(msgid)


def _records(records: dict[int, set[int]], scope: Scope) -> dict[tuple[int, int], Shown]:
    """The changed records that still exist and are in the viewer's scope: named as they read today
    (in the viewer's language; the stored name may hold the writer's language or an old format),
    with a link when they have a page."""
    shown: dict[tuple[int, int], Shown] = {}
    for ct_id, ids in records.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None or not issubclass(model, AuditedModel):
            continue
        rows = model._default_manager.within(scope, VIEW).filter(pk__in=list(ids)).select_related()
        for obj in rows:
            url = None
            if hasattr(obj, "get_absolute_url"):
                try:
                    url = obj.get_absolute_url()
                except Exception:  # a record without a page is named, not linked
                    url = None
            shown[(ct_id, obj.pk)] = Shown(str(obj), url)
    return shown


__all__ = [
    "ChangeRow",
    "FieldChange",
    "Shown",
    "changes_visible",
    "field_label",
    "format_value",
    "may_view_history",
    "present",
]
