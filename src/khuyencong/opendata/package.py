"""The open data of the programme as a Frictionless Data Package: each resource declared once – its
Table Schema (every column named, titled, described, typed, constrained; primary and foreign keys)
and where its rows come from – and written from that one declaration as ``datapackage.json``, as a
CSV file per resource, as a zip of the whole package and as JSON (page, files and API alike).

Only reference tables, approved projects without personal data and figures of the reporting engine
are published (:mod:`khuyencong.opendata.queries`).
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.core.spreadsheets import CsvLines
from khuyencong.opendata import queries

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
PUBLISHER = "Bộ Công Thương – Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"
ATTRIBUTION = f"Nguồn: {PUBLISHER}, Hệ thống thông tin quản lý chương trình khuyến công"
PACKAGE_NAME = "khuyen-cong-du-lieu-mo"


@dataclass(frozen=True)
class Field:
    name: str
    title: str | Promise
    description: str | Promise
    type: str = "string"  # a Table Schema type: string, integer, date, year
    required: bool = False
    unique: bool = False
    minimum: int | None = None
    enum: tuple[str, ...] | None = None

    def descriptor(self) -> dict[str, Any]:
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        described = {
            "name": self.name,
            "title": str(self.title),
            "description": str(self.description),
            "type": self.type,
            "format": "default",
        }
        if constraints:
            described["constraints"] = constraints
        return described

    def json_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime.date) else value


@dataclass(frozen=True)
class Resource:
    name: str
    title: str | Promise
    description: str | Promise
    fields: tuple[Field, ...]
    rows: Callable[[], Iterator[list[Any]]]
    primary_key: tuple[str, ...] = ()
    # (this resource's fields, the resource they point to, its fields)
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    # a window of the rows and their count without reading the others (large resources)
    window: Callable[[int, int], tuple[int, list[list[Any]]]] | None = None
    group: str = "data"  # "data", "table" (national tables) or "reference"

    @property
    def path(self) -> str:
        return f"data/{self.name}.csv"

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"fields": [f.descriptor() for f in self.fields]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(mine), "reference": {"resource": target, "fields": list(theirs)}}
                for mine, target, theirs in self.foreign_keys
            ]
        return schema

    def descriptor(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": str(self.title),
            "description": str(self.description),
            "path": self.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": self.schema(),
            "licenses": [LICENCE],
        }

    def page(self, start: int, stop: int) -> tuple[int, list[list[Any]]]:
        """The rows ``start`` to ``stop`` and how many there are in all."""
        if self.window is not None:
            return self.window(start, stop)
        every = list(self.rows())
        return len(every), every[start:stop]

    def as_dicts(self, rows: Iterable[list[Any]]) -> Iterator[dict[str, Any]]:
        names = [f.name for f in self.fields]
        for row in rows:
            yield {name: f.json_value(v) for name, f, v in zip(names, self.fields, row, strict=True)}

    def csv_lines(self) -> Iterator[str]:
        """The CSV file, line by line (UTF-8 without a byte-order mark; text that a spreadsheet
        would run as a formula gets a leading apostrophe, as in every CSV the product writes)."""
        lines = CsvLines(bom=False)
        yield lines.row(f.name for f in self.fields)
        for row in self.rows():
            yield lines.row(row)


# --- the resources -------------------------------------------------------------------------------------


def _province_rows() -> Iterator[list[Any]]:
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.geo.queries import rollup_map

    successors = rollup_map(Level.PROVINCE)
    units = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("code", "valid_from", "pk")
    for u in units:
        yield [u.pk, u.code, u.name, u.full_name, u.kind, u.valid_from, u.valid_until, successors.get(u.pk)]


def _content_rows() -> Iterator[list[Any]]:
    from khuyencong.programmes.models import Content

    for c in Content.objects.order_by("order", "code"):
        yield [c.code, c.name, c.short_name, c.name_en or None, c.order]


def _source_rows() -> Iterator[list[Any]]:
    from khuyencong.projects.models import FundingSource

    for value, label in FundingSource.choices:
        yield [value, str(label)]


def _organisation_rows() -> Iterator[list[Any]]:
    from khuyencong.orgs.models import Organisation

    for o in Organisation.objects.order_by("code"):
        yield [o.code, o.name, o.short_name or None, o.kind, o.province_id]


def _project_window(start: int, stop: int) -> tuple[int, list[list[Any]]]:
    projects = queries.approved_projects()
    count = projects.count()
    return count, list(queries.project_rows(projects[start:stop]))


def _choices(choices) -> tuple[str, ...]:
    return tuple(str(value) for value, _label in choices)


def _resources() -> list[Resource]:
    from khuyencong.geo.models import Kind
    from khuyencong.orgs.models import OrgKind
    from khuyencong.projects.models import FundingSource, ProjectKind

    province_id = Field(
        "province_id",
        _("Province (as it was)"),
        _(
            "The province where the project was filed, as it was that year (a province of the 63 "
            "until 30/06/2025): the id of a row of provinces."
        ),
        "integer",
        required=True,
    )
    province_now_id = Field(
        "province_now_id",
        _("Province (2025 geography)"),
        _(
            "The province that holds that province today (one of the 34 since 01/07/2025): an id of "
            "provinces."
        ),
        "integer",
        required=True,
    )
    plan_year = Field(
        "plan_year",
        _("Plan year"),
        _("The year of the plan the project belongs to."),
        "integer",
        True,
        minimum=2010,
    )
    source = Field(
        "source",
        _("Funding source"),
        _("The budget that funds the project: a code of funding-sources."),
        required=True,
        enum=_choices(FundingSource.choices),
    )
    count = Field(
        "projects",
        _("Approved projects"),
        _("How many projects of the group were approved (whatever became of them since)."),
        "integer",
        True,
        minimum=0,
    )
    money = (
        Field(
            "approved",
            _("Approved support (VND)"),
            _("State support approved by allocation decisions and their amendments, in đồng."),
            "integer",
            True,
        ),
        Field(
            "paid",
            _("Paid (VND)"),
            _("Advances and payments made, in đồng."),
            "integer",
            True,
        ),
        Field(
            "settled",
            _("Settled (VND)"),
            _("The amount at which the projects were settled (quyết toán), in đồng."),
            "integer",
            True,
        ),
        Field(
            "refunded",
            _("Refunded (VND)"),
            _("Money refunded to the budget, in đồng."),
            "integer",
            True,
        ),
    )
    national_note = _(
        "Computed by the programme's reporting engine over the approved projects, the same figures "
        "as its standard reports."
    )
    return [
        Resource(
            "projects",
            pgettext_lazy("open data", "Approved projects"),
            _(
                "Every project approved since 2010, whatever became of it since (in progress, "
                "accepted, settled or stopped). Proposals not approved are not published; nor is any "
                "personal data (no beneficiary, no contact, no tax code, no expert review)."
            ),
            (
                Field(
                    "code", _("Project code"), _("The project's code, unique."), required=True, unique=True
                ),
                Field("name", _("Name"), _("The project's name."), required=True),
                plan_year,
                source,
                Field(
                    "content",
                    _("Content"),
                    _("The programme content the project carries out: a code of contents."),
                    required=True,
                ),
                Field(
                    "kind",
                    _("Kind of project"),
                    _("ordinary, pilot, group or inter-regional project."),
                    required=True,
                    enum=_choices(ProjectKind.choices),
                ),
                province_id,
                province_now_id,
                Field(
                    "organisation",
                    _("Implementing organisation"),
                    _(
                        "The organisation carrying out the project: a code of organisations. Empty "
                        "when an establishment carries it out for itself (it may be a household "
                        "business, whose name is personal data)."
                    ),
                ),
                Field(
                    "status",
                    _("Status"),
                    _("approved, in_progress, accepted, settled or stopped."),
                    required=True,
                    enum=queries.STATUSES,
                ),
                Field("start_date", _("Start"), _("The planned start of the work."), "date", True),
                Field("end_date", _("End"), _("The planned end of the work."), "date", True),
            ),
            queries.project_rows,
            primary_key=("code",),
            foreign_keys=(
                (("source",), "funding-sources", ("code",)),
                (("content",), "contents", ("code",)),
                (("province_id",), "provinces", ("id",)),
                (("province_now_id",), "provinces", ("id",)),
                (("organisation",), "organisations", ("code",)),
            ),
            window=_project_window,
        ),
        Resource(
            "project-amounts",
            _("Money of the approved projects by year"),
            _(
                "For each approved project and each year in which its money moved: the support "
                "approved, paid, settled and refunded that year, in đồng, from the reporting engine."
            ),
            (
                Field("project", _("Project code"), _("A code of projects."), required=True),
                Field("year", _("Year"), _("The year of the money movements (their date)."), "integer", True),
                *money,
            ),
            queries.project_amount_rows,
            primary_key=("project", "year"),
            foreign_keys=((("project",), "projects", ("code",)),),
        ),
        Resource(
            "funds-by-year-content",
            _("Approved projects and funds by plan year and content"),
            national_note,
            (
                plan_year,
                source,
                Field("content", _("Content"), _("A code of contents."), required=True),
                count,
                *money,
            ),
            lambda: queries.national_rows("content"),
            primary_key=("plan_year", "source", "content"),
            foreign_keys=((("source",), "funding-sources", ("code",)), (("content",), "contents", ("code",))),
            group="table",
        ),
        Resource(
            "funds-by-year-province",
            _("Approved projects and funds by plan year and province (as it was)"),
            national_note,
            (plan_year, source, province_id, count, *money),
            lambda: queries.national_rows("province"),
            primary_key=("plan_year", "source", "province_id"),
            foreign_keys=(
                (("source",), "funding-sources", ("code",)),
                (("province_id",), "provinces", ("id",)),
            ),
            group="table",
        ),
        Resource(
            "funds-by-year-province-now",
            _("Approved projects and funds by plan year and province (2025 geography)"),
            national_note,
            (plan_year, source, province_now_id, count, *money),
            lambda: queries.national_rows("province_now"),
            primary_key=("plan_year", "source", "province_now_id"),
            foreign_keys=(
                (("source",), "funding-sources", ("code",)),
                (("province_now_id",), "provinces", ("id",)),
            ),
            group="table",
        ),
        Resource(
            "provinces",
            _("Provinces (both geographies)"),
            _(
                "The 63 provinces until 30/06/2025 and the 34 since 01/07/2025, each with the "
                "province that holds it today."
            ),
            (
                Field("id", _("Id"), _("The province's number in these files."), "integer", True, True),
                Field("code", _("Official code"), _("The official code of the province."), required=True),
                Field("name", _("Name"), _("The name, without the kind."), required=True),
                Field("full_name", _("Full name"), _("The name with its kind."), required=True),
                Field(
                    "kind",
                    _("Kind"),
                    _("province or centrally-run city."),
                    required=True,
                    enum=(str(Kind.PROVINCE), str(Kind.CENTRAL_CITY)),
                ),
                Field("valid_from", _("Valid from"), _("Empty: since before 2010."), "date"),
                Field("valid_until", _("Valid until"), _("Empty: still valid."), "date"),
                Field(
                    "successor_id",
                    _("Province today"),
                    _("The province that holds it today (itself when still valid): an id of provinces."),
                    "integer",
                    True,
                ),
            ),
            _province_rows,
            primary_key=("id",),
            foreign_keys=((("successor_id",), "", ("id",)),),
            group="reference",
        ),
        Resource(
            "contents",
            _("Contents of the programme"),
            _("The contents of industrial promotion that projects carry out."),
            (
                Field("code", _("Code"), _("The content's code."), required=True, unique=True),
                Field("name", _("Name"), _("The content's name."), required=True),
                Field("short_name", _("Short name"), _("The name in tables."), required=True),
                Field("name_en", _("English name"), _("The name in English, where given.")),
                Field("order", _("Order"), _("The content's place in the lists."), "integer", True),
            ),
            _content_rows,
            primary_key=("code",),
            group="reference",
        ),
        Resource(
            "funding-sources",
            _("Funding sources"),
            _("National (KCQG), provincial (KCĐP) and other funds."),
            (
                Field("code", _("Code"), _("The source's code."), required=True, unique=True),
                Field("name", _("Name"), _("The source's name."), required=True),
            ),
            _source_rows,
            primary_key=("code",),
            group="reference",
        ),
        Resource(
            "organisations",
            _("Organisations"),
            _(
                "The ministry, the agency, the Departments of Industry and Trade, the extension "
                "centres and the service organisations that carry out projects – organisations only."
            ),
            (
                Field("code", _("Code"), _("The organisation's code."), required=True, unique=True),
                Field("name", _("Name"), _("The current (or last) official name."), required=True),
                Field("short_name", _("Short name"), _("The usual short name, where given.")),
                Field(
                    "kind",
                    _("Kind"),
                    _("What the organisation is."),
                    required=True,
                    enum=_choices(OrgKind.choices),
                ),
                Field(
                    "province_id", _("Province"), _("Its province, if any: an id of provinces."), "integer"
                ),
            ),
            _organisation_rows,
            primary_key=("code",),
            foreign_keys=((("province_id",), "provinces", ("id",)),),
            group="reference",
        ),
    ]


def resources() -> list[Resource]:
    """The resources of the package (declared anew in the active language)."""
    return _resources()


def get(name: str) -> Resource | None:
    return next((r for r in resources() if r.name == name), None)


# the names, fixed (the API's schema lists them)
NAMES = [
    "projects",
    "project-amounts",
    "funds-by-year-content",
    "funds-by-year-province",
    "funds-by-year-province-now",
    "provinces",
    "contents",
    "funding-sources",
    "organisations",
]


def descriptor_title():
    return _("Open data of the industrial promotion programme")


def descriptor() -> dict[str, Any]:
    """``datapackage.json``."""
    updated = queries.last_updated()
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": str(descriptor_title()),
        "description": str(
            _(
                "Approved projects of the national and provincial industrial promotion programmes and "
                "their money by year, the national tables of the reporting engine and the reference "
                "tables they point to. No personal data."
            )
        ),
        "homepage": "/du-lieu-mo/",
        "version": updated.strftime("%Y.%m.%d"),
        "created": updated.replace(microsecond=0).isoformat(),
        "licenses": [LICENCE],
        "contributors": [{"title": PUBLISHER, "role": "publisher"}],
        "sources": [{"title": ATTRIBUTION}],
        "keywords": ["khuyến công", "industrial promotion", "Việt Nam"],
        "resources": [r.descriptor() for r in resources()],
    }


def write_zip(output: IO[bytes]) -> None:
    """The whole package as a zip: ``datapackage.json`` and ``data/<resource>.csv``, each CSV written
    as it is read."""
    import json

    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(), ensure_ascii=False, indent=2))
        for resource in resources():
            with archive.open(resource.path, "w") as member:
                for line in resource.csv_lines():
                    member.write(line.encode("utf-8"))


__all__ = ["ATTRIBUTION", "LICENCE", "PUBLISHER", "Field", "Resource", "descriptor", "get", "resources"]
