"""Inserting many new records, each with its audit record, at the speed of the database.

:func:`insert_audited` writes what ``Model.objects.bulk_create`` writes for an audited model – the
rows, then one :class:`~khuyencong.core.models.ObjectChange` per row (who, when, from where, why,
``after`` = the record's snapshot), in the current :class:`~khuyencong.core.audit.AuditContext` and
the caller's transaction – without the per-object work of Django's ``bulk_create`` (an expression
and a prepared value per field and object): one plain ``executemany`` per set on SQLite, ``COPY``
on PostgreSQL. The values go through each field's own ``get_db_prep_save`` unless they are already
what the database takes (text, integers, booleans, empty). The audit records are built by the same
:func:`~khuyencong.core.audit.snapshot` and context as the slow path (``tests/test_bulk.py``
compares the two).

For plain new rows only: no ``pk`` given, no multi-table inheritance, no related objects to save
first. Call it inside a transaction (the records and their audit records commit together).
(:mod:`khuyencong.core.bulk` writes generated data without audit records; this writes business
records, audited.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connections, models
from django.utils import timezone

from khuyencong.core import audit

# the Python type a value of these fields already has when the database takes it as it is
_PLAIN: dict[str, type] = {
    "CharField": str,
    "TextField": str,
    "EmailField": str,
    "SlugField": str,
    "URLField": str,
    "BooleanField": bool,
    "IntegerField": int,
    "BigIntegerField": int,
    "SmallIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveBigIntegerField": int,
    "PositiveSmallIntegerField": int,
    "AutoField": int,
    "BigAutoField": int,
}


def _converter(field: models.Field, connection) -> Callable[[Any], Any]:
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    plain = _PLAIN.get(target.get_internal_type())
    prep = field.get_db_prep_save
    if plain is str:  # a str subclass (a choice's enum member) too, as Django passes it

        def convert(value: Any) -> Any:
            if value is None or isinstance(value, str):
                return value
            return prep(value, connection)

    else:  # ints and booleans exactly (a bool is not an integer column's value)

        def convert(value: Any) -> Any:
            if value is None or (plain is not None and type(value) is plain):
                return value
            return prep(value, connection)

    return convert


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[tuple], *, using: str
) -> None:
    """INSERT plain ``rows`` – values of the fields ``names``, in that order – into ``model``'s table,
    each value as the field prepares it; no ``save``, no audit record: for bookkeeping rows (an
    import's links to the records it wrote), never for business records."""
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in names]
    converters = [_converter(f, connection) for f in fields]  # type: ignore[arg-type]
    prepared = [tuple(c(v) for c, v in zip(converters, row, strict=True)) for row in rows]
    _insert(model, fields, prepared, using)  # type: ignore[arg-type]


