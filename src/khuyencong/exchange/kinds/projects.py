"""Projects of past plan years (the programme's history since 2014): one row per project as its
documents give it, recorded through ``projects.services.history.project_record_appraised`` –
appraised by the agency, waiting for its decision. Its decisions, contracts, payments, acceptance,
settlement and refunds come in the money movements file (``kinds/movements.py``).

Natural key: the **project code** as the documents give it (e.g. KCQG-2019-02-0003). A row without
a code is found by its plan year, funding source, province (as it was) and name (compared without
accents and case); a new one gets the next code the system gives (shown in the result page and the
export, for the movements file).

Budget lines: **one summary line per project** (category “other”) from the two amounts of the row –
the state support requested and the counterpart; the documents of past years rarely itemise more.

Only the agency records past projects. A row equal to its project is unchanged; a changed row of a
project still waiting for its decision corrects it (``project_correct_appraised``); a project
already on a decision has moved on: a clear error.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.permissions import VIEW
from khuyencong.core.text import fold
from khuyencong.exchange import values
from khuyencong.exchange.kinds import (
    CellError,
    Column,
    Kind,
    Parsed,
    read_cell,
    register,
    rehearse,
)

# the services' fields → the columns that hold them
FIELD_COLUMN = {
    "code": "code",
    "plan_year": "plan_year",
    "source": "source",
    "programme": "programme",
    "content": "content",
    "kind": "kind",
    "name": "name",
    "objectives": "objectives",
    "implementing_org": "implementing_org",
    "lead_province": "province",
    "start_date": "start_date",
    "end_date": "end_date",
    "filed_on": "filed_on",
    "appraised_on": "appraised_on",
    "budget_lines": "state_support",
    "state_support": "state_support",
    "counterpart": "counterpart",
    "recommended_doit": "recommended_doit",
    "recommended": "recommended",
    "results": "indicator",
    "target": "target",
    "establishment": "beneficiaries",
}


def _sources() -> list[tuple[str, str]]:
    from khuyencong.projects.models import FundingSource

    return [(c, str(label)) for c, label in FundingSource.choices]


def _project_kinds() -> list[tuple[str, str]]:
    from khuyencong.projects.models import ProjectKind

    return [(c, str(label)) for c, label in ProjectKind.choices]


def _contents() -> list[tuple[str, str]]:
    from khuyencong.programmes.models import Content

    return [(c.code, f"{c.code} – {c.short_name}") for c in Content.objects.order_by("order", "code")]


def _provinces() -> list[tuple[str, str]]:
    from khuyencong.exchange.kinds.establishments import _provinces as provinces

    return provinces()


COLUMNS = [
    Column("code", _("project code"), _("The project's code as its documents give it (e.g. KCQG-2019-02-0003). Empty: the project is found by its plan year, funding source, province and name, and a new one gets the next code."), type="code", example="KCQG-2019-02-0003", max_length=40),
    Column("plan_year", _("plan year"), _("The plan year, from 2014 to the year before the current one."), type="integer", required=True, example="2019"),
    Column("source", _("funding source"), _("National (KCQG), provincial (KCĐP) or other."), type="choice", required=True, choices=_sources, example="quốc gia (KCQG)"),
    Column("programme", _("programme code"), _("Empty: the national programme covering the plan year."), type="code", example="kcqg-2014-2020", validation_list=False),
    Column("content", _("content"), _("The content of the programme (code or short name; the list sheet has them)."), type="code", required=True, choices=_contents, example="dao-tao-nghe", validation_list=False),
    Column("kind", _("project kind"), _("Ordinary, pilot, group or inter-regional project."), type="choice", required=True, choices=_project_kinds, example="đề án thông thường"),
    Column("name", _("project name"), _("As in the decision."), required=True, example="Đào tạo nghề dệt thổ cẩm tại tỉnh Hà Giang", max_length=500),
    Column("objectives", _("objectives"), _("The project's objectives."), required=True, example="Đào tạo 60 lao động"),
    Column("province", _("province (as it was)"), _("The province of the project on its filing date, by its name then: a former province (e.g. Hà Giang in 2019) is accepted."), type="province", required=True, choices=_provinces, example="Hà Giang", validation_list=False),
    Column("implementing_org", _("implementing organisation"), _("The provincial extension centre, partner or central service organisation, by its code or exact name."), type="code", required=True, example="ttkc-02-2008"),
    Column("start_date", _("start date"), _("The project's start."), type="date", required=True, example="01/03/2019"),
    Column("end_date", _("end date"), _("The project's end."), type="date", required=True, example="15/12/2019"),
    Column("filed_on", _("filed on"), _("The date the proposal was filed (not in the future)."), type="date", required=True, example="15/06/2018"),
    Column("appraised_on", _("appraised on"), _("The date of the agency's appraisal; empty: the filing date."), type="date", example="20/09/2018"),
    Column("document", _("filing documents"), _("The proposal's documents (reference), for the project's timeline."), example="Hồ sơ đề án số 12/SCT", max_length=200),
    Column("state_support", _("state support requested"), _("The support requested from the budget; the project's one summary budget line."), type="money", required=True, unit=_("đồng"), example="210.000.000"),
    Column("counterpart", _("counterpart requested"), _("The counterpart funds planned (empty: none); on the same budget line."), type="money", unit=_("đồng"), example="90.000.000"),
    Column("recommended_doit", _("recommended by the DOIT"), _("What the province's DOIT recommended (empty: not in the documents)."), type="money", unit=_("đồng"), example="210.000.000"),
    Column("recommended", _("recommended by the agency"), _("What the agency's appraisal recommended (empty: not in the documents)."), type="money", unit=_("đồng"), example="200.000.000"),
    Column("indicator", _("planned result: indicator"), _("An indicator of the project's content (code or exact name); empty: no planned result."), type="code", example="lao-dong-dao-tao", validation_list=False),
    Column("target", _("planned result: target"), _("The value planned for the indicator, in its unit."), type="number", example="60"),
    Column("beneficiaries", _("beneficiaries (tax codes)"), _("The tax codes of the establishments supported, separated by “;” (each must be registered)."), example="0100233488; 5100123456"),
]  # fmt: skip

MONEY = ("state_support", "counterpart", "recommended_doit", "recommended")


class Context:
    def __init__(self, user) -> None:
        from khuyencong.core.permissions import get_scope
        from khuyencong.orgs.models import Organisation
        from khuyencong.programmes.models import Content, Indicator, Programme
        from khuyencong.projects.services.proposals import IMPLEMENTING_KINDS

        self.user = user
        self.checking = True
        self.dry_run = True
        self.scope = get_scope(user)
        self.places = values.Places()
        self.contents: dict[str, Any] = {}
        for content in Content.objects.all():
            for name in (content.code, content.short_name, content.name):
                self.contents.setdefault(fold(name), content)
        self.orgs: dict[str, list] = {}
        for org in Organisation.objects.filter(kind__in=IMPLEMENTING_KINDS):
            self.orgs.setdefault(fold(org.code), []).append(org)
            if fold(org.name) != fold(org.code):
                self.orgs.setdefault(fold(org.name), []).append(org)
        self.indicators: dict[str, list] = {}
        for indicator in Indicator.objects.all():
            self.indicators.setdefault(fold(indicator.code), []).append(indicator)
            self.indicators.setdefault(fold(indicator.name), []).append(indicator)
        self.programmes = list(Programme.objects.select_related("legal_basis"))
        self.establishments: dict[str, Any] = {}
        self.handed: list[tuple[Parsed, _Written]] = []  # rows written by :meth:`ProjectHistoryKind.flush`


class ProjectHistoryKind(Kind):
    key = "projects"
    label = _("Projects of past plan years")
    description = _(
        "One row per project of a past plan year (2014 onward) as its documents give it: recorded as "
        "appraised by the agency and waiting for its decision; its decisions and money come in the "
        "money movements file."
    )
    natural_key = _(
        "The project code; without it, the plan year, funding source, province (as it was) and name."
    )
    notes = _(
        "Only the agency records past projects. Budget: one summary budget line per project from the "
        "state support requested and the counterpart. The province is the one of the filing date, by "
        "its name then (former provinces accepted). A row equal to its project is unchanged; a changed "
        "row corrects a project still waiting for its decision; a project already on a decision is "
        "refused (it has moved on)."
    )
    columns = COLUMNS
    menu = "projects"
    list_url = "projects:list"
    list_label = _("All projects")

    def prepare(self, user) -> Context:
        return Context(user)

    def may_import(self, user) -> bool:
        from khuyencong.core.permissions import get_scope

        return get_scope(user).national_write

    def record_url(self, object_id: int) -> str | None:
        from django.urls import reverse

        return reverse("projects:detail", args=[object_id])

    # --- reading a row ------------------------------------------------------------------------

    def parse(self, row: int, cells: dict[str, Any], context: Context) -> Parsed:
        parsed = Parsed(row)
        read: dict[str, Any] = {}
        for column in self.columns:
            raw = cells.get(column.key)
            try:
                value = read_cell(column, raw) if column.type != "province" else values.clean_text(raw or "")
            except values.ValueProblem as problem:
                parsed.error(column.key, str(problem), raw)
                continue
            if (value is None or value == "") and column.required:
                parsed.error(column.key, gettext("This column is required."), raw)
                continue
            read[column.key] = value
        if parsed.errors:
            return parsed
        year = read["plan_year"]
        if year < 2014:
            parsed.error("plan_year", gettext("The programme's history begins with the 2014 plan."), year)
        filed_on = read["filed_on"]
        try:
            province = context.places.province(read["province"], filed_on)
        except values.ValueProblem as problem:
            parsed.error("province", str(problem), read["province"])
            province = None
        content = context.contents.get(fold(read["content"]))
        if content is None:
            parsed.error(
                "content",
                gettext("No content has the code or name “%(value)s”.") % {"value": read["content"]},
            )
        orgs = context.orgs.get(fold(read["implementing_org"]), [])
        if len({o.pk for o in orgs}) != 1:
            parsed.error(
                "implementing_org",
                (
                    gettext("No implementing organisation has the code or name “%(value)s”.")
                    if not orgs
                    else gettext("“%(value)s” names several organisations: give its code.")
                )
                % {"value": read["implementing_org"]},
                read["implementing_org"],
            )
        programme = self._programme(parsed, read, context)
        results = None
        if read.get("indicator"):
            found = {i.pk: i for i in context.indicators.get(fold(read["indicator"]), [])}
            if content is not None:
                found = {pk: i for pk, i in found.items() if i.content_id == content.pk} or found
            if len(found) != 1:
                parsed.error(
                    "indicator",
                    gettext("No indicator has the code or name “%(value)s”.") % {"value": read["indicator"]},
                    read["indicator"],
                )
            elif read.get("target") is None:
                parsed.error("target", gettext("Give the target of the planned result."), "")
            else:
                results = [{"indicator": next(iter(found.values())), "target": read["target"]}]
        elif read.get("target") is not None:
            parsed.error("indicator", gettext("Name the indicator of the target."), "")
        tax_codes = [c for c in re.split(r"[;,\s]+", read.get("beneficiaries") or "") if c]
        if parsed.errors:
            return parsed
        counterpart = read.get("counterpart") or 0
        parsed.data = {
            "data": {
                "plan_year": year,
                "source": read["source"],
                "programme": programme,
                "content": content,
                "kind": read["kind"],
                "name": read["name"],
                "objectives": read["objectives"],
                "implementing_org": orgs[0],
                "lead_province": province,
                "start_date": read["start_date"],
                "end_date": read["end_date"],
            },
            "budget_lines": [
                {
                    "category": "other",
                    "item": gettext("Total budget of the project (from its documents)"),
                    "state_support": read["state_support"],
                    "counterpart": counterpart,
                }
            ],
            "results": results,
            "tax_codes": tax_codes,
            "filed_on": filed_on,
            "appraised_on": read.get("appraised_on"),
            "document": read.get("document") or "",
            "recommended_doit": read.get("recommended_doit"),
            "recommended": read.get("recommended"),
            "code": (read.get("code") or "").upper(),
        }
        code = parsed.data["code"]
        parsed.key = (
            ("code", code) if code else ("name", year, read["source"], province.pk, fold(read["name"]))
        )
        return parsed

    @staticmethod
    def _programme(parsed: Parsed, read: dict, context: Context) -> Any:
        year = read["plan_year"]
        if read.get("programme"):
            found = [p for p in context.programmes if fold(p.code) == fold(read["programme"])]
            if not found:
                parsed.error(
                    "programme",
                    gettext("No programme has the code “%(value)s”.") % {"value": read["programme"]},
                    read["programme"],
                )
                return None
            return found[0]
        found = [p for p in context.programmes if p.level == "national" and p.covers_year(year)]
        if len(found) != 1:
            parsed.error(
                "programme",
                gettext("Give the programme's code: no single national programme covers %(year)s.")
                % {"year": year},
            )
            return None
        return found[0]

    # --- finding and checking the records -------------------------------------------------------

    def resolve(self, rows: list[Parsed], context: Context) -> None:
        from django.db.models.functions import Upper

        from khuyencong.establishments.models import Establishment
        from khuyencong.projects.models import Project

        if not context.scope.national_write:
            for parsed in rows:
                if not parsed.errors:
                    parsed.error("", gettext("Only the agency records projects of past plan years."))
            return
        ok = [p for p in rows if not p.errors and p.key]
        visible = Project.objects.restrict(context.user, VIEW)
        codes = {p.key[1] for p in ok if p.key[0] == "code"}
        by_code = {}
        if codes:
            by_code = {
                p.code_upper: p
                for p in visible.annotate(code_upper=Upper("code")).filter(code_upper__in=codes)
            }
        named = [p for p in ok if p.key[0] == "name"]
        by_name: dict[tuple, list] = {}
        if named:
            for project in visible.filter(
                plan_year__in={p.key[1] for p in named}, lead_province__in={p.key[3] for p in named}
            ):
                key = (
                    "name",
                    project.plan_year,
                    project.source,
                    project.lead_province_id,
                    fold(project.name),
                )
                by_name.setdefault(key, []).append(project)
        wanted = {c for p in ok for c in p.data["tax_codes"] if c not in context.establishments}
        if wanted:
            for establishment in Establishment.objects.filter(tax_code__in=wanted):
                context.establishments[establishment.tax_code] = establishment
        for parsed in ok:
            beneficiaries = []
            for tax_code in parsed.data["tax_codes"]:
                establishment = context.establishments.get(tax_code)
                if establishment is None:
                    parsed.error(
                        "beneficiaries",
                        gettext("No establishment has the tax code %(code)s.") % {"code": tax_code},
                        tax_code,
                    )
                else:
                    beneficiaries.append({"establishment": establishment})
            parsed.data["beneficiaries"] = beneficiaries if parsed.data["tax_codes"] else None
            if parsed.errors:
                continue
            if parsed.key[0] == "code":
                existing = by_code.get(parsed.key[1])
            else:
                found = by_name.get(parsed.key, [])
                if len(found) > 1:
                    parsed.error("name", gettext("Several projects have this name: give the project code."))
                    continue
                existing = found[0] if found else None
            parsed.extra["existing"] = existing
            if existing is None:
                parsed.extra["action"] = "created"
            elif _same(existing, parsed.data):
                parsed.extra["action"] = "unchanged"
                continue
            else:
                from khuyencong.projects.services.history import waiting_for_decision

                if not waiting_for_decision(existing):
                    parsed.error(
                        "",
                        gettext(
                            "%(code)s has moved on (it is “%(status)s”): a file of past projects cannot "
                            "change it any more; correct it on its page or by a decision."
                        )
                        % {"code": existing.code, "status": existing.get_status_display()},
                    )
                    continue
                parsed.extra["action"] = "updated"
            if context.checking and context.dry_run:
                try:
                    rehearse(lambda parsed=parsed: self._apply(parsed, context))
                except (ValidationError, PermissionDenied) as error:
                    parsed.errors.extend(_errors(parsed.row, error))

    @staticmethod
    def _apply(parsed: Parsed, context: Context) -> Any:
        from khuyencong.projects.services import history

        d = parsed.data
        common = {
            "user": context.user,
            "data": d["data"],
            "budget_lines": d["budget_lines"],
            "results": d["results"],
            "beneficiaries": d["beneficiaries"],
            "filed_on": d["filed_on"],
            "recommended_doit": d["recommended_doit"],
            "recommended": d["recommended"],
            "appraised_on": d["appraised_on"],
        }
        existing = parsed.extra.get("existing")
        if existing is None:
            return history.project_record_appraised(**common, document=d["document"], code=d["code"] or None)
        return history.project_correct_appraised(**common, project=existing)

    def write(self, parsed: Parsed, context: Context) -> tuple[str, Any]:
        """Hand the row over; :meth:`flush` writes the chunk's rows through the services together."""
        action = parsed.extra["action"]
        if action == "unchanged":
            return "unchanged", parsed.extra["existing"]
        record = _Written()
        context.handed.append((parsed, record))
        return action, record

    def flush(self, context: Context) -> list[CellError]:
        """The chunk's rows through the services as one unit of work (``projects.services.batch``):
        each project recorded or corrected in turn, their ledger entries, statuses and timelines
        written together at the end."""
        from khuyencong.projects.services.batch import batch

        handed, context.handed = context.handed, []
        errors: list[CellError] = []
        if not handed:
            return errors
        with batch(context.user) as unit:
            # which of the chunk's codes are taken, read at once for the service's check
            unit.read_codes(parsed.data["code"] for parsed, _record in handed if parsed.data["code"])
            for parsed, record in handed:
                try:
                    record.pk = self._apply(parsed, context).pk
                except (ValidationError, PermissionDenied) as error:
                    errors.extend(_errors(parsed.row, error))
                    unit.discard()
        return errors

    # --- export in the template's columns --------------------------------------------------------

    def export_queryset(self, user) -> Any:
        from khuyencong.projects.models import Project

        return (
            Project.objects.restrict(user, VIEW)
            .exclude(status="draft")
            .select_related("programme", "content", "implementing_org", "lead_province")
            .prefetch_related("budget_lines", "planned_results__indicator", "beneficiaries__establishment")
            .order_by("plan_year", "code")
        )

    def export_values(self, p: Any) -> list[Any]:
        from khuyencong.projects.models import FundingSource, ProjectKind
        from khuyencong.projects.services import ledger

        money = ledger.money_of(p)
        lines = list(p.budget_lines.all())
        results = list(p.planned_results.all())
        event = p.events.filter(kind="submitted").order_by("id").first()
        filed = event.on if event and event.on else (p.submitted_at.date() if p.submitted_at else None)
        return [
            p.code,
            p.plan_year,
            str(FundingSource(p.source).label),
            p.programme.code if p.programme_id else "",
            p.content.code,
            str(ProjectKind(p.kind).label),
            p.name,
            p.objectives,
            p.lead_province.name,
            p.implementing_org.code if p.implementing_org_id else "",
            p.start_date,
            p.end_date,
            filed,
            None,
            event.document if event else "",
            sum(line.state_support for line in lines),
            sum(line.counterpart for line in lines),
            money.recommended_doit or None,
            money.recommended or None,
            results[0].indicator.code if results else "",
            _shown(results[0].target) if results else "",
            "; ".join(b.establishment.tax_code for b in p.beneficiaries.all() if b.establishment.tax_code),
        ]


