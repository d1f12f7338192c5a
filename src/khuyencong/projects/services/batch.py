"""Many projects' movements applied together: the same services, written set-wise.

An import of the programme's history runs the services (``decisions``, ``implementation``) once per
movement – tens of thousands of contracts, advances, payments, settlements – and each call, alone,
locks and reads its project, sums its ledger, writes a few rows and moves the figures kept ready:
a hundred statements per project. Inside :func:`batch` the services run unchanged (every rule,
message and check is theirs, in their own order) but what they read and write goes through one
unit of work:

* the projects are read and locked together, within the user's scope (``load``), and each service
  call gets the same object back (``transitions._lock``);
* each project's ledger sums are read once and kept up to date as the services write
  (``ledger.total``, ``ledger.money_of``), its locations too (``ledger.record`` splits by them);
* a new project (``proposal_save``) takes a reserved key at once and is inserted when the batch
  ends, as it is then, with the batch's other new projects (``create``); which codes are taken is
  read once for a chunk (``read_codes``);
* what the services write – ledger entries, timeline events, new contracts, acceptances and
  settlements, the projects' status – is kept and written when the batch ends, in a few
  statements per table, audited (the change log records the import as their reason; a project's
  status changes once there, from what it was before the batch to what it is after, while its
  timeline keeps every step with its date), with the figures kept ready (``reporting.rollups``)
  moved once per project.

Nothing is written if the block raises or :meth:`Batch.discard` was called after a refusal (the
caller's transaction is rolled back: an import that found an error keeps nothing). Outside a batch
every service writes at once, as before.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Upper

from khuyencong.core import audit
from khuyencong.core.audited_insert import insert_audited, reserve_ids, update_audited
from khuyencong.core.models import AuditedModel
from khuyencong.core.permissions import VIEW
from khuyencong.core.unitmemo import kept_answers
from khuyencong.geo.queries import province_now as province_today
from khuyencong.geo.queries import successions_cached
from khuyencong.projects.models import (
    Acceptance,
    Contract,
    LedgerEntry,
    Project,
    ProjectEvent,
    ProjectLocation,
    Settlement,
)

_current: contextvars.ContextVar[Batch | None] = contextvars.ContextVar("kc_project_batch", default=None)

CHUNK = 2_000  # rows per statement when the batch is written
KEYS = 100  # keys reserved at first for the projects created in a batch (then as many as it made)
ONE_TO_ONE = (Contract, Acceptance, Settlement)  # read with each project (``select_related``)
RELATED_ONE = ("contract", "acceptance", "settlement")


class Batch:
    def __init__(self, user) -> None:
        self.user = user
        self.projects: dict[int, Project | None] = {}  # identity map (None: outside the user's scope)
        self.sums: dict[int, dict[str, int]] = {}  # each project's ledger, summed by kind
        self.places: dict[int, list[tuple[int, int, int]]] = {}  # (province, province now, share)
        self.loaded_status: dict[int, str] = {}
        self.had_entries: set[int] = set()
        self.entries: list[LedgerEntry] = []
        self.held: dict[int, list[LedgerEntry]] = defaultdict(list)  # the entries by project
        self.events: list[ProjectEvent] = []
        self.created: list[Any] = []
        # a project's one-to-one records (contract, acceptance, settlement): those stored when it
        # was read, by (model, project), and the new ones of this batch
        self.stored_one: set[tuple[type, int]] = set()
        self.one_to_one: dict[tuple[type, int], Any] = {}
        self.added: set[int] = set()  # ``id()`` of the records added (each is inserted once)
        self.dirty: dict[int, Project] = {}
        self.dirty_fields: set[str] = set()
        self.new_projects: list[Project] = []  # created in this batch, inserted when it ends
        self.created_in: list[audit.AuditContext] = []  # the audit context each was created in
        self.keys: list[int] = []  # reserved for them, not yet given
        self.codes: dict[str, bool] = {}  # a code (upper case) → whether a project holds it
        self.last_codes: dict[str, str] = {}  # a prefix → the last code given in this batch
        self.discarded = False

    # --- reading ------------------------------------------------------------------------------

    def load(self, ids: Iterable[int]) -> None:
        """Read and lock the projects (within the user's scope), their ledger sums and locations."""
        wanted = sorted({int(pk) for pk in ids} - set(self.projects))
        for start in range(0, len(wanted), CHUNK):
            self._load(wanted[start : start + CHUNK])

    def _load(self, ids: list[int]) -> None:
        found = {
            p.pk: p
            for p in Project.objects.select_for_update(of=("self",))
            .restrict(self.user, VIEW)
            .filter(pk__in=ids)
            .select_related(
                "content", "lead_province", "implementing_org", "contract", "acceptance", "settlement"
            )
        }
        for pk in ids:
            self.projects[pk] = found.get(pk)
            if pk in found:
                self.loaded_status[pk] = found[pk].status
                for model in ONE_TO_ONE:
                    accessor = model._meta.get_field("project").remote_field.get_accessor_name()
                    if getattr(found[pk], accessor, None) is not None:  # read with it: no query
                        self.stored_one.add((model, pk))
        self._read_money([pk for pk in ids if pk in found])

    def _read_money(self, ids: list[int]) -> None:
        for pk in ids:
            self.sums.setdefault(pk, defaultdict(int))
            self.places.setdefault(pk, [])
        rows = (
            LedgerEntry.objects.filter(project__in=ids)
            .order_by()
            .values("project", "kind")
            .annotate(s=models.Sum("amount"))
            .values_list("project", "kind", "s")
        )
        for pk, kind, amount in rows:
            self.sums[pk][kind] += amount
            self.had_entries.add(pk)
        for pk, province, province_now, share in ProjectLocation.objects.filter(project__in=ids).values_list(
            "project", "province", "province_now", "share_bp"
        ):
            self.places[pk].append((province, province_now, share))

    def project(self, pk: int) -> Project | None:
        """The project, locked, if the user may see it (``None`` otherwise)."""
        if pk not in self.projects:
            self.load([pk])
        return self.projects[pk]

    def knows(self, project: Project) -> bool:
        """Whether the batch keeps this project's money (``project`` is the batch's own object)."""
        return self.projects.get(project.pk) is project

    def total(self, project: Project, kinds: Iterable[str], on: datetime.date | None) -> int:
        if on is None:
            sums = self.sums[project.pk]
            return sum(sums.get(kind, 0) for kind in kinds)
        kinds = set(kinds)
        stored = (
            LedgerEntry.objects.filter(project=project, kind__in=kinds, value_date__lte=on).aggregate(
                s=models.Sum("amount")
            )["s"]
            or 0
        )
        return stored + sum(e.amount for e in self.held[project.pk] if e.kind in kinds and e.value_date <= on)

    def sums_of(self, project: Project, on: datetime.date | None) -> dict[str, int]:
        if on is None:
            return dict(self.sums[project.pk])
        return {kind: self.total(project, [kind], on) for kind in set(self.sums[project.pk])}

    def read_codes(self, codes: Iterable[str]) -> None:
        """Read at once which of ``codes`` projects hold (in any case), for :meth:`code_taken`."""
        wanted = sorted({code.upper() for code in codes} - set(self.codes))
        for start in range(0, len(wanted), CHUNK):
            part = wanted[start : start + CHUNK]
            taken = set(
                Project.objects.annotate(code_upper=Upper("code"))
                .filter(code_upper__in=part)
                .values_list("code_upper", flat=True)
            )
            self.codes.update((code, code in taken) for code in part)

    def code_taken(self, code: str) -> bool | None:
        """Whether a project holds ``code`` (in any case): a project created in this batch or one
        :meth:`read_codes` found; ``None`` when the batch does not know (ask the database). A
        project's code never changes after its creation, and inside a batch every project is
        created by :meth:`create`, so what the batch knows stays true until it ends."""
        return self.codes.get(code.upper())

    def locations(self, project: Project) -> list[tuple[int, int, int]]:
        """As ``ledger._locations``: the lead province when the project has no locations."""
        if project.pk not in self.places:
            self.places[project.pk] = list(
                ProjectLocation.objects.filter(project=project).values_list(
                    "province", "province_now", "share_bp"
                )
            )
        return self.places[project.pk] or [(project.lead_province_id, project.lead_province_now_id, 10_000)]

    # --- writing ------------------------------------------------------------------------------

    def add_entries(self, entries: list[LedgerEntry]) -> None:
        for entry in entries:
            self.sums[entry.project_id][entry.kind] += entry.amount
            self.held[entry.project_id].append(entry)
        self.entries.extend(entries)

    def add_event(self, event: ProjectEvent) -> None:
        self.events.append(event)

    def add(self, obj: Any) -> None:
        """A new record (a contract, an acceptance, a budget line…), inserted when the batch ends."""
        if id(obj) in self.added:  # changed again before the batch ends: inserted once, as it is then
            return
        self.added.add(id(obj))
        self.created.append(obj)
        if obj._meta.get_field("project").one_to_one:
            self.one_to_one[(type(obj), obj.project_id)] = obj

    def holds_one(self, obj: Any) -> bool:
        """Whether the project of the new one-to-one record ``obj`` (a contract…) already has another
        one: stored when the batch read the project, or added in this batch."""
        key = (type(obj), obj.project_id)
        added = self.one_to_one.get(key)
        if added is not None:
            return added is not obj
        return obj.pk is None and key in self.stored_one

    def moved(self, project: Project, *fields: str) -> None:
        """The project's status and version (and ``fields``) changed: written when the batch ends,
        with the province holding its lead province today, as ``Project.save`` writes it."""
        project.lead_province_now = province_today(project.lead_province)
        self.dirty[project.pk] = project
        self.dirty_fields.update(("status", "version", "lead_province_now", *fields))

    def create(self, project: Project) -> None:
        """A new project, checked by the calling service: it takes a reserved key at once (its
        budget lines, ledger entries and timeline point at it) and is inserted as it is when the
        batch ends, with its audit record, in one statement with the batch's other new projects
        (instead of an INSERT now and an UPDATE of its status at the end)."""
        if not project._state.adding or project.pk:
            raise ValueError("Batch.create() takes a new project")
        project.compute_fields()
        if not self.keys:
            # as many as the batch has made so far (a big import asks rarely, a small one wastes few)
            self.keys = reserve_ids(Project, min(CHUNK, max(KEYS, len(self.new_projects))))[::-1]
        project.pk = self.keys.pop()
        self.new_projects.append(project)
        self.created_in.append(audit.current())
        self.codes[project.code.upper()] = True
        self.adopt(project)

    def adopt(self, project: Project) -> None:
        """A project the services have just created in this batch (no entries, no locations yet:
        the locations are read when its first entry is split)."""
        self.projects[project.pk] = project
        self.loaded_status[project.pk] = project.status
        self.sums[project.pk] = defaultdict(int)

    def discard(self) -> None:
        """A service refused a call midway: what it kept may be half a change, so nothing the batch
        kept is written (the caller rolls its transaction back: an import with an error keeps
        nothing, and goes on only to report the other rows' errors)."""
        self.discarded = True

    def write(self) -> None:
        """Write what the services did: new records, the projects' status (the figures kept ready of
        their earlier entries move with it), the ledger entries (added to the figures kept ready
        under the status each project ends with) and the timeline."""
        from khuyencong.projects.extensions import LEDGER_WRITTEN, STATUS_CHANGED

        if self.discarded:
            return
        with transaction.atomic(savepoint=False):
            # the new projects first, as they are now (their status and fields set in the batch),
            # each CREATE record under the context the project was created in (who, why)
            contexts: dict[audit.AuditContext, list[Project]] = defaultdict(list)
            for project, ctx in zip(self.new_projects, self.created_in, strict=True):
                contexts[ctx].append(project)
            for ctx, projects in contexts.items():
                with audit.restored(ctx):
                    for start in range(0, len(projects), CHUNK):
                        insert_audited(Project, projects[start : start + CHUNK], reserved=True)
            new = {p.pk for p in self.new_projects}
            by_model: dict[type, list[models.Model]] = defaultdict(list)
            for obj in self.created:
                by_model[type(obj)].append(obj)
            for model, objs in by_model.items():
                for start in range(0, len(objs), CHUNK):
                    insert_audited(model, objs[start : start + CHUNK])
            dirty = [p for p in self.dirty.values() if p.pk not in new]
            fields = sorted(self.dirty_fields)
            for start in range(0, len(dirty), CHUNK):
                # audited, without the announcement of ``ProjectQuerySet.bulk_update``: the figures
                # kept ready of the entries written before the batch move below, those of the
                # batch's entries are added under the status their project ends with
                update_audited(Project, dirty[start : start + CHUNK], fields)
            moved = {
                p.pk: (self.loaded_status[p.pk], p.status)
                for p in dirty
                if p.pk in self.had_entries and p.status != self.loaded_status[p.pk]
            }
            if moved:
                STATUS_CHANGED.results(moved)
            for start in range(0, len(self.entries), CHUNK):
                written = self.entries[start : start + CHUNK]
                insert_audited(LedgerEntry, written)
                LEDGER_WRITTEN.results(written)
            for start in range(0, len(self.events), CHUNK):
                insert_audited(ProjectEvent, self.events[start : start + CHUNK])
        self.entries, self.events, self.created, self.dirty = [], [], [], {}
        self.one_to_one, self.added, self.new_projects, self.created_in = {}, set(), [], []
        self.held = defaultdict(list)
        self.dirty_fields = set()


def current() -> Batch | None:
    return _current.get()


def atomic() -> Any:
    """``transaction.atomic()`` for a service's writes – a no-op inside a batch, where they are
    held until the batch ends and a refused call discards the batch (no savepoint per call)."""
    return contextlib.nullcontext() if current() is not None else transaction.atomic()


def clean(obj: Any) -> None:
    """``obj.full_clean()`` for a new record of a project. Inside a batch that holds the project
    (read and locked with its one-to-one records), the project is not looked up again and its
    one-to-one record (a contract, an acceptance…) is checked against what the batch holds."""
    unit = current()
    if unit is None or not unit.knows(obj.project):
        obj.full_clean()
        return
    obj.full_clean(exclude=["project"], validate_unique=False)
    if obj._meta.get_field("project").one_to_one and unit.holds_one(obj):
        raise ValidationError({"project": [obj.unique_error_message(type(obj), ("project",))]})


def save_new(obj: Any) -> None:
    """Insert a new record of a project (a contract, an acceptance, a budget line…): at once, or
    with the batch (a model whose ``save`` computes fields is saved at once)."""
    unit = current()
    if (
        unit is not None
        and obj._state.adding
        and type(obj).save is AuditedModel.save
        and unit.knows(obj.project)
    ):
        unit.add(obj)
    else:
        obj.save()


def record_event(project: Project, **fields: Any) -> ProjectEvent:
    """A line of the project's timeline: written at once, or with the batch."""
    event = ProjectEvent(project=project, **fields)
    unit = current()
    if unit is not None and unit.knows(project):
        unit.add_event(event)
    else:
        event.save()
    return event


@contextlib.contextmanager
def batch(user, project_ids: Iterable[int] = ()) -> Iterator[Batch]:
    """Run the services on many projects as one unit of work (see the module's docstring);
    ``project_ids``: the projects to read and lock at once."""
    unit = Batch(user)
    token = _current.set(unit)
    try:
        # the provinces' successions read once: each entry is split by the provinces on its day
        with transaction.atomic(), kept_answers(), successions_cached():
            unit.load(project_ids)
            yield unit
            unit.write()
    finally:
        _current.reset(token)
