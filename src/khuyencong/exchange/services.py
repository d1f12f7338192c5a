"""Running an import: upload a file as a batch, check every row, write all rows or none.

:func:`run_import` is the whole execution and needs no request: the page calls it now, and a job
queue can call it later with a ``progress`` callback. Rules:

* **every error** is reported (sheet, row, column, value, reason), not just the first;
* **all or nothing**: the rows are written in one transaction, and only when checking found no
  error; should a write still fail, everything is rolled back and the batch shows why;
* **idempotent**: each row finds its record by the kind's natural key; a row equal to its record
  writes nothing (no audit record); a changed row updates through the app's service (with
  history); the same file twice changes nothing the second time;
* every write goes through the app's services with the batch's user (scope, validation, norms),
  in an audit context with origin ``import`` and the file's name as the reason;
* memory stays bounded: rows are read, checked and written in chunks, never all held at once. A
  kind whose rows are independent (``Kind.keeps_checked_rows``: establishments) keeps each checked
  chunk in a temporary file, removed when the run ends however it ends, and writes the rows from
  there as they were checked; the others read and check the file a second time as they write.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.audited_insert import insert_rows
from khuyencong.core.text import fold
from khuyencong.core.unitmemo import kept_answers
from khuyencong.exchange.kinds import KINDS, CellError, Kind, Parsed, RowRefused, chunks
from khuyencong.exchange.models import BatchState, ImportBatch, ImportedRecord
from khuyencong.exchange.readers import FileRefused, Table, open_table
from khuyencong.geo.queries import successions_cached

CHUNK_ROWS = 2000  # rows checked and written together: a few queries per chunk, bounded memory
MAX_STORED_ERRORS = 5_000  # beyond this, the count goes on but the list stops (a page would not show more)

Progress = Callable[[int, int], None]
KEPT_ROWS_DIR: str | None = None  # where the checked chunks are kept during a run (None: the system's)


class Rollback(Exception):
    """Raised inside the write transaction to undo every row."""


def batch_create(*, user, kind: str, file, file_name: str) -> ImportBatch:
    """Store an uploaded file (a Django ``UploadedFile`` or any binary file object) as a new batch."""
    if kind not in KINDS:
        raise ValidationError({"kind": [_("Choose a kind of data.")]})
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for piece in iter(lambda: file.read(1 << 20), b""):
        digest.update(piece)
        size += len(piece)
    file.seek(0)
    batch = ImportBatch(
        kind=kind, file_name=file_name[:255] or "file", user=user, size=size, sha256=digest.hexdigest()
    )
    batch.file.save(batch.sha256, File(file), save=False)
    batch.save()
    return batch


def _header_map(kind: Kind, table: Table) -> tuple[dict[str, int], list[CellError]]:
    """Which column of the file holds which column of the kind; errors for missing required ones
    and titles that name nothing."""
    by_title: dict[str, str] = {}
    for column in kind.columns:
        for title in column.header_keys():
            by_title.setdefault(title, column.key)
    mapping: dict[str, int] = {}
    errors: list[CellError] = []
    for index, header in enumerate(table.headers):
        if not header.strip():
            continue
        key = by_title.get(fold(header))
        if key is None:
            errors.append(
                CellError(table.header_row, "", _("Unknown column “%(title)s”.") % {"title": header}, header)
            )
        elif key in mapping:
            errors.append(
                CellError(
                    table.header_row,
                    key,
                    _("The column “%(title)s” appears twice.") % {"title": header},
                    header,
                )
            )
        else:
            mapping[key] = index
    for column in kind.columns:
        if (
            column.required
            and column.key not in mapping
            and not (column.key in ("province", "commune") and "commune_code" in mapping)
        ):
            errors.append(
                CellError(
                    table.header_row,
                    column.key,
                    _("The file has no column “%(title)s”.") % {"title": column.title_in("vi")},
                )
            )
    return mapping, errors


def _cells(row: list[Any], mapping: dict[str, int]) -> dict[str, Any]:
    return {key: (row[index] if index < len(row) else None) for key, index in mapping.items()}


def _error_dict(kind: Kind, sheet: str, error: CellError) -> dict[str, Any]:
    column = next((c for c in kind.columns if c.key == error.column), None)
    return {
        "sheet": sheet,
        "row": error.row,
        "column": column.title_in("vi") if column else "",
        "column_key": error.column,
        "value": error.value,
        "message": error.message,
    }


def _parsed_rows(kind: Kind, table: Table, mapping: dict[str, int], context: Any, seen: dict[tuple, int]):
    """Chunks of parsed and resolved rows; ``seen`` catches two rows with the same natural key."""
    for chunk in chunks(table.rows, CHUNK_ROWS):
        parsed_rows: list[Parsed] = []
        for number, row in chunk:
            parsed = kind.parse(number, _cells(row, mapping), context)
            if parsed.key is not None and not parsed.errors:
                first = seen.get(parsed.key)
                if first is not None and first != number:
                    parsed.error(
                        "",
                        _("Row %(first)s already has this record (the same key): a record is written once.")
                        % {"first": first},
                    )
                else:
                    seen[parsed.key] = number
            parsed_rows.append(parsed)
        kind.resolve(parsed_rows, context)
        yield parsed_rows


def run_import(batch: ImportBatch, *, dry_run: bool, progress: Progress | None = None) -> ImportBatch:
    """Check ``batch``'s file and, unless ``dry_run`` or an error was found, write every row.

    ``progress(done, total)`` is called as rows are checked and written (``total`` counts both
    passes). Returns the batch, saved with its state, counts and errors: ``invalid`` (nothing
    written), ``checked`` (a dry run without errors), ``imported`` or ``failed``.
    """
    with successions_cached(), _long_lived_frozen():
        return _run(batch, dry_run=dry_run, progress=progress)


@contextmanager
def _long_lived_frozen() -> Iterator[None]:
    """Keep the garbage collector's full passes to what the import itself allocates: everything
    alive before it (the framework, the look-up tables) is set aside for the duration
    (``gc.freeze``) and handed back after. Each full pass otherwise walks every object of the
    process again, dozens of times in an import of 100,000 rows."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _kept_rows(kind: Kind, *, dry_run: bool) -> Iterator[IO[bytes] | None]:
    """The temporary file the checked chunks are kept in until they are written (``None`` for a dry
    run or a kind that reads its file again); removed when the run ends, whatever happens."""
    if dry_run or not kind.keeps_checked_rows:
        yield None
        return
    with tempfile.NamedTemporaryFile(prefix="kc-import-", suffix=".rows", dir=KEPT_ROWS_DIR) as kept:
        yield kept


