"""Published snapshots: a standard report's figures frozen when the agency publishes them, and what
has changed since.

* :func:`publish` computes the report for the publisher (the agency reads the whole country), and
  keeps its tables cell by cell (:func:`freeze`), the cut-off date and who published it.
* :func:`published_tables` gives those tables back as they were (:func:`thaw`) for the page and the
  files, marked with the publication.
* :func:`differences` compares them, cell by cell, with the same report computed today.
* :func:`entries_since` and :func:`status_changes_since` name the records that may have caused it:
  the ledger entries (and the project status changes) recorded after the publication that fall in
  the report's selection – asked of the engine with the report's own filters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.formatting import format_date, format_money
from khuyencong.core.permissions import Scope, get_scope
from khuyencong.documents.tables import (
    MONEY,
    NUMBER_KEY,
    ROW,
    SECTION,
    TEXT,
    TOTAL,
    Column,
    DocumentHeader,
    Group,
    Row,
    Table,
)
from khuyencong.reporting import derived
from khuyencong.reporting.catalogue import ISSUER, PARENT, Built, Report
from khuyencong.reporting.models import NATIONAL, PublishedReport

NUMBER_LENGTH, NOTE_LENGTH = 100, 500


# --- freezing a table and thawing it ----------------------------------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return value  # int, str or None


def _unvalue(value: Any) -> Any:
    if isinstance(value, dict):
        if "decimal" in value:
            return Decimal(value["decimal"])
        if "date" in value:
            return datetime.date.fromisoformat(value["date"])
    return value


def _node(node: Column | Group) -> dict[str, Any]:
    if isinstance(node, Group):
        return {"group": node.label, "columns": [_node(n) for n in node.columns]}
    return {
        "key": node.key,
        "label": node.label,
        "kind": node.kind,
        "unit": node.unit,
        "decimals": node.decimals,
        "width": node.width,
        "summed": node.summed,
    }


def _unnode(data: dict[str, Any]) -> Column | Group:
    if "group" in data:
        return Group(data["group"], [_unnode(n) for n in data["columns"]])
    return Column(
        data["key"],
        data["label"],
        kind=data["kind"],
        unit=data["unit"],
        decimals=data["decimals"],
        width=data["width"],
        summed=data["summed"],
    )


def freeze(table: Table) -> dict[str, Any]:
    """Everything a table is – headings, units, rows with their levels and exact figures – as JSON."""
    tree = [n for n in table.tree if not (isinstance(n, Column) and n.key == NUMBER_KEY)]
    return {
        "title": table.title,
        "subtitle": table.subtitle,
        "unit": table.unit,
        "unit_text": table.unit_text,
        "numbered": table.numbered,
        "footnotes": [str(f) for f in table.footnotes],
        "lead": [str(p) for p in table.lead],
        "sheet_name": table.sheet_name,
        "columns": [_node(n) for n in tree],
        "rows": [
            {
                "level": row.level,
                "number": row.number,
                "indent": row.indent,
                "values": {k: _value(v) for k, v in row.values.items()},
            }
            for row in table.rows
        ],
    }


def thaw(data: dict[str, Any]) -> Table:
    """The table :func:`freeze` kept, as it was."""
    table = Table(
        data["title"],
        [_unnode(n) for n in data["columns"]],
        subtitle=data["subtitle"],
        unit=data["unit"],
        unit_text=data["unit_text"],
        numbered=data["numbered"],
        footnotes=data["footnotes"],
        lead=data.get("lead", []),
        sheet_name=data["sheet_name"],
    )
    table.rows = [
        Row(r["level"], {k: _unvalue(v) for k, v in r["values"].items()}, r["number"], r["indent"])
        for r in data["rows"]
    ]
    return table


# --- publishing ---------------------------------------------------------------------------------------


def may_publish(scope: Scope) -> bool:
    """The agency (and the administrators) publish; provinces and leaders do not."""
    return scope.national_write


def may_read(scope: Scope) -> bool:
    """A publication holds the figures of the whole country: only its readers open one."""
    return scope.national_read


def check_publication(*, user, report: Report, data: dict, number: str = "", note: str = ""):
    """What :func:`publish` checks before it computes anything: the publisher may publish, and the
    parameters, number and note are valid. Returns the bound form and the cleaned number and note
    (the page checks them before it queues the publication as a job)."""
    scope = get_scope(user)
    if not may_publish(scope):
        raise PermissionDenied(_("Only the agency publishes reports."))
    form = report.bind(data)
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        errors.update({k: [str(e) for e in v] for k, v in form.errors.items()})
    number, note = (number or "").strip(), (note or "").strip()
    for field, value, limit in (("number", number, NUMBER_LENGTH), ("note", note, NOTE_LENGTH)):
        if len(value) > limit:
            errors[field] = [_("At most %(n)s characters.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)
    return form, number, note


def publish(*, user, report: Report, data: dict, number: str = "", note: str = "") -> PublishedReport:
    """Publish ``report`` with the parameters ``data`` as the figures stand now.

    Refused (``PermissionDenied``) to anyone but the agency; wrong parameters, a number or a note
    too long are a ``ValidationError`` naming the field."""
    form, number, note = check_publication(user=user, report=report, data=data, number=number, note=note)
    scope = get_scope(user)
    from khuyencong.reporting.catalogue import parameters

    with transaction.atomic(), audit_context(user=user, reason=_("report published")):
        # the marks are taken before the figures: an entry recorded meanwhile is listed as a
        # possible cause rather than missed
        ledger_mark, event_mark = _marks()
        built = report.build(scope, form.cleaned_data)
        published = PublishedReport(
            report=report.slug,
            title=built.title[:500],
            document_title=built.document_title[:500],
            parameters=parameters(form),
            scope=NATIONAL,
            as_of=timezone.localdate(),
            published_at=timezone.now(),
            published_by=user,
            publisher_name=(user.get_full_name() or user.get_username())[:200],
            number=number,
            note=note,
            language=translation.get_language() or "vi",
            tables=[freeze(t) for t in built.tables],
            chart=built.chart,
            ledger_mark=ledger_mark,
            event_mark=event_mark,
        )
        published.save()
    return published


def _marks() -> tuple[int, int]:
    from khuyencong.projects.models import LedgerEntry, ProjectEvent

    ledger = LedgerEntry.objects.aggregate(m=Max("id"))["m"] or 0
    events = ProjectEvent.objects.aggregate(m=Max("id"))["m"] or 0
    return ledger, events


def marking(published: PublishedReport) -> str:
    """The line every page and file of a publication carries."""
    values = {
        "number": published.number,
        "date": format_date(timezone.localtime(published.published_at).date()),
        "publisher": published.publisher_name,
        "as_of": format_date(published.as_of),
    }
    if published.number:
        return (
            _("No. %(number)s; published on %(date)s by %(publisher)s; figures as recorded up to %(as_of)s.")
            % values
        )
    return _("Published on %(date)s by %(publisher)s; figures as recorded up to %(as_of)s.") % values


def published_tables(published: PublishedReport, marked: bool = True) -> list[Table]:
    """The tables as they were published (with the publication's line under each, ``marked``)."""
    tables = [thaw(t) for t in published.tables]
    if marked:
        for table in tables:
            table.footnotes.append(marking(published))
    return tables


def published_built(published: PublishedReport) -> Built:
    return Built(
        published_tables(published), published.title, published.chart, document_title=published.document_title
    )


def header(published: PublishedReport, tables: list[Table]) -> DocumentHeader:
    """The PDF's heading: the agency, the publication's number and its date."""
    from khuyencong.reporting.catalogue import get

    report = get(published.report)
    title = str(report.title) if report is not None else published.title
    return DocumentHeader(
        issuer=ISSUER,
        parent=PARENT,
        title=published.document_title or (title if len(tables) > 1 else ""),
        number=published.number,
        date=timezone.localtime(published.published_at).date(),
        document_type=_("Report"),
    )


# --- today against the publication ---------------------------------------------------------------------


def today_built(published: PublishedReport, scope: Scope) -> Built | None:
    """The same report with the same parameters from today's records, in the language it was
    published in (``None`` when the report or its parameters no longer exist)."""
    from khuyencong.reporting.catalogue import get

    report = get(published.report)
    if report is None:
        return None
    with translation.override(published.language):  # the rows are matched by their names
        _form, built = report.run(scope, published.parameters)
    return built


def selection(published: PublishedReport) -> dict | None:
    """The engine's filters of the publication's report and parameters."""
    from khuyencong.reporting.catalogue import get

    report = get(published.report)
    if report is None:
        return None
    form = report.bind(published.parameters)
    if not form.is_valid():
        return None
    return report.engine_filters(form.cleaned_data)


@dataclass
class Difference:
    table: str
    row: str
    column: str
    published: str
    today: str
    change: str
    published_value: Any
    today_value: Any
    change_value: Any
    column_key: str
    change_exact: str = ""  # a difference of money in whole đồng, as the ledger holds it


def _keyed(table: Table) -> dict[tuple, Row]:
    """The rows by what they are: their section, level, name and rank among rows so named."""
    out: dict[tuple, Row] = {}
    section = ""
    seen: dict[tuple, int] = {}
    for row in table.rows:
        label = str(row.values.get(table.label_key) or "")
        if row.level == SECTION:
            section = label
        context = "" if row.level in (SECTION, TOTAL) else section
        key = (context, row.level, label)
        seen[key] = seen.get(key, 0) + 1
        out[(*key, seen[key])] = row
    return out


def _shown(table: Table, column: Column, value: Any, signed: bool = False) -> str:
    if value is None:
        return "–"
    text = table.text(Row(ROW, {column.key: value}), column)
    if signed and isinstance(value, int | Decimal) and value > 0:
        return "+" + text
    return text


def _exact_dong(column: Column, change: Any) -> str:
    if column.kind != MONEY or not isinstance(change, int):
        return ""
    text = format_money(change, "dong", with_unit=False)
    return "+" + text if change > 0 else text


def differences(published: list[Table], today: list[Table]) -> list[Difference]:
    """Every cell where today's table differs from the published one, table by table, row by row
    (rows matched by their section and name; a row on one side only differs by all its figures)."""
    found: list[Difference] = []
    for old, new in zip(published, today, strict=False):
        old_rows, new_rows = _keyed(old), _keyed(new)
        columns = [c for c in old.columns if c.key not in (NUMBER_KEY, old.label_key)]
        for key in [*old_rows, *(k for k in new_rows if k not in old_rows)]:
            before, after = old_rows.get(key), new_rows.get(key)
            name = key[2] if not key[0] else f"{key[0]} › {key[2]}"
            for column in columns:
                a = before.values.get(column.key) if before else None
                b = after.values.get(column.key) if after else None
                if a == b or (a in (None, "", 0) and b in (None, "", 0)):
                    continue
                change = None
                if (
                    column.kind != TEXT
                    and isinstance(a, int | Decimal | None)
                    and isinstance(b, int | Decimal | None)
                ):
                    change = derived.difference(b, a)
                found.append(
                    Difference(
                        table=old.title,
                        row=name,
                        column=old.flat_label(column),
                        published=_shown(old, column, a),
                        today=_shown(old, column, b),
                        change=_shown(old, column, change, signed=True) if change is not None else "",
                        published_value=a,
                        today_value=b,
                        change_value=change,
                        column_key=column.key,
                        change_exact=_exact_dong(column, change),
                    )
                )
    return found


# --- the records entered since ------------------------------------------------------------------------


def entries_since(published: PublishedReport, scope: Scope) -> QuerySet:
    """The ledger entries recorded after the publication within the report's selection, of the
    projects ``scope`` reads (the engine's own filters: :meth:`Report.engine_filters`)."""
    from khuyencong.projects.models import LedgerEntry
    from khuyencong.reporting.engine import scoped_ledger

    filters = selection(published)
    if filters is None:
        return LedgerEntry.objects.none()
    return (
        scoped_ledger(scope, filters)
        .filter(id__gt=published.ledger_mark)
        .select_related("project")
        .order_by("id")
    )


def _counted_statuses() -> set[str]:
    from khuyencong.reporting.measures import MEASURES

    return {s for m in MEASURES.values() if m.statuses for s in m.statuses}


def status_changes_since(published: PublishedReport, scope: Scope) -> QuerySet:
    """The status changes recorded after the publication, of the projects in the report's
    selection, into or out of a status some figure counts (settled, decided, filed…)."""
    from khuyencong.projects.models import ProjectEvent
    from khuyencong.reporting.engine import scoped_projects

    filters = selection(published)
    if filters is None:
        return ProjectEvent.objects.none()
    statuses = _counted_statuses()
    return (
        ProjectEvent.objects.filter(id__gt=published.event_mark, project__in=scoped_projects(scope, filters))
        .exclude(to_status="")
        .filter(Q(to_status__in=statuses) | Q(from_status__in=statuses))
        .exclude(from_status=F("to_status"))
        .select_related("project")
        .order_by("id")
    )


@dataclass
class Entry:
    """A ledger entry as the page lists it, with who recorded it and when."""

    entry: Any
    recorded_by: str
    recorded_at: datetime.datetime | None


def with_recorders(entries: list, scope: Scope) -> list[Entry]:
    """The entries with who recorded them (from the audit trail), named as ``scope`` may know them."""
    from django.contrib.contenttypes.models import ContentType

    from khuyencong.core.history import people_names
    from khuyencong.core.models import ObjectChange
    from khuyencong.projects.models import LedgerEntry

    if not entries:
        return []
    kind = ContentType.objects.get_for_model(LedgerEntry, for_concrete_model=False)
    created = {
        c.object_id: c
        for c in ObjectChange.objects.filter(
            content_type=kind, object_id__in=[e.pk for e in entries], action="create"
        )
    }
    names = people_names({c.user_id for c in created.values() if c.user_id}, scope)
    rows = []
    for entry in entries:
        change = created.get(entry.pk)
        who = ""
        if change is not None:
            who = names.get(change.user_id, "") if change.user_id else change.get_origin_display()
        rows.append(Entry(entry, who, change.time if change is not None else None))
    return rows


def with_actors(events: list, scope: Scope) -> list:
    from khuyencong.core.history import people_names

    names = people_names({e.user_id for e in events if e.user_id}, scope)
    for event in events:
        event.who = names.get(event.user_id, "") if event.user_id else ""
    return events


__all__ = [
    "Difference",
    "Entry",
    "differences",
    "entries_since",
    "freeze",
    "header",
    "marking",
    "may_publish",
    "may_read",
    "publish",
    "published_built",
    "published_tables",
    "selection",
    "status_changes_since",
    "thaw",
    "today_built",
    "with_actors",
    "with_recorders",
]


# --- publishing as a job (the page's "Công bố" button) -----------------------------------------------

PUBLISH_JOB = "reporting.publish"


def publish_job(ctx, *, report: str, data: dict, number: str = "", note: str = "") -> None:
    """The job the page queues: publish, then link the job's result to the publication."""
    from django.urls import reverse

    from khuyencong.core.jobs import JobError
    from khuyencong.reporting.catalogue import get

    found = get(report)
    if found is None:
        raise JobError(_("No such report."))
    ctx.progress(0, 1, _("Computing the report's figures"))
    published = publish(user=ctx.user, report=found, data=data, number=number, note=note)
    ctx.progress(1, 1, _("The report is published."))
    summary = {_("Report"): published.title, _("Figures as recorded up to"): format_date(published.as_of)}
    if published.number:
        summary[_("Number")] = published.number
    ctx.set_result(
        summary,
        url=reverse("reports:published", kwargs={"slug": report, "pk": published.pk}),
        label=_("Open the publication"),
    )


def _pending_publication(report: Report, chosen: dict[str, Any]):
    """The publication of ``report`` with the same parameters already queued or running, if any."""
    from khuyencong.core.models import Job
    from khuyencong.reporting.catalogue import parameters

    pending = Job.objects.filter(
        kind=PUBLISH_JOB, state__in=[Job.State.QUEUED, Job.State.RUNNING], params__report=report.slug
    ).order_by("pk")
    for job in pending:
        form = report.bind((job.params or {}).get("data") or {})
        if form.is_valid() and parameters(form) == chosen:
            return job
    return None


def queue_publication(*, user, report: Report, data: dict, number: str = "", note: str = ""):
    """Queue the publication of ``report`` with the parameters ``data`` as a job (the page, the API
    and the command all publish through here) and return the job.

    Checked now, before anything is queued: the publisher may publish (``PermissionDenied``), the
    parameters, number and note are valid, and the same report with the same parameters is not
    already being published (``ValidationError``). The figures are computed when the job runs."""
    from khuyencong.core.jobs import enqueue
    from khuyencong.reporting.catalogue import parameters

    form, number, note = check_publication(user=user, report=report, data=data, number=number, note=note)
    pending = _pending_publication(report, parameters(form))
    if pending is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "This report is already being published with these parameters (job no. %(id)s); "
                        "wait for it to finish."
                    )
                    % {"id": pending.pk}
                ]
            }
        )
    return enqueue(
        PUBLISH_JOB,
        user=user,
        params={"report": report.slug, "data": data, "number": number, "note": note},
        title=_("Publishing the report “%(title)s”") % {"title": report.title},
    )


def publication_of(job) -> PublishedReport | None:
    """The publication a finished publishing job made (``None`` while it is not done)."""
    from django.urls import Resolver404, resolve

    if job.kind != PUBLISH_JOB or job.state != job.State.DONE or not job.result_url:
        return None
    try:
        pk = resolve(job.result_url).kwargs.get("pk")
    except Resolver404:
        return None
    return PublishedReport.objects.filter(pk=pk).first() if pk else None