def _insert(
    model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[tuple], using: str
) -> None:
    """INSERT ``rows`` (values in ``fields``' order, for the database) into ``model``'s table."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the driver's own cursor: its errors become Django's (an IntegrityError) as usual
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            # names from the model's metadata, values as parameters
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)


def reserve_ids(model: type[models.Model], count: int, *, using: str = "default") -> list[int]:
    """``count`` primary keys for new rows of ``model``, reserved in the caller's transaction: no
    other insert takes them (PostgreSQL: from the table's sequence; SQLite: the table's
    ``AUTOINCREMENT`` counter moved past them, in the transaction's write lock). A key reserved and
    not used is a gap, as a rolled-back insert leaves one."""
    if count <= 0:
        return []
    connection = connections[using]
    pk = model._meta.pk
    assert pk is not None
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        # Django's SQLite tables number their rows with AUTOINCREMENT: the next row takes the
        # larger of the counter and the largest key, plus one
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX({connection.ops.quote_name(pk.column)}) FROM {quoted}), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last + count, table])
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last + count])
        return list(range(last + 1, last + count + 1))


def insert_audited(
    model: type[models.Model], objs: Sequence[models.Model], *, using: str = "default", reserved: bool = False
) -> None:
    """INSERT the unsaved ``objs`` of the audited ``model``, give each its ``pk``, and write each its
    CREATE audit record – as ``model.objects.bulk_create(objs)`` does, faster. ``reserved``: each
    already holds a key from :func:`reserve_ids` (records others pointed at before they were
    written), inserted with it."""
    if not objs:
        return
    connection = connections[using]
    opts = model._meta
    pk = opts.pk
    assert pk is not None and not opts.parents, "plain models only"
    fields = [f for f in opts.concrete_fields if f is not pk]
    converters = [_converter(f, connection) for f in fields]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objs:
        if not obj._state.adding or (obj.pk is not None) != reserved:
            raise ValueError(
                "insert_audited() inserts new records only, with a reserved key exactly when reserved=True"
            )
        for field in stamped:
            field.pre_save(obj, True)
    attnames = [f.attname for f in fields]
    pairs = list(zip(converters, attnames, strict=True))

    def rows(with_pk: bool) -> Iterator[tuple]:
        # made as they are sent: PostgreSQL stores a set's first rows while the last are being made
        for obj in objs:
            row = tuple(convert(getattr(obj, name)) for convert, name in pairs)
            yield (obj.pk, *row) if with_pk else row

    if reserved:
        _insert(model, [pk, *fields], rows(with_pk=True), using)
    elif connection.vendor == "postgresql":
        for obj, pk_value in zip(objs, reserve_ids(model, len(objs), using=using), strict=True):
            obj.pk = pk_value
        _insert(model, [pk, *fields], rows(with_pk=True), using)
    else:
        # one statement in the transaction's write lock: SQLite numbers the new rows one after another
        _insert(model, fields, rows(with_pk=False), using)
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
        for obj, pk_value in zip(objs, range(last - len(objs) + 1, last + 1), strict=True):
            obj.pk = pk_value
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    write_created_records(objs, using=using)


def write_created_records(objs: Sequence[models.Model], *, using: str = "default") -> None:
    """The CREATE audit record of each saved record in ``objs`` (its snapshot as ``after``)."""

    def changes() -> Iterator[tuple[models.Model, str, dict | None, dict | None]]:
        for obj in objs:
            after = audit.snapshot(obj)
            obj._audit_loaded = dict(after)  # type: ignore[attr-defined]
            yield obj, audit.CREATE, None, after

    write_records(changes(), using=using)


def write_records(
    changes: Iterable[tuple[models.Model, str, dict | None, dict | None]], *, using: str = "default"
) -> None:
    """Write the audit record of each ``(record, action, before, after)`` in ``changes``, as
    :func:`khuyencong.core.audit.build_record` builds it (who, when, from where and why from the
    current audit context), in one statement per set – without an ``ObjectChange`` object each."""
    from django.contrib.contenttypes.models import ContentType

    from khuyencong.core.models import ObjectChange

    connection = connections[using]
    ctx = audit.current()
    user = ctx.resolve_user()
    user_name = (user.get_username() if user is not None else "") or ""
    reason = ctx.reason[:2000]
    opts = ObjectChange._meta
    names = [
        "time",
        "user",
        "user_name",
        "origin",
        "ip_address",
        "request_id",
        "reason",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "parent_content_type",
        "parent_object_id",
        "before",
        "after",
    ]
    fields = [opts.get_field(name) for name in names]
    assert {f.name for f in fields} == {f.name for f in opts.concrete_fields if not f.primary_key}
    convert = {f.name: _converter(f, connection) for f in fields}
    # the same for every record of the set, prepared once
    fixed = tuple(
        convert[name](value)
        for name, value in (
            ("user", user.pk if user is not None else None),
            ("user_name", user_name),
            ("origin", ctx.origin),
            ("ip_address", ctx.ip_address),
            ("request_id", ctx.request_id),
            ("reason", reason),
        )
    )
    json_of = convert["after"]
    now = convert["time"](timezone.now())  # the set is written at one moment, in one transaction
    content_types: dict[type, int] = {}

    def content_type(model: type) -> int:
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        return content_types[model]

    def rows() -> Iterator[tuple]:
        for obj, action, before, after in changes:
            getter = getattr(obj, "audit_parent", None)
            parent = getter() if callable(getter) else None
            yield (
                now,
                *fixed,
                action,
                content_type(type(obj)),
                obj.pk,
                str(obj)[:200],
                # a parent's type as build_record names it (its concrete model)
                ContentType.objects.get_for_model(type(parent)).pk if parent is not None else None,
                parent.pk if parent is not None else None,
                json_of(before),
                json_of(after),
            )

    # made before the INSERT starts: a content type or a parent not yet read is read here, never
    # while PostgreSQL's COPY holds the connection
    made = list(rows())
    if made:
        _insert(ObjectChange, fields, made, using)


# the columns PostgreSQL takes as an array of their type in one ``unnest`` (``update_audited``)
_ARRAYS = {
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "BooleanField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "AutoField",
    "BigAutoField",
    "DateField",
    "DateTimeField",
}


def _array_type(field: Any, connection) -> str | None:
    """The column's type for an array of its values (``None``: sent row by row instead)."""
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() not in _ARRAYS:
        return None
    db_type = field.rel_db_type(connection) if field.primary_key else field.db_type(connection)
    return db_type if db_type and "(" not in db_type.replace("varchar(", "") else None


def update_audited(
    model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str], *, using: str = "default"
) -> int:
    """UPDATE ``fields`` of the saved ``objs`` of the audited ``model`` to their values on the objects,
    one ``executemany`` for the set, and write an UPDATE audit record of what changed (before and
    after, as :meth:`~khuyencong.core.models.RestrictedQuerySet.bulk_update` records it) – without
    Django's ``bulk_update`` (one ``CASE`` per field and object). Returns how many rows it updated."""
    if not objs:
        return 0
    connection = connections[using]
    opts = model._meta
    targets = [opts.get_field(name) for name in fields]
    attnames = [f.attname for f in targets]  # type: ignore[union-attr]
    converters = [_converter(f, connection) for f in targets]  # type: ignore[arg-type]
    # the fields written, as stored (the others are not read: the audit record names only these)
    stored = (
        model._base_manager.using(using)
        .filter(pk__in=[o.pk for o in objs])
        .only(*(f.name for f in targets))  # type: ignore[union-attr]
        .in_bulk()
    )
    table = connection.ops.quote_name(opts.db_table)
    quote = connection.ops.quote_name
    rows = [
        (*(convert(getattr(o, name)) for convert, name in zip(converters, attnames, strict=True)), o.pk)
        for o in objs
    ]
    arrays = (
        [_array_type(f, connection) for f in [*targets, opts.pk]] if connection.vendor == "postgresql" else []
    )
    with connection.cursor() as cursor:
        if arrays and None not in arrays and len({o.pk for o in objs}) == len(objs):
            # PostgreSQL: one statement for the set, each column sent as one array
            names = [f"c{i}" for i in range(len(arrays))]
            assignments = ", ".join(
                f"{quote(f.column)} = v.{n}" for f, n in zip(targets, names, strict=False)
            )  # type: ignore[union-attr]
            unnest = ", ".join(f"%s::{t}[]" for t in arrays)
            sql = (
                f"UPDATE {table} SET {assignments} FROM unnest({unnest}) AS v({', '.join(names)}) "  # noqa: S608
                f"WHERE {table}.{quote(opts.pk.column)} = v.{names[-1]}"
            )
            cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        else:
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in targets)  # type: ignore[union-attr]
            sql = f"UPDATE {table} SET {assignments} WHERE {quote(opts.pk.column)} = %s"  # noqa: S608
            cursor.executemany(sql, rows)
    write_records(audit.update_records(objs, stored, attnames), using=using)
    return len(stored)