class _Written:
    """The record of a row handed over to :meth:`ProjectHistoryKind.flush` (its id once written)."""

    pk: int | None = None


def _same(project: Any, d: dict) -> bool:
    """Whether the project already is as the row says (fields, the budget line, the ledger's request
    and recommendations, the planned result, the beneficiaries)."""
    from khuyencong.projects.models import LedgerKind
    from khuyencong.projects.services import ledger

    for name, value in d["data"].items():
        current = getattr(project, name + "_id") if hasattr(value, "pk") else getattr(project, name)
        if current != (value.pk if hasattr(value, "pk") else value):
            return False
    line = d["budget_lines"][0]
    lines = list(project.budget_lines.all())
    if (sum(x.state_support for x in lines), sum(x.counterpart for x in lines)) != (
        line["state_support"],
        line["counterpart"],
    ):
        return False
    for kind, wanted in (
        (LedgerKind.RECOMMENDED_DOIT, d["recommended_doit"]),
        (LedgerKind.RECOMMENDED, d["recommended"]),
    ):
        if wanted is not None and ledger.total(project, kind) != wanted:
            return False
    if d["results"] is not None:
        planned = {(r.indicator_id, Decimal(r.target)) for r in project.planned_results.all()}
        if planned != {(r["indicator"].pk, Decimal(r["target"])) for r in d["results"]}:
            return False
    if d["beneficiaries"] is not None:
        have = set(project.beneficiaries.values_list("establishment_id", flat=True))
        if have != {b["establishment"].pk for b in d["beneficiaries"]}:
            return False
    return True


def _errors(row: int, error: Exception) -> list[CellError]:
    """The services' refusal as errors of the row's columns."""
    if isinstance(error, PermissionDenied):
        return [CellError(row, "", str(error))]
    assert isinstance(error, ValidationError)
    if hasattr(error, "error_dict"):
        return [
            CellError(row, FIELD_COLUMN.get(name, ""), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [CellError(row, "", message) for message in error.messages]


def _shown(value: Any) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


PROJECTS = register(ProjectHistoryKind())
