"""What the figures are broken down by, and the periods they cover.

Two kinds of time, named apart: the **plan year** (the year of the plan a project belongs to, as the
ministry's tables count money) and the **movement date** (the date each amount moved: a decision, a
payment, a settlement – how execution during a period is counted). ``plan_year`` and
``plan_phase`` are the first; ``movement_year``, ``movement_half``, ``movement_quarter`` and
``movement_month`` the second. A :class:`Period` filter says which of the two it reads.

Provinces: ``province`` is the province **as it was** when the money was written (63 until 30/06/2025),
``province_now`` the same amount **rolled up to today's geography** (34 from 01/07/2025). Economic
regions are read from ``geo.RegionMembership`` (held as data), for either geography. The effects
of support on beneficiaries are placed where the establishment is (its province as registered, or
the province holding it today), not where the project is led: a project over two provinces puts
each beneficiary in its own province, once.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import ExtractMonth, ExtractQuarter, ExtractYear
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khuyencong.reporting.measures import BENEFICIARY, INDICATOR, LEDGER, PROJECTS

PLAN = "plan"
MOVEMENT = "movement"

# ledger field -> project field (the project's own attribute the ledger entry copied)
_PROJECT_FIELD = {
    "plan_year": "plan_year",
    "source": "source",
    "content": "content",
    "province": "lead_province",
    "province_now": "lead_province_now",
    "organisation": "implementing_org",
}


def _labels_of(model_path: str, field_name: str = "name") -> Callable[[Iterable], dict]:
    def labels(keys: Iterable) -> dict:
        from django.apps import apps

        from khuyencong.core.text import english_wanted

        model = apps.get_model(model_path)
        rows = model.objects.filter(pk__in=[k for k in keys if k is not None])
        english = f"{field_name}_en"
        if english_wanted() and any(f.name == english for f in model._meta.fields):
            # the English name where the record has one (as ``core.text.localised`` reads it)
            return {pk: en or vi for pk, vi, en in rows.values_list("pk", field_name, english)}
        return dict(rows.values_list("pk", field_name))

    return labels


def _content_labels(keys: Iterable) -> dict:
    """Contents by their short name, in English by their English name (``Content.short_shown``)."""
    from khuyencong.programmes.models import Content

    rows = Content.objects.filter(pk__in=[k for k in keys if k is not None]).only(
        "pk", "short_name", "name_en"
    )
    return {c.pk: c.short_shown for c in rows}


def _choices(choices) -> Callable[[Iterable], dict]:
    return lambda keys: {k: str(dict(choices).get(k, k)) for k in keys}


def _same(keys: Iterable) -> dict:
    return {k: str(k) for k in keys}


@dataclass(frozen=True)
class Dimension:
    """A way to group figures: the database field it reads for each kind of fact (``None``: it does
    not apply to that fact) and how its keys are named. ``rollup`` maps a key of another dimension
    (``base``) to this one's, in Python, for groupings held as data (regions). ``beneficiary``: the
    field read on a project's beneficiary (``ProjectBeneficiary``) for the effect figures."""

    name: str
    label: str | Promise
    ledger: object | None
    projects: object | None
    indicator_planned: object | None = None
    indicator_actual: object | None = None
    labels: Callable[[Iterable], dict] = _same
    base: str = ""
    rollup: Callable[[], dict] | None = field(default=None, compare=False)
    beneficiary: object | None = None

    def expression(self, fact: str, side: str = ""):
        if fact == BENEFICIARY:
            return self.beneficiary
        if fact == LEDGER:
            return self.ledger
        if fact == PROJECTS:
            return self.projects
        if fact == INDICATOR:
            return self.indicator_planned if side == "planned" else self.indicator_actual
        raise ValueError(fact)


def _on_project(name: str) -> str:
    return f"project__{_PROJECT_FIELD.get(name, name)}"


# the beneficiary's place is the establishment's, not the project's (see the module's text)
_BENEFICIARY_FIELD = {"province": "establishment__province", "province_now": "establishment__province_now"}


def _project_dimension(name, label, labels, ledger_field=None, project_field=None) -> Dimension:
    project_field = project_field or _PROJECT_FIELD.get(name, name)
    ledger_field = ledger_field or name
    return Dimension(
        name,
        label,
        F(ledger_field),
        F(project_field),
        indicator_planned=F(f"project__{project_field}"),
        indicator_actual=F(f"project__{project_field}"),
        labels=labels,
        beneficiary=F(_BENEFICIARY_FIELD.get(name, f"project__{project_field}")),
    )


def _region_rollup(scheme: str) -> Callable[[], dict]:
    def mapping() -> dict:
        from khuyencong.geo.queries import region_map

        return {unit: region.pk for unit, region in region_map(scheme).items()}

    return mapping