def _kept_chunks(kept: IO[bytes], kind: Kind, context: Any) -> Iterator[list[Parsed]]:
    kept.flush()
    kept.seek(0)
    while True:
        try:
            packed = pickle.load(kept)  # noqa: S301 – written by this run, a moment ago
        except EOFError:
            return
        yield kind.unpack(packed, context)


def _run(batch: ImportBatch, *, dry_run: bool, progress: Progress | None) -> ImportBatch:
    # the answers of reference questions (a cell's value, a province today) are kept for the run
    with _kept_rows(KINDS[batch.kind], dry_run=dry_run) as kept, kept_answers():
        return _check_and_write(batch, dry_run=dry_run, progress=progress, kept=kept)


def _check_and_write(
    batch: ImportBatch, *, dry_run: bool, progress: Progress | None, kept: IO[bytes] | None
) -> ImportBatch:
    kind = KINDS[batch.kind]
    report = progress or (lambda done, total: None)
    batch.errors, batch.error_count = [], 0
    batch.created = batch.updated = batch.unchanged = batch.rows = 0
    try:
        table = open_table(batch.file.path, batch.file_name)
    except FileRefused as refused:
        return _finish_invalid(
            batch,
            [{"sheet": "", "row": 0, "column": "", "column_key": "", "value": "", "message": str(refused)}],
            1,
        )
    mapping, header_errors = _header_map(kind, table)
    if header_errors:
        return _finish_invalid(
            batch, [_error_dict(kind, table.sheet, e) for e in header_errors], len(header_errors)
        )
    total = table.total * (1 if dry_run else 2)
    context = kind.prepare(batch.user)
    with suppress(AttributeError):  # a context without attributes (e.g. a tuple) does not ask
        context.dry_run = dry_run
    gc.freeze()  # the look-up tables too (see ``_long_lived_frozen``)
    errors: list[dict[str, Any]] = []
    error_count = 0
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    done = 0
    try:
        for parsed_rows in _parsed_rows(kind, table, mapping, context, {}):
            for parsed in parsed_rows:
                batch.rows += 1
                if parsed.errors:
                    error_count += len(parsed.errors)
                    for error in parsed.errors:
                        if len(errors) < MAX_STORED_ERRORS:
                            errors.append(_error_dict(kind, table.sheet, error))
                else:
                    counts[parsed.extra.get("action", "created")] += 1
            if kept is not None and not error_count:
                pickle.dump(kind.pack(parsed_rows, context), kept, protocol=pickle.HIGHEST_PROTOCOL)
            done += len(parsed_rows)
            report(done, total)
        if dry_run and not error_count:
            finished = kind.finish(context, final=False)
            error_count += len(finished)
            errors.extend(
                _error_dict(kind, table.sheet, e) for e in finished[: max(0, MAX_STORED_ERRORS - len(errors))]
            )
    except FileRefused as refused:
        return _finish_invalid(
            batch,
            [
                {
                    "sheet": table.sheet,
                    "row": 0,
                    "column": "",
                    "column_key": "",
                    "value": "",
                    "message": str(refused),
                }
            ],
            1,
        )
    batch.checked_at = timezone.now()
    batch.created, batch.updated, batch.unchanged = counts["created"], counts["updated"], counts["unchanged"]
    if error_count:
        return _finish_invalid(batch, errors, error_count)
    if batch.rows == 0:
        return _finish_invalid(
            batch,
            [
                {
                    "sheet": table.sheet,
                    "row": 0,
                    "column": "",
                    "column_key": "",
                    "value": "",
                    "message": _("The file has no data rows."),
                }
            ],
            1,
        )
    if dry_run:
        batch.state = BatchState.CHECKED
        batch.save()
        return batch
    sheet = table.sheet
    del table  # the sheet read (held by its rows) is not needed again when the rows were kept
    return _write(batch, kind, sheet, mapping, context, report, done, total, kept)


