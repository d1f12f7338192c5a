"""Shared model pieces: the audited, scope-restricted base model and the change log."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.core import audit
from khuyencong.core.audited_insert import insert_audited, update_audited, write_records
from khuyencong.core.permissions import CHANGE, VIEW, Scope, get_scope


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to a user's scope and that audits bulk writes."""

    def restrict(self, user, action: str = VIEW) -> RestrictedQuerySet:
        return self.within(get_scope(user), action)

    def within(self, scope: Scope, action: str = VIEW) -> RestrictedQuerySet:
        condition = self.model.scope_filter(scope, action)
        if condition is True:
            return self
        if condition is False:
            return self.none()
        return self.filter(condition)

    # --- audited bulk writes ----------------------------------------------------------------

    def update(self, **kwargs: Any) -> int:
        model = self.model
        attnames = [model._meta.get_field(name).attname for name in kwargs]
        using = self.db
        with transaction.atomic(using=using, savepoint=False):
            befores = {row["pk"]: row for row in self.values("pk", *attnames)}
            count = super().update(**kwargs)
            if befores:
                changes = []
                afters = model._base_manager.using(using).filter(pk__in=list(befores)).in_bulk()
                for pk, obj in afters.items():
                    after = audit.snapshot(obj, attnames)
                    before = {k: audit.json_value(v) for k, v in befores[pk].items() if k in after}
                    b, a = audit.diff(before, after)
                    if a:
                        changes.append((obj, audit.UPDATE, b, a))
                write_records(changes, using=using)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            if _plain_call(args, kwargs) and _plain_inserts(self.model, objs):
                # new plain rows: written as Django would, each with its CREATE record, faster
                size = kwargs.get("batch_size") or 2_000
                for start in range(0, len(objs), size):
                    insert_audited(self.model, objs[start : start + size], using=self.db)
                return objs
            created = super().bulk_create(objs, *args, **kwargs)
            changes = []
            for o in created:
                after = audit.snapshot(o)
                if o.pk:
                    changes.append((o, audit.CREATE, None, after))
                o._audit_loaded = dict(after)
            write_records(changes, using=self.db)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        model = self.model
        attnames = [model._meta.get_field(name).attname for name in fields]
        with transaction.atomic(using=self.db, savepoint=False):
            if _plain_call(args, kwargs) and not self.query.where and _plain_updates(model, objs, fields):
                # saved rows of a plain model, every one of the table: one UPDATE each, audited
                size = kwargs.get("batch_size") or 2_000
                return sum(
                    update_audited(model, objs[start : start + size], fields, using=self.db)
                    for start in range(0, len(objs), size)
                )
            stored = model._base_manager.using(self.db).filter(pk__in=[o.pk for o in objs]).in_bulk()
            # the rows are written by a plain queryset: Django's bulk_update writes through
            # ``update()``, whose audit here would record every change a second time
            plain = models.QuerySet(model=model, query=self.query.chain(), using=self._db)
            count = plain.bulk_update(objs, fields, *args, **kwargs)
            write_records(audit.update_records(objs, stored, attnames), using=self.db)
        return count

    bulk_update.alters_data = True


_STAMPS = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


@functools.cache
def _plain_model(model: type[models.Model]) -> bool:
    """Whether ``insert_audited`` writes new rows of ``model`` as Django's ``bulk_create`` does: no
    parent table, no default left to the database, no field preparing its value on save except the
    times ``auto_now``/``auto_now_add`` stamp (a file field saves its file: left to Django)."""
    opts = model._meta
    return not opts.parents and all(
        type(f).pre_save in _STAMPS and f.db_default is models.NOT_PROVIDED
        for f in opts.concrete_fields
        if not f.primary_key
    )


def _plain_call(args: tuple, kwargs: dict) -> bool:
    """Only ``batch_size`` given, and a valid one (anything else: Django's path, and its errors)."""
    size = kwargs.get("batch_size")
    return not args and set(kwargs) <= {"batch_size"} and (size is None or (type(size) is int and size > 0))