def _integer(expression):
    return ExpressionWrapper(expression, output_field=IntegerField())


def _phase(expression):
    """The first plan year of the five-year phase (2016–2020, 2021–2025, 2026–2030, …): integer
    division, the same in SQLite and PostgreSQL."""
    return _integer((expression - Value(1)) / Value(5) * Value(5) + Value(1))


def _half(date_field: str):
    return _integer((ExtractMonth(date_field) - Value(1)) / Value(6) + Value(1))


def _build() -> dict[str, Dimension]:
    from khuyencong.orgs.models import OrgKind
    from khuyencong.projects.models import FundingSource, ProjectKind, Status

    dims = [
        _project_dimension("plan_year", _("plan year"), _same),
        Dimension(
            "plan_phase",
            _("phase (by plan year)"),
            _phase(F("plan_year")),
            _phase(F("plan_year")),
            _phase(F("project__plan_year")),
            _phase(F("project__plan_year")),
            labels=lambda keys: {k: f"{k}–{k + 4}" for k in keys if k is not None},
            beneficiary=_phase(F("project__plan_year")),
        ),
        Dimension(
            "movement_year",
            _("year (by date of movement)"),
            ExtractYear("value_date"),
            None,
            None,
            ExtractYear("period_end"),
        ),
        Dimension(
            "movement_half",
            _("half-year (by date of movement)"),
            _half("value_date"),
            None,
            None,
            _half("period_end"),
        ),
        Dimension(
            "movement_quarter",
            _("quarter (by date of movement)"),
            ExtractQuarter("value_date"),
            None,
            None,
            ExtractQuarter("period_end"),
        ),
        Dimension(
            "movement_month",
            _("month (by date of movement)"),
            ExtractMonth("value_date"),
            None,
            None,
            ExtractMonth("period_end"),
        ),
        _project_dimension("source", _("funding source"), _choices(FundingSource.choices)),
        _project_dimension("content", _("content"), _content_labels),
        _project_dimension("province", _("province (as it was)"), _labels_of("geo.AdministrativeUnit")),
        _project_dimension(
            "province_now", _("province (today's geography)"), _labels_of("geo.AdministrativeUnit")
        ),
        Dimension(
            "region",
            _("economic region (as it was)"),
            None,
            None,
            labels=_labels_of("geo.Region"),
            base="province",
            rollup=_region_rollup("economic"),
        ),
        Dimension(
            "region_now",
            _("economic region (today's geography)"),
            None,
            None,
            labels=_labels_of("geo.Region"),
            base="province_now",
            rollup=_region_rollup("economic"),
        ),
        Dimension(
            "conference_area",
            _("conference area"),
            None,
            None,
            labels=_labels_of("geo.Region"),
            base="province_now",
            rollup=_region_rollup("conference"),
        ),
        _project_dimension("organisation", _("implementing organisation"), _labels_of("orgs.Organisation")),
        Dimension(
            "organisation_kind",
            _("kind of implementing organisation"),
            F("organisation__kind"),
            F("implementing_org__kind"),
            F("project__implementing_org__kind"),
            F("project__implementing_org__kind"),
            labels=_choices(OrgKind.choices),
            beneficiary=F("project__implementing_org__kind"),
        ),
        Dimension(
            "project_kind",
            _("kind of project"),
            F("project__kind"),
            F("kind"),
            F("project__kind"),
            F("project__kind"),
            labels=_choices(ProjectKind.choices),
            beneficiary=F("project__kind"),
        ),
        Dimension(
            "status",
            _("status"),
            F("project__status"),
            F("status"),
            F("project__status"),
            F("project__status"),
            labels=_choices(Status.choices),
            beneficiary=F("project__status"),
        ),
        Dimension(
            "decision", _("decision"), F("decision"), None, labels=_labels_of("projects.Decision", "number")
        ),
        Dimension(
            "indicator",
            _("indicator"),
            None,
            None,
            F("indicator"),
            F("indicator"),
            labels=_labels_of("programmes.Indicator"),
        ),
        # one project (its code): the money of each project of a list (the repeat-support review)
        Dimension(
            "project",
            _("project"),
            F("project"),
            F("pk"),
            F("project"),
            F("project"),
            labels=_labels_of("projects.Project", "code"),
            beneficiary=F("project"),
        ),
    ]
    return {d.name: d for d in dims}


def ledger_rollup_expression(name: str):
    """The dimension's field on the ledger's summary (``reporting.models.LedgerRollup``: the ledger
    summed by plan year, month, kind, source, content, both provinces and the project's status);
    ``None`` for a dimension the summary does not hold (the organisation, the decision, a project,
    the kind of project: those figures are added up from the entries)."""
    expressions = {
        "plan_year": F("plan_year"),
        "plan_phase": _phase(F("plan_year")),
        "movement_year": ExtractYear("month"),
        "movement_half": _half("month"),
        "movement_quarter": ExtractQuarter("month"),
        "movement_month": ExtractMonth("month"),
        "source": F("source"),
        "content": F("content"),
        "province": F("province"),
        "province_now": F("province_now"),
        "status": F("status"),
    }
    return expressions.get(name)