def _finish_invalid(batch: ImportBatch, errors: list[dict[str, Any]], count: int) -> ImportBatch:
    batch.state = BatchState.INVALID
    batch.errors, batch.error_count = errors, count
    batch.checked_at = timezone.now()
    batch.save()
    return batch


def _write(
    batch: ImportBatch,
    kind: Kind,
    sheet: str,
    mapping: dict[str, int],
    context: Any,
    report: Progress,
    done: int,
    total: int,
    kept: IO[bytes] | None,
) -> ImportBatch:
    batch.started_at = timezone.now()
    if kept is not None:
        checked_chunks = _kept_chunks(kept, kind, context)  # the rows as checked a moment ago
    else:
        checked_chunks = _parsed_rows(
            kind, open_table(batch.file.path, batch.file_name), mapping, context, {}
        )
    return _write_chunks(batch, kind, sheet, checked_chunks, context, report, done, total)


def _write_chunks(
    batch: ImportBatch,
    kind: Kind,
    sheet: str,
    checked_chunks: Iterator[list[Parsed]],
    context: Any,
    report: Progress,
    done: int,
    total: int,
) -> ImportBatch:
    # the check pass's context: its look-up tables are read once per import
    # every row was checked through the services a moment ago, and the services check again as they
    # write (a failure rolls everything back): no third check
    context.checking = False
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors: list[dict[str, Any]] = []
    content_type = ContentType.objects.get_for_model(kind.record_model(batch.user))
    try:
        with transaction.atomic(), audit_context(origin="import", user=batch.user, reason=batch.file_name):
            for parsed_rows in checked_chunks:
                handed: list[tuple[int, Any, str]] = []
                for parsed in parsed_rows:
                    if parsed.errors:  # the data changed since the check (another user wrote)
                        errors.extend(_error_dict(kind, sheet, e) for e in parsed.errors)
                        continue
                    if errors:
                        continue  # nothing will be kept: only look for more errors
                    try:
                        action, record = kind.write(parsed, context)
                    except RowRefused as refused:
                        errors.extend(_error_dict(kind, sheet, e) for e in refused.errors)
                        continue
                    except (ValidationError, PermissionDenied) as error:
                        # e.g. someone changed the record since the check (its version moved on)
                        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                        errors.extend(
                            _error_dict(kind, sheet, CellError(parsed.row, "", m)) for m in messages
                        )
                        continue
                    counts[action] += 1
                    if action != "unchanged":
                        handed.append((parsed.row, record, action))
                if not errors:  # the chunk's rows are written now (a kind may write them together)
                    errors.extend(_error_dict(kind, sheet, e) for e in kind.flush(context))
                if not errors and handed:  # the batch's links to its records (bookkeeping, not history)
                    insert_rows(
                        ImportedRecord,
                        ["batch", "content_type", "object_id", "row", "action"],
                        [
                            (batch.pk, content_type.pk, record.pk, row, action)
                            for row, record, action in handed
                        ],
                        using=ImportedRecord.objects.db,
                    )
                done += len(parsed_rows)
                report(min(done, total), total)
            if not errors:  # rows applied together, in an order of the kind's own (see Kind.finish)
                errors.extend(_error_dict(kind, sheet, e) for e in kind.finish(context, final=True))
            if errors:
                raise Rollback
    except Rollback:
        batch.state = BatchState.INVALID
        batch.errors, batch.error_count = errors[:MAX_STORED_ERRORS], len(errors)
        batch.finished_at = timezone.now()
        batch.save()
        return batch
    batch.state = BatchState.IMPORTED
    batch.created, batch.updated, batch.unchanged = counts["created"], counts["updated"], counts["unchanged"]
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def batch_confirm(*, user, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Import a checked batch (its owner only; once – two confirmations at the same moment, from two
    pages, two API calls or two workers, import it once: the batch is claimed first)."""
    confirmable(user=user, batch=batch)
    # the batch's own bookkeeping, not business data: not in the history (the import's records are)
    claimed = ImportBatch._base_manager.filter(
        pk=batch.pk, state=BatchState.CHECKED, started_at__isnull=True
    ).update(started_at=timezone.now())
    if not claimed:
        raise ValidationError(_("This file is already being imported."))
    return run_import(batch, dry_run=False, progress=progress)


def confirmable(*, user, batch: ImportBatch) -> None:
    """Refuse (``PermissionDenied``, ``ValidationError``) unless ``user`` may import ``batch`` now."""
    if batch.user_id != user.pk:
        raise PermissionDenied(_("Only the person who uploaded the file can import it."))
    if batch.file_removed_at is not None:
        raise ValidationError(_("The uploaded file was removed by the housekeeping; upload it again."))
    if batch.state != BatchState.CHECKED:
        raise ValidationError(
            _("This file has already been imported or has errors; upload it again to retry.")
        )
