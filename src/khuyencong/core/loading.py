"""Loading versioned data files into the database: strict parsing, clear errors, idempotent upserts.

* Every problem names the file, the row (as a spreadsheet shows it: the header is row 1) and the
  column, in Vietnamese: ``organisations.csv, dòng 12, cột “province”: không có tỉnh mã 99``.
* A load runs in one transaction: any error and nothing is kept.
* Rows are matched on their natural key. A row whose values differ from the file is updated – unless
  a person has changed it in the application since it was loaded (its latest audit record is not
  the loader's): then the person's version is kept and the command reports it.
* Running a load twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from khuyencong.core.models import ObjectChange

LOADER_REASON = "khuyencong load-reference"


@dataclass
class LoadError:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột “{self.column}”")
        return f"{', '.join(where)}: {self.message}"


class DataFileError(Exception):
    def __init__(self, errors: list[LoadError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Row:
    """One data row with typed accessors that record errors instead of raising."""

    table: CsvTable
    number: int
    values: dict[str, str]

    def error(self, column: str | None, message: str) -> None:
        self.table.errors.append(LoadError(self.table.name, self.number, column, message))

    def text(self, column: str, required: bool = True, max_length: int | None = None) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            self.error(column, "bắt buộc, không được để trống")
        if max_length and len(value) > max_length:
            self.error(column, f"dài {len(value)} ký tự, tối đa {max_length}")
        return value

    def date(self, column: str, required: bool = False) -> datetime.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(column, f"“{value}” không phải ngày hợp lệ (định dạng YYYY-MM-DD)")
            return None

    def integer(self, column: str, required: bool = True, minimum: int | None = None) -> int | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(column, f"“{value}” không phải số nguyên")
            return None
        if minimum is not None and number < minimum:
            self.error(column, f"{number} nhỏ hơn giá trị tối thiểu {minimum}")
        return number

    def decimal(self, column: str, required: bool = True, minimum: Decimal | None = None) -> Decimal | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.error(column, f"“{value}” không phải số (dùng dấu chấm thập phân)")
            return None
        if minimum is not None and number < minimum:
            self.error(column, f"{number} nhỏ hơn giá trị tối thiểu {minimum}")
        return number

    def boolean(self, column: str) -> bool:
        value = self.text(column, required=False)
        if value in ("1", "true", "yes", "có"):
            return True
        if value in ("", "0", "false", "no", "không"):
            return False
        self.error(column, f"“{value}” phải là 0 hoặc 1")
        return False

    def choice(self, column: str, choices: Iterable[str], required: bool = True) -> str:
        value = self.text(column, required=required)
        allowed = list(choices)
        if value and value not in allowed:
            self.error(column, f"“{value}” không thuộc các giá trị cho phép: {', '.join(allowed)}")
        return value

    def ref(self, column: str, lookup: dict[str, Any], what: str, required: bool = True) -> Any:
        value = self.text(column, required=required)
        if not value:
            return None
        if value not in lookup:
            self.error(column, f"không có {what} “{value}”")
            return None
        return lookup[value]


@dataclass
class CsvTable:
    path: Path
    columns: list[str]
    errors: list[LoadError] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[Row]:
        if not self.path.exists():
            self.errors.append(LoadError(self.name, None, None, f"không tìm thấy tệp {self.path}"))
            return
        import gzip

        opener = gzip.open if self.path.suffix == ".gz" else open
        with opener(self.path, "rt", encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in self.columns if c not in header]
            if missing:
                self.errors.append(LoadError(self.name, 1, None, f"thiếu cột: {', '.join(missing)}"))
                return
            for index, values in enumerate(reader, start=2):
                if None in values:
                    self.errors.append(
                        LoadError(
                            self.name,
                            index,
                            None,
                            f"có {len(values[None])} giá trị thừa – kiểm tra dấu phẩy trong nội dung "
                            "(cần đặt trong ngoặc kép)",
                        )
                    )
                    continue
                if not any((v or "").strip() for v in values.values()):
                    continue
                yield Row(self, index, values)


class Upserter:
    """Create or update rows by natural key; count what happened per model."""

    def __init__(self, reason: str = LOADER_REASON):
        self.reason = reason
        self.stats: dict[str, Counter] = defaultdict(Counter)
        self.kept: list[str] = []

    def _changed_by_a_person(self, obj: models.Model) -> bool:
        ct = ContentType.objects.get_for_model(type(obj))
        last = ObjectChange.objects.filter(content_type=ct, object_id=obj.pk).order_by("-id").first()
        return last is not None and last.reason != self.reason

    def upsert(
        self,
        model: type[models.Model],
        key: dict[str, Any],
        values: dict[str, Any],
        existing: models.Model | None = None,
        *,
        lookup: bool = True,
    ) -> models.Model:
        label = str(model._meta.verbose_name_plural)
        obj = existing
        if obj is None and lookup:
            obj = model._default_manager.filter(**key).first()
        if obj is None:
            obj = model(**key, **values)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            self.stats[label]["created"] += 1
            return obj
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if not changed:
            self.stats[label]["unchanged"] += 1
            return obj
        if self._changed_by_a_person(obj):
            self.stats[label]["kept"] += 1
            self.kept.append(f"{model._meta.verbose_name} “{obj}”: {', '.join(sorted(changed))}")
            return obj
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        self.stats[label]["updated"] += 1
        return obj

    def create_many(self, model: type[models.Model], objects: list[models.Model]) -> list[models.Model]:
        if objects:
            created = model._default_manager.bulk_create(objects, batch_size=500)
            self.stats[str(model._meta.verbose_name_plural)]["created"] += len(created)
            return created
        return []

    def count(self, model: type[models.Model], outcome: str, n: int = 1) -> None:
        self.stats[str(model._meta.verbose_name_plural)][outcome] += n


def validation_messages(error: ValidationError) -> list[tuple[str | None, str]]:
    if hasattr(error, "error_dict"):
        return [(f, str(m)) for f, errs in error.error_dict.items() for e in errs for m in e.messages]
    return [(None, str(m)) for m in error.messages]


# --- the registry of loaders ----------------------------------------------------------------------

LoaderFunc = Callable[["LoadRun"], None]
_loaders: list[tuple[int, str, LoaderFunc]] = []


def register_loader(order: int, name: str, func: LoaderFunc) -> None:
    if all(existing != name for _o, existing, _f in _loaders):
        _loaders.append((order, name, func))


def loaders() -> list[tuple[int, str, LoaderFunc]]:
    return sorted(_loaders, key=lambda item: item[0])


@dataclass
class LoadRun:
    """State shared by the loaders of one ``load-reference`` run."""

    data_dir: Path | None
    upserter: Upserter = field(default_factory=Upserter)
    errors: list[LoadError] = field(default_factory=list)

    def path(self, app: str, filename: str) -> Path:
        if self.data_dir is not None:
            return self.data_dir / app / filename
        from django.apps import apps

        return Path(apps.get_app_config(app).path) / "data" / filename

    def table(self, app: str, filename: str, columns: list[str]) -> CsvTable:
        return CsvTable(self.path(app, filename), columns)

    def check(self, *tables: CsvTable) -> None:
        """Stop the run (rolling everything back) when these tables had errors."""
        errors = [e for t in tables for e in t.errors]
        if errors:
            raise DataFileError(errors)