_DIMENSIONS: dict[str, Dimension] = {}


def dimensions() -> dict[str, Dimension]:
    if not _DIMENSIONS:
        _DIMENSIONS.update(_build())
    return _DIMENSIONS


def get(name: str) -> Dimension:
    try:
        return dimensions()[name]
    except KeyError:
        raise ValueError(f"unknown dimension {name!r}") from None


def province_count(geography: str) -> int:
    """How many provinces the geography has: ``province`` (as they were, 63 until 30/06/2025) or
    ``province_now`` (today's 34) – read from the administrative units, not written here."""
    from khuyencong.geo.queries import geography_date, provinces_on

    return provinces_on(geography_date("34" if geography == "province_now" else "63")).count()


def region_province_counts(geography: str, scheme: str = "economic") -> dict[int, int]:
    """``{region id: how many provinces of the geography it holds}`` (held as data: the memberships
    of the provinces of ``province`` – as they were – or ``province_now``), the divisor of a
    region's mean per province."""
    from khuyencong.geo.models import RegionMembership
    from khuyencong.geo.queries import geography_date, provinces_on

    units = provinces_on(geography_date("34" if geography == "province_now" else "63"))
    counts: dict[int, int] = {}
    for region in RegionMembership.objects.filter(region__scheme=scheme, unit__in=units).values_list(
        "region", flat=True
    ):
        counts[region] = counts.get(region, 0) + 1
    return counts


# --- periods ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of time a report covers. ``basis``: ``"plan"`` (plan years ``start.year`` to
    ``end.year``) or ``"movement"`` (amounts that moved between ``start`` and ``end``, inclusive)."""

    start: datetime.date
    end: datetime.date
    basis: str = MOVEMENT
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.basis not in (PLAN, MOVEMENT):
            raise ValueError(self.basis)
        if self.end < self.start:
            raise ValueError("a period ends after it starts")

    @property
    def plan_years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def previous_year(self) -> Period:
        """The same period one year earlier (“change on the same period of last year”)."""

        def back(day: datetime.date) -> datetime.date:
            last = calendar.monthrange(day.year - 1, day.month)[1]
            return day.replace(year=day.year - 1, day=min(day.day, last))

        label = self.label.replace(str(self.end.year), str(self.end.year - 1))
        return Period(back(self.start), back(self.end), self.basis, label)


def _months(year: int, first: int, last: int, basis: str = MOVEMENT, label: str = "") -> Period:
    end = datetime.date(year, last, calendar.monthrange(year, last)[1])
    return Period(datetime.date(year, first, 1), end, basis, label)


def year(y: int, basis: str = MOVEMENT) -> Period:
    return _months(y, 1, 12, basis, str(y))


def plan_year(y: int) -> Period:
    return year(y, PLAN)


def month(y: int, m: int) -> Period:
    if not 1 <= m <= 12:
        raise ValueError(m)
    return _months(y, m, m, label=f"{m:02d}/{y}")


def quarter(y: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise ValueError(q)
    return _months(y, 3 * q - 2, 3 * q, label=f"Q{q}/{y}")


def half(y: int, h: int) -> Period:
    if h not in (1, 2):
        raise ValueError(h)
    return _months(y, 6 * h - 5, 6 * h, label=f"H{h}/{y}")


def first_months(y: int, n: int) -> Period:
    """January to the end of month ``n`` (“the first 6 months”, “9 months”)."""
    if not 1 <= n <= 12:
        raise ValueError(n)
    return _months(y, 1, n, label=f"1–{n}/{y}")


def nine_months(y: int) -> Period:
    return first_months(y, 9)


def phase(first_year: int, basis: str = PLAN) -> Period:
    """A five-year phase of the programme (2021–2025 …), by plan year unless told otherwise."""
    return Period(
        datetime.date(first_year, 1, 1),
        datetime.date(first_year + 4, 12, 31),
        basis,
        f"{first_year}–{first_year + 4}",
    )


def custom(start: datetime.date, end: datetime.date, basis: str = MOVEMENT) -> Period:
    return Period(start, end, basis)


__all__ = [
    "MOVEMENT",
    "PLAN",
    "Dimension",
    "Period",
    "custom",
    "dimensions",
    "first_months",
    "get",
    "half",
    "ledger_rollup_expression",
    "month",
    "nine_months",
    "phase",
    "plan_year",
    "province_count",
    "quarter",
    "region_province_counts",
    "year",
]