def _plain_inserts(model: type[models.Model], objs: list) -> bool:
    """New rows without a key, each once, every field loaded, of a plain model (:func:`_plain_model`);
    their related records are checked as Django checks them (saved, their key copied)."""
    if not _plain_model(model) or len({id(o) for o in objs}) != len(objs):
        return False
    if any(o.pk is not None or not o._state.adding or o.get_deferred_fields() for o in objs):
        return False
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    return True


def _plain_updates(model: type[models.Model], objs: list, fields: list[str]) -> bool:
    """Saved rows (with a key) of a plain model (:func:`_plain_model`), ``fields`` its own columns
    (not the key); their related records are checked as Django's ``bulk_update`` checks them."""
    if not objs or not fields or not _plain_model(model) or any(o.pk is None for o in objs):
        return False
    if len({o.pk for o in objs}) != len(objs):  # the same row twice: Django's rule of which wins
        return False
    targets = [model._meta.get_field(name) for name in fields]
    if len({getattr(f, "column", None) for f in targets}) != len(targets):
        return False
    for field in targets:
        if not field.concrete or field.many_to_many or field.primary_key:  # type: ignore[union-attr]
            return False
    attnames = [f.attname for f in targets]  # type: ignore[union-attr]
    if any(hasattr(getattr(o, a), "resolve_expression") for o in objs for a in attnames):
        return False  # an expression (``F("x") + 1``) is the database's to compute
    for obj in objs:
        obj._prepare_related_fields_for_save(
            operation_name="bulk_update", fields=[model._meta.get_field(n) for n in fields]
        )
    return True


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


class DatedQuerySet(RestrictedQuerySet):
    """For records with ``valid_from``/``valid_until`` (inclusive; empty = open)."""

    def valid_on(self, on: datetime.date) -> DatedQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        )


_COMPARE = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}
_UNANSWERED = object()


def check_in_python(condition: Q, instance: models.Model, excluded: set[str]) -> bool | None:
    """A check constraint's verdict on ``instance`` as the database gives it (``CheckConstraint``
    asks ``SELECT 1 WHERE COALESCE(condition, true)``: an unknown passes) – for conditions made of
    comparisons of the instance's own fields with values or other fields (``F``), ``isnull``,
    AND, OR and NOT. ``None`` when the condition is anything else or names an excluded field:
    the database answers then, as Django does.

    >>> field = staticmethod(lambda name: type("Field", (), {"attname": name, "name": name}))
    >>> class Row:
    ...     _meta = type("Meta", (), {"get_field": field})
    ...     start, end, org = 1, 2, None
    >>> check_in_python(Q(end__gte=models.F("start")), Row(), set())
    True
    >>> check_in_python(Q(org__isnull=False) | Q(end__lt=0), Row(), set())
    False
    >>> check_in_python(Q(end__gte=models.F("org")), Row(), set())  # unknown: passes
    True
    >>> check_in_python(Q(end__in=[1, 2]), Row(), set()) is None  # not answered here
    True
    >>> check_in_python(Q(org=None), Row(), set()), check_in_python(Q(end=None), Row(), set())
    (True, False)
    >>> check_in_python(Q(end__gt="1"), Row(), set()) is None  # another type: the database answers
    True
    """

    def value(name: str) -> Any:
        try:
            field = instance._meta.get_field(name)
        except Exception:  # a related path or an unknown name: the database answers
            # a foreign key's column name (``org_id``) names the field too
            field = next((f for f in instance._meta.concrete_fields if f.attname == name), None)
            if field is None:
                return _UNANSWERED
        if field.name in excluded or field.attname in excluded:
            return _UNANSWERED
        return getattr(instance, field.attname, _UNANSWERED)

    def comparable(left: Any, right: Any, lookup: str) -> bool:
        """Whether Python compares the two as the database does: the same type (whole numbers and
        decimals together), and text only for equality (ordering follows the collation)."""
        numbers = (int, Decimal)
        if isinstance(left, bool) or isinstance(right, bool):
            return type(left) is type(right) and lookup == "exact"
        if isinstance(left, numbers) and isinstance(right, numbers):
            return True
        if type(left) is not type(right):
            return False
        return lookup == "exact" or not isinstance(left, str)

    def evaluate(node: Any) -> Any:  # True, False, None (unknown) or _UNANSWERED
        if isinstance(node, Q):
            verdicts = [evaluate(child) for child in node.children]
            if any(v is _UNANSWERED for v in verdicts):
                return _UNANSWERED
            if node.connector == Q.AND:
                result = False if False in verdicts else None if None in verdicts else True
            elif node.connector == Q.OR:
                result = True if True in verdicts else None if None in verdicts else False
            else:
                return _UNANSWERED
            if node.negated:
                result = None if result is None else not result
            return result
        if not isinstance(node, tuple) or len(node) != 2:
            return _UNANSWERED
        path, right = node
        name, _sep, lookup = path.partition("__")
        lookup = lookup or "exact"
        left = value(name)
        from_field = isinstance(right, models.F)
        if from_field:
            right = value(right.name)
        elif isinstance(right, models.expressions.Combinable):
            return _UNANSWERED
        if left is _UNANSWERED or right is _UNANSWERED:
            return _UNANSWERED
        if lookup == "isnull" and isinstance(right, bool):
            return (left is None) == right
        if lookup == "exact" and right is None and not from_field:  # ``Q(f=None)`` is ``IS NULL``
            return left is None
        compare = _COMPARE.get(lookup)
        if compare is None or (right is None and not from_field):
            return _UNANSWERED  # e.g. ``f__gt=None``, which Django refuses
        if left is None or right is None:
            return None
        if not comparable(left, right, lookup):
            return _UNANSWERED
        return compare(left, right)

    verdict = evaluate(condition)
    if verdict is _UNANSWERED:
        return None
    return verdict is not False


