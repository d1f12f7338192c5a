"""Indicator actuals per project (kết quả thực hiện theo chỉ tiêu): one row per reported value –
project code, indicator, the date the value stands at, the value – written through
``projects.services.implementation.report_result``, with its refusals and scope: the project must
be one the user may report on (its implementing unit, its province's DOIT, the agency), in a state
that takes results, the indicator one of the project's content, the date not in the future.

Natural key: **project code + indicator + date**. A value equal to the one already reported
(submitted or approved) for that key is unchanged. A different value:

* a **cumulative** indicator (a running total: the latest report counts) – reported again; the new
  report is the one that counts from then on, the earlier one stays in the project's history;
* a **flow** indicator (the reports of a project add up) – refused: a second report for the same
  date would be counted twice.

A value reported by the implementing unit waits for the DOIT's approval, as on the page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.permissions import VIEW
from khuyencong.core.text import fold
from khuyencong.exchange import values
from khuyencong.exchange.kinds import Column, Kind, Parsed, read_cell, register, rehearse

FIELD_COLUMN = {"indicator": "indicator_code", "period_end": "period_end", "value": "value", "note": "note"}


def _indicators() -> list[tuple[str, str]]:
    from khuyencong.programmes.models import Indicator

    return [(i.code, f"{i.code} – {i.name} ({i.unit})") for i in Indicator.objects.order_by("code")]


COLUMNS = [
    Column("project", _("project code"), _("The project's code as the system gave it (e.g. KCQG-2026-08-001)."), type="code", required=True, example="KCQG-2026-08-001"),
    Column("indicator_code", _("indicator code"), _("The indicator's code (the list sheet has them all) or its exact name; one of the project's content."), type="code", required=True, choices=_indicators, example="lao-dong-dao-tao", validation_list=False),
    Column("indicator_name", _("indicator"), _("The indicator's name, for the reader; not read on import."), example="Lao động được đào tạo nghề, truyền nghề"),
    Column("period_end", _("value as of"), _("The date the value stands at (the end of the reporting period); not in the future."), type="date", required=True, example="30/06/2026"),
    Column("value", _("value"), _("The value reached, in the indicator's unit: for a cumulative indicator the running total at that date, otherwise the amount of the period."), type="number", required=True, example="25"),
    Column("unit", _("unit"), _("The indicator's unit, for the reader; not read on import."), example="người"),
    Column("note", _("note"), _("What the value rests on (minutes, list of trainees…)."), max_length=500),
]  # fmt: skip


class Context:
    def __init__(self, user) -> None:
        from khuyencong.core.permissions import get_scope
        from khuyencong.programmes.models import Indicator

        self.user = user
        self.checking = True
        self.scope = get_scope(user)
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        self.by_name: dict[str, list] = {}
        for indicator in self.indicators.values():
            self.by_name.setdefault(fold(indicator.name), []).append(indicator)
        self.projects: dict[str, Any] = {}


class IndicatorActualsKind(Kind):
    key = "indicators"
    label = _("Indicator actuals per project")
    description = _(
        "One row per value reached by a project on one of its indicators at a date; reviewed like the "
        "values reported on the project's page."
    )
    natural_key = _("The project's code, the indicator and the date.")
    notes = _(
        "A value equal to the one already reported for the same project, indicator and date is unchanged. "
        "A different value of a cumulative indicator (a running total) is reported again and counts from "
        "then on; of any other indicator it is refused, as the values add up. Values from the "
        "implementing unit wait for the DOIT's approval."
    )
    columns = COLUMNS
    menu = "projects"
    list_url = "projects:list"
    list_label = _("All projects")

    def prepare(self, user) -> Context:
        return Context(user)

    def may_import(self, user) -> bool:
        from khuyencong.core.permissions import get_scope

        scope = get_scope(user)
        return scope.national_write or bool(scope.current_write) or bool(scope.organisation_ids)

    def record_url(self, object_id: int) -> str | None:
        from django.urls import reverse

        from khuyencong.projects.models import ResultReport

        project_id = ResultReport.objects.filter(pk=object_id).values_list("project_id", flat=True).first()
        return reverse("projects:detail", args=[project_id]) if project_id else None

    def record_labels(self, object_ids: list[int]) -> dict[int, tuple[str, str | None]]:
        from django.urls import reverse

        from khuyencong.projects.models import ResultReport

        found = (
            ResultReport.objects.filter(pk__in=object_ids)
            .select_related("project", "indicator")
            .only("pk", "period_end", "project__code", "project__name", "indicator__code")
        )
        return {
            r.pk: (
                f"{r.project.code} – {r.project.name}: {r.indicator.code} ({r.period_end:%d/%m/%Y})",
                reverse("projects:detail", args=[r.project_id]),
            )
            for r in found
        }

    def records_of(self, obj: Any) -> Any | None:
        from khuyencong.projects.models import Project, ResultReport

        if isinstance(obj, Project):
            return ResultReport.objects.filter(project=obj).values("pk")
        return None

    # --- reading a row ------------------------------------------------------------------------

    def parse(self, row: int, cells: dict[str, Any], context: Context) -> Parsed:
        parsed = Parsed(row)
        for key in ("project", "indicator_code", "period_end", "value", "note"):
            column = self.column(key)
            raw = cells.get(key)
            try:
                value = read_cell(column, raw)
            except values.ValueProblem as problem:
                parsed.error(key, str(problem), raw)
                continue
            if value is None and column.required:
                parsed.error(key, gettext("This column is required."), raw)
                continue
            parsed.data[key] = value
        code = parsed.data.pop("indicator_code", None)
        if code:
            indicator = context.indicators.get(code) or context.indicators.get(code.lower())
            if indicator is None:
                named = context.by_name.get(fold(code), [])
                indicator = named[0] if len(named) == 1 else None
            if indicator is None:
                parsed.error(
                    "indicator_code",
                    gettext("No indicator has the code or name “%(value)s”.") % {"value": code},
                    code,
                )
            else:
                parsed.data["indicator"] = indicator
        number = parsed.data.get("value")
        if number is not None and number < 0:
            parsed.error("value", gettext("A value reached cannot be negative."), number)
        if parsed.data.get("note") is None:
            parsed.data["note"] = ""
        if not parsed.errors:
            parsed.key = (
                parsed.data["project"].upper(),
                parsed.data["indicator"].pk,
                parsed.data["period_end"],
            )
        return parsed

    # --- finding and checking the records -------------------------------------------------------

    def resolve(self, rows: list[Parsed], context: Context) -> None:
        from django.db.models.functions import Upper

        from khuyencong.projects.models import Project, ResultReport
        from khuyencong.projects.services.implementation import report_result

        wanted = {p.key[0] for p in rows if p.key and p.key[0] not in context.projects}
        if wanted:
            visible = Project.objects.restrict(context.user, VIEW).annotate(code_upper=Upper("code"))
            for project in visible.filter(code_upper__in=wanted):
                context.projects[project.code.upper()] = project
            for code in wanted:
                context.projects.setdefault(code, None)
        candidates = [p for p in rows if p.key and not p.errors and context.projects.get(p.key[0])]
        reported: dict[tuple, Any] = {}
        if candidates:
            for report in ResultReport.objects.filter(
                project__in=[context.projects[p.key[0]] for p in candidates],
                indicator__in=[p.data["indicator"] for p in candidates],
                period_end__in=[p.data["period_end"] for p in candidates],
                state__in=("submitted", "approved"),
            ).order_by("id"):
                reported[(report.project_id, report.indicator_id, report.period_end)] = report  # the latest
        for parsed in rows:
            if parsed.errors or parsed.key is None:
                continue
            project = context.projects.get(parsed.key[0])
            if project is None:
                parsed.error(
                    "project",
                    gettext("No project has the code “%(code)s” among the projects you can see.")
                    % {"code": parsed.data["project"]},
                    parsed.data["project"],
                )
                continue
            indicator = parsed.data["indicator"]
            existing = reported.get((project.pk, indicator.pk, parsed.data["period_end"]))
            parsed.extra["project"] = project
            if existing is not None and Decimal(existing.value) == Decimal(parsed.data["value"]):
                parsed.extra["action"] = "unchanged"
                parsed.extra["existing"] = existing
                continue
            if existing is not None and not indicator.cumulative:
                parsed.error(
                    "value",
                    gettext(
                        "%(value)s %(unit)s was already reported for this indicator on this date; the values of "
                        "“%(indicator)s” add up, so a second value would count twice: a file cannot change a "
                        "value already reported."
                    )
                    % {
                        "value": _shown(existing.value),
                        "unit": indicator.unit,
                        "indicator": indicator.name,
                    },
                    parsed.data["value"],
                )
                continue
            parsed.extra["action"] = "updated" if existing is not None else "created"
            if not context.checking:
                continue

            def attempt(parsed=parsed, project=project):
                report_result(
                    user=context.user,
                    project=project,
                    indicator=parsed.data["indicator"],
                    value=parsed.data["value"],
                    period_end=parsed.data["period_end"],
                    note=parsed.data["note"],
                )

            try:
                rehearse(attempt)
            except PermissionDenied as error:
                parsed.error("project", str(error), parsed.data["project"])
            except ConflictError as error:
                parsed.error("", str(error.message))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, messages in error.message_dict.items():
                        column = FIELD_COLUMN.get(name, "")
                        for message in messages:
                            parsed.error(
                                column,
                                message,
                                parsed.data.get(name, "") if column != "indicator_code" else indicator.code,
                            )
                else:
                    for message in error.messages:
                        parsed.error("", message)

    def write(self, parsed: Parsed, context: Context) -> tuple[str, Any]:
        from khuyencong.projects.services.implementation import report_result

        action = parsed.extra["action"]
        if action == "unchanged":
            return "unchanged", parsed.extra["existing"]
        record = report_result(
            user=context.user,
            project=parsed.extra["project"],
            indicator=parsed.data["indicator"],
            value=parsed.data["value"],
            period_end=parsed.data["period_end"],
            note=parsed.data["note"],
        )
        return action, record

    # --- export in the template's columns --------------------------------------------------------

    def export_queryset(self, user) -> Any:
        from khuyencong.projects.models import ResultReport

        return (
            ResultReport.objects.restrict(user, VIEW)
            .filter(state__in=("submitted", "approved"))
            .select_related("project", "indicator")
            .order_by("project__code", "indicator__code", "period_end", "id")
        )

    def export_values(self, r: Any) -> list[Any]:
        return [
            r.project.code,
            r.indicator.code,
            r.indicator.name,
            r.period_end,
            _shown(r.value),
            r.indicator.unit,
            r.note,
        ]


def _shown(value: Any) -> str:
    """12, 12,5 – a value as Vietnamese write it (no trailing zeros)."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


INDICATORS = register(IndicatorActualsKind())