class AuditedModel(models.Model):
    """Base for every model holding business or reference data.

    * ``save``/``delete`` write an :class:`ObjectChange` in the same transaction;
    * ``objects.restrict(user, action)`` narrows to the user's scope via :meth:`scope_filter`;
    * ``audit_ignore`` names fields whose changes are not history (e.g. ``last_login``),
      ``audit_redact`` fields recorded only as "changed" (e.g. a password hash).
    """

    audit_ignore: tuple[str, ...] = ()
    audit_redact: tuple[str, ...] = ()
    #: constraint name → the field under which its message is shown (forms and API alike)
    constraint_fields: dict[str, str] = {}

    objects = RestrictedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(using=using, savepoint=False):
            adding = self._state.adding or self.pk is None
            before = None if adding else self._audit_before(using)
            super().save(*args, **kwargs)
            after = audit.snapshot(self)
            if before is None:
                audit.record(self, audit.CREATE, None, after)
            else:
                if update_fields is not None:
                    names = {self._meta.get_field(n).attname for n in update_fields}
                    after_cmp = {k: v for k, v in after.items() if k in names}
                else:
                    after_cmp = after
                b, a = audit.diff(before, after_cmp)
                if a:
                    audit.record(self, audit.UPDATE, b, a)
            self._audit_loaded = after
            self._audit_raw = None

    save.alters_data = True

    def full_clean_read(self, exclude=(), read=(), validate_unique: bool = True) -> None:
        """``full_clean(exclude=…)`` where the fields ``read`` hold related records just read from the
        database: they are not looked up again (Django queries each foreign key's target), and the
        constraints that name them are still checked."""
        exclude = set(exclude)
        errors: dict[str, list] = {}
        for step in (
            lambda: self.clean_fields(exclude=[*exclude, *read]),
            lambda: self.clean(),
            lambda: self.validate_unique(exclude=exclude) if validate_unique else None,
            lambda: self.validate_constraints(exclude=exclude),
        ):
            try:
                step()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
                # as ``full_clean``: the later checks leave out the fields already in error
                exclude.update(name for name in errors if name != NON_FIELD_ERRORS)
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        """Like Django's, but each constraint's message goes under the field it is about (named in
        ``constraint_fields``; a one-field unique constraint's field otherwise), so a form shows it
        beside that field and the API under its name – not as “Constraint … is violated”."""
        using = router.db_for_write(type(self), instance=self)
        excluded = set(exclude or ())
        errors: dict[str, list[ValidationError]] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    if isinstance(constraint, models.CheckConstraint):
                        verdict = check_in_python(constraint.condition, self, excluded)
                        if verdict is not None:  # answered without asking the database
                            if not verdict:
                                raise ValidationError(
                                    constraint.get_violation_error_message(),
                                    code=constraint.violation_error_code,
                                )
                            continue
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = constraint_field(model_class, constraint)
                    if field is None or field in excluded:
                        field = NON_FIELD_ERRORS
                    errors.setdefault(field, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    # --- scope ------------------------------------------------------------------------------

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """Which rows ``scope`` may see (``view``) or change (``change``).

        The default suits data managed nationally: the agency and ministry see and change it.
        Reference data, provincial data and personal data override this.
        """
        if action == VIEW:
            return scope.national_read
        return scope.national_write

    def audit_parent(self) -> models.Model | None:
        """The record whose history page should also list changes to this one."""
        return None

    #: True when the model's scope is exactly its ``audit_parent``'s: whoever may see the parent
    #: may read every change of these parts, even of parts since deleted (see ``core.history``).
    audit_scope_from_parent: bool = False

    # --- audit ------------------------------------------------------------------------------

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = None  # computed lazily from the instance's first state
        instance._audit_raw = dict(zip(field_names, values, strict=True))
        return instance

    def _audit_before(self, using: str) -> dict[str, Any] | None:
        loaded = getattr(self, "_audit_loaded", None)
        if loaded is not None:
            return loaded
        raw = getattr(self, "_audit_raw", None)
        if raw is not None:
            tracked = {f.attname for f in audit.tracked_fields(type(self))}
            redacted = set(self.audit_redact)
            before = {}
            for name, value in raw.items():
                if name not in tracked or value is models.DEFERRED:
                    continue
                v = audit.json_value(value)
                before[name] = (audit.REDACTED if v else "") if name in redacted else v
            return before
        stored = type(self)._base_manager.using(using).filter(pk=self.pk).first()
        return audit.snapshot(stored) if stored is not None else None


def constraint_field(model: type[models.Model], constraint: models.BaseConstraint) -> str | None:
    """The field a constraint's violation is shown under, or ``None`` for the form as a whole."""
    field = getattr(model, "constraint_fields", {}).get(constraint.name)
    if field is None and len(getattr(constraint, "fields", ())) == 1:
        field = constraint.fields[0]
    return field


def record_delete(sender, instance, using, origin=None, **kwargs):
    """Deletes – direct or cascaded – are recorded inside the deleting transaction.

    Connected to every concrete audited model in ``CoreConfig.ready``.
    """
    before = instance._audit_before(using) if instance.pk is not None else None
    audit.record(instance, audit.DELETE, before or audit.snapshot(instance), None)


def connect_audit_signals() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            post_delete.connect(record_delete, sender=model, dispatch_uid=f"kc-audit-{model._meta.label}")


class ReferenceModel(AuditedModel):
    """Reference data: public to read (even anonymously), changed only by ministry administrators."""

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        return True if action == VIEW else scope.is_admin


class SystemParameter(ReferenceModel):
    """A setting ministry administrators change without a new release (e.g. the number of years
    within which supporting the same establishment twice raises a warning)."""

    KINDS = [("int", _("whole number")), ("text", _("text")), ("bool", _("yes/no"))]

    key = models.SlugField(_("key"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    value = models.CharField(_("value"), max_length=300)
    description = models.CharField(_("description"), max_length=500)

    class Meta:
        ordering = ["key"]
        verbose_name = _("system parameter")
        verbose_name_plural = _("system parameters")

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == "int":
            try:
                int(self.value)
            except ValueError as exc:
                raise ValidationError({"value": _("Enter a whole number.")}) from exc
        if self.kind == "bool" and self.value not in ("0", "1"):
            raise ValidationError({"value": _("Enter 0 (no) or 1 (yes).")})

    @classmethod
    def get(cls, key: str, default=None):
        row = cls.objects.filter(key=key).first()
        if row is None:
            return default
        if row.kind == "int":
            return int(row.value)
        if row.kind == "bool":
            return row.value == "1"
        return row.value


class ObjectChangeQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> ObjectChangeQuerySet:
        ct = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
        return self.filter(
            Q(content_type=ct, object_id=obj.pk) | Q(parent_content_type=ct, parent_object_id=obj.pk)
        )

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied(_("History cannot be edited."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(_("History cannot be deleted."))


class ObjectChange(models.Model):
    """One create/update/delete of a business record. Insert-only (also enforced in the DB)."""

    ACTIONS = [(audit.CREATE, _("created")), (audit.UPDATE, _("updated")), (audit.DELETE, _("deleted"))]
    ORIGINS = [
        ("web", _("web page")),
        ("api", _("API")),
        ("admin", _("administration site")),
        ("cli", _("command line")),
        ("import", _("import")),
        ("system", _("system")),
    ]

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=ORIGINS)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, blank=True, db_index=True)
    reason = models.TextField(_("reason / document"), blank=True)
    action = models.CharField(_("action"), max_length=10, choices=ACTIONS)
    # content_type and parent_content_type lead the indexes core_change_object/core_change_parent
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.BigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=200)
    parent_content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", null=True, blank=True, db_index=False
    )
    parent_object_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = ObjectChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("change history")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="core_change_object"),
            models.Index(fields=["parent_content_type", "parent_object_id"], name="core_change_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionDenied(_("History cannot be edited."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise PermissionDenied(_("History cannot be deleted."))


# --- background jobs (core/jobs.py) ----------------------------------------------------------------


def job_file_path(instance: Job, filename: str) -> str:
    import uuid
    from pathlib import Path

    return f"jobs/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobQuerySet:
        """A user's own jobs; an administrator's, everyone's."""
        if not (user and user.is_authenticated):
            return self.none()
        if get_scope(user).is_admin:
            return self
        return self.filter(owner=user)


class Job(models.Model):
    """One piece of long work (an import, a big export, a publication) run by the job queue's
    worker: who asked, how far it is, and what came of it. Written by ``core/jobs.py`` only."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job state", "waiting")
        RUNNING = "running", pgettext_lazy("job state", "running")
        DONE = "done", pgettext_lazy("job state", "done")
        FAILED = "failed", pgettext_lazy("job state", "failed")

    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(pgettext_lazy("job", "title"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="vi")
    # the audit context of the request that queued it (origin, IP address, request id)
    audit = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveBigIntegerField(pgettext_lazy("job", "done"), default=0)
    progress_total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    progress_message = models.CharField(_("progress"), max_length=500, blank=True)
    summary = models.JSONField(_("result"), default=dict, blank=True)
    result_url = models.CharField(_("result link"), max_length=500, blank=True)
    result_label = models.CharField(_("result link text"), max_length=200, blank=True)
    result_file = models.FileField(_("result file"), upload_to=job_file_path, max_length=300, blank=True)
    result_filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)  # host:pid running it
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["owner", "-created_at"], name="core_job_owner")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def percent(self) -> int | None:
        """How far the job is, 0–100 (``None`` while the amount of work is not known)."""
        if self.state == self.State.DONE:
            return 100
        if not self.progress_total:
            return None
        return max(0, min(100, int(self.progress_done * 100 / self.progress_total)))


__all__ = [
    "CHANGE",
    "VIEW",
    "AuditedModel",
    "DatedQuerySet",
    "Job",
    "ObjectChange",
    "ReferenceModel",
    "RestrictedManager",
    "RestrictedQuerySet",
]
