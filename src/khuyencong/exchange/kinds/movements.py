"""Money movements of projects (the programme's history, and any year's movements): one row per
dated movement – an allocation decision, an amendment (adjust, stop, addition), the contract, an
advance, a payment, the acceptance, the settlement, a refund – written through the projects'
services (``decisions``, ``implementation``), never as ledger rows.

Rows are applied **in date order** (and on the same day: decisions, then the contract, advances,
payments, acceptance, settlement, refunds), whatever their order in the file: all of them together
once the file is read (``Kind.finish``), from a compact list of the checked rows. The rows of one
decision – the same number and date – form one decision: created if it does not exist, one line
per project, issued once all its lines are set.

Natural key: **project code + movement + document number + date** (for a decision, its number).
A movement already recorded (the project's timeline has it: same kind, document and date) is
unchanged; with another amount it is refused – a recorded movement is corrected by a new one
(an amendment decision, a refund), not by a file.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.formatting import format_money
from khuyencong.core.permissions import VIEW
from khuyencong.core.text import fold
from khuyencong.exchange import values
from khuyencong.exchange.kinds import CellError, Column, Kind, Parsed, read_cell, register, rehearse

ALLOCATION, ADD, ADJUST, STOP = "allocation", "add", "adjust", "stop"
CONTRACT, ADVANCE, PAYMENT, ACCEPTANCE, SETTLEMENT, REFUND = (
    "contract",
    "advance",
    "payment",
    "acceptance",
    "settlement",
    "refund",
)
# the order of the movements of one day
ORDER = [ALLOCATION, ADD, ADJUST, STOP, CONTRACT, ADVANCE, PAYMENT, ACCEPTANCE, SETTLEMENT, REFUND]
DECISIONS = {ALLOCATION, ADD, ADJUST, STOP}
LABELS = {
    ALLOCATION: pgettext_lazy("movement", "allocation decision"),
    ADD: pgettext_lazy("movement", "amendment: addition"),
    ADJUST: pgettext_lazy("movement", "amendment: adjustment"),
    STOP: pgettext_lazy("movement", "amendment: stop"),
    CONTRACT: pgettext_lazy("movement", "contract"),
    ADVANCE: pgettext_lazy("movement", "advance"),
    PAYMENT: pgettext_lazy("movement", "payment"),
    ACCEPTANCE: pgettext_lazy("movement", "acceptance"),
    SETTLEMENT: pgettext_lazy("movement", "settlement"),
    REFUND: pgettext_lazy("movement", "refund"),
}
EVENTS = {
    ALLOCATION: "approved",
    ADD: "approved",
    ADJUST: "amended",
    STOP: "stopped",
    CONTRACT: "contract_signed",
    ADVANCE: "advance",
    PAYMENT: "payment",
    ACCEPTANCE: "accepted",
    SETTLEMENT: "settled",
    REFUND: "refund",
}
MOVEMENT_OF_EVENT = {event: movement for movement, event in EVENTS.items() if movement not in (ADD,)}
DECISION_EVENTS = {EVENTS[m] for m in DECISIONS}
# a decision line's action → its movement (an addition's event is "approved", as an allocation's)
MOVEMENT_OF_ACTION = {"approve": ALLOCATION, "add": ADD, "adjust": ADJUST, "stop": STOP}
# the services' fields → the columns that hold them
FIELD_COLUMN = {
    "amount": "amount",
    "value": "amount",
    "reason": "note",
    "note": "note",
    "date": "date",
    "signed_on": "date",
    "paid_on": "date",
    "accepted_on": "date",
    "settled_on": "date",
    "refunded_on": "date",
    "number": "document",
    "minutes_number": "document",
    "document": "document",
    "reference": "document",
    "signer": "signer",
    "issuer": "issuer",
    "title": "subject",
    "parties": "parties",
    "counterpart_actual": "counterpart_actual",
}
NATIONAL_ISSUER = "bo-cong-thuong"


def _movements() -> list[tuple[str, str]]:
    return [(m, str(LABELS[m])) for m in ORDER]


COLUMNS = [
    Column("project", _("project code"), _("The project's code (as the projects file or the system gave it)."), type="code", required=True, example="KCQG-2019-02-0003"),
    Column("date", _("date"), _("The date of the movement: the decision's date, the contract's signing, the payment's value date…"), type="date", required=True, example="20/01/2019"),
    Column("movement", _("kind of movement"), _("What moved: an allocation decision, an amendment (addition, adjustment, stop), the contract, an advance, a payment, the acceptance, the settlement or a refund."), type="choice", required=True, choices=_movements, example="quyết định giao kế hoạch"),
    Column("amount", _("amount"), _("For a decision, the approved support after it (0 for a stop); the contract's value; the amount paid, settled or refunded. Empty for an acceptance."), type="money", unit=_("đồng"), example="200.000.000"),
    Column("document", _("document number"), _("The decision's number (the rows of one number and date form one decision); otherwise the contract, payment order, minutes or settlement reference."), required=True, example="01/QĐ-BCT", max_length=60),
    Column("signer", _("signed by"), _("Decisions: who signed (empty: the issuer)."), example="Thứ trưởng Bộ Công Thương", max_length=200),
    Column("issuer", _("issued by"), _("Decisions: the issuing organisation's code, exact name or short name (UBND Tuyên Quang). Empty: the Ministry of Industry and Trade; for a provincial (KCĐP) project, the People's Committee of its province in office on the decision's date. A provincial decision is issued in its project's province."), type="code", example="bo-cong-thuong"),
    Column("subject", _("decision subject"), _("Decisions: the subject (empty: written from the movement and the year)."), max_length=500),
    Column("parties", _("contract parties"), _("Contracts: the parties (empty: the implementing organisation)."), max_length=500),
    Column("counterpart_actual", _("counterpart spent"), _("Settlements: the counterpart funds actually spent (empty: not recorded)."), type="money", unit=_("đồng")),
    Column("note", _("note or reason"), _("A stop or adjustment says why (required for a stop); any other movement keeps its note (a contract, an advance, a payment, a refund…)."), example="Cơ sở không đủ vốn đối ứng", max_length=500),
]  # fmt: skip


class Pending(NamedTuple):
    """One checked row waiting to be applied (kept small: a file may hold hundreds of thousands)."""

    date: datetime.date
    order: int
    row: int
    project_id: int
    movement: str
    amount: int
    document: str
    signer: str
    issuer_id: int | None
    subject: str
    parties: str
    counterpart_actual: int | None
    note: str


class Context:
    def __init__(self, user) -> None:
        from khuyencong.core.permissions import get_scope
        from khuyencong.orgs.models import Organisation, OrgKind

        self.user = user
        self.checking = True
        self.dry_run = True
        self.scope = get_scope(user)
        self.projects: dict[str, Any] = {}  # code (upper) → project or None
        self.orgs: dict[str, list] = {}
        self.committees: dict[int | None, list] = {}  # province → its People's Committees
        for org in Organisation.objects.only(
            "id", "code", "name", "short_name", "kind", "province_id", "valid_from", "valid_until"
        ):
            for key in {fold(org.code), fold(org.name), fold(org.short_name)} - {""}:
                self.orgs.setdefault(key, []).append(org)
            if org.kind == OrgKind.PEOPLES_COMMITTEE:
                self.committees.setdefault(org.province_id, []).append(org)
        national = self.orgs.get(fold(NATIONAL_ISSUER), [])
        self.national_issuer = national[0] if national else None
        self.pending: list[Pending] = []
        self.pass_checking: bool | None = None


class MovementsKind(Kind):
    key = "movements"
    label = _("Money movements of projects")
    description = _(
        "One row per dated movement of a project – allocation and amendment decisions, contract, "
        "advances, payments, acceptance, settlement, refunds – applied in date order through the same "
        "rules as on the project's page."
    )
    natural_key = _("The project code, the movement, the document number and the date.")
    notes = _(
        "Rows are applied in date order whatever their order in the file (on the same day: decisions, "
        "contract, advances, payments, acceptance, settlement, refunds). Rows with the same decision "
        "number and date form one decision, issued once all its lines are set. A movement already "
        "recorded is unchanged; with another amount it is refused: a recorded movement is corrected by "
        "a new one (an amendment decision, a refund)."
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
        return scope.national_write or bool(scope.current_write)

    def record_url(self, object_id: int) -> str | None:
        from django.urls import reverse

        return reverse("projects:detail", args=[object_id])

    def record_model(self, user) -> Any:
        from khuyencong.projects.models import Project

        return Project

    # --- reading a row ------------------------------------------------------------------------

    def parse(self, row: int, cells: dict[str, Any], context: Context) -> Parsed:
        parsed = Parsed(row)
        read: dict[str, Any] = {}
        for column in self.columns:
            raw = cells.get(column.key)
            try:
                value = read_cell(column, raw)
            except values.ValueProblem as problem:
                parsed.error(column.key, str(problem), raw)
                continue
            if value is None and column.required:
                parsed.error(column.key, gettext("This column is required."), raw)
                continue
            read[column.key] = value
        if parsed.errors:
            return parsed
        movement = read["movement"]
        amount = read.get("amount")
        if amount is None:
            if movement == STOP:
                amount = 0
            elif movement != ACCEPTANCE:
                parsed.error("amount", gettext("This movement needs its amount."), "")
        elif amount < 0:
            parsed.error("amount", gettext("The amount cannot be negative."), amount)
        issuers: list[Any] = []  # the organisations the issuer column names (chosen in :meth:`resolve`)
        if movement in DECISIONS and read.get("issuer"):
            issuers = list({o.pk: o for o in context.orgs.get(fold(read["issuer"]), [])}.values())
            if not issuers:
                parsed.error("issuer", _no_single_issuer(read["issuer"]), read["issuer"])
        if parsed.errors:
            return parsed
        parsed.data = {
            **read,
            "amount": amount or 0,
            "issuers": issuers,
            "project": read["project"].upper(),
        }
        parsed.key = (parsed.data["project"], movement, fold(read["document"]), read["date"])
        return parsed

    # --- finding and checking the records -------------------------------------------------------

    def resolve(self, rows: list[Parsed], context: Context) -> None:
        from django.db.models.functions import Upper

        from khuyencong.projects.models import Project, ProjectEvent

        if context.pass_checking != context.checking:  # a new pass: the list starts again
            context.pending, context.pass_checking = [], context.checking
        wanted = {p.key[0] for p in rows if p.key and p.key[0] not in context.projects}
        if wanted:
            visible = Project.objects.restrict(context.user, VIEW).annotate(code_upper=Upper("code"))
            for project in visible.filter(code_upper__in=wanted).only(
                "id", "code", "status", "source", "lead_province_id", "lead_province_now_id"
            ):
                context.projects[project.code.upper()] = project
            for code in wanted:
                context.projects.setdefault(code, None)
        ok = [p for p in rows if p.key and not p.errors and context.projects.get(p.key[0])]
        recorded: dict[tuple, Any] = {}
        if ok:
            for event in ProjectEvent.objects.filter(
                project__in={context.projects[p.key[0]].pk for p in ok},
                kind__in=set(EVENTS.values()),
                on__in={p.data["date"] for p in ok},
            ).only("project_id", "kind", "document", "on", "amount"):
                recorded[(event.project_id, event.kind, fold(event.document), event.on)] = event
        for parsed in rows:
            if parsed.errors or parsed.key is None:
                continue
            d = parsed.data
            project = context.projects.get(parsed.key[0])
            if project is None:
                parsed.error(
                    "project",
                    gettext("No project has the code “%(code)s” among the projects you can see.")
                    % {"code": d["project"]},
                    d["project"],
                )
                continue
            parsed.extra["project"] = project
            movement = d["movement"]
            document = d["document"]
            issuer_id = None
            if movement in DECISIONS:
                document = f"{document} ({d['date']:%d/%m/%Y})"
                issuer_id = _issuer(parsed, project, context)
                if parsed.errors:
                    continue
            event = recorded.get((project.pk, EVENTS[movement], fold(document), d["date"]))
            if event is not None:
                if movement == ACCEPTANCE or event.amount == d["amount"]:
                    parsed.extra["action"] = "unchanged"
                    continue
                parsed.error(
                    "amount",
                    gettext(
                        "This movement is already recorded with %(amount)s; a file cannot change a recorded "
                        "movement (record a new one: an amendment decision, a refund)."
                    )
                    % {"amount": format_money(event.amount or 0)},
                    d["amount"],
                )
                continue
            parsed.extra["action"] = "created"
            context.pending.append(
                Pending(
                    d["date"],
                    ORDER.index(movement),
                    parsed.row,
                    project.pk,
                    movement,
                    d["amount"],
                    d["document"],
                    d.get("signer") or "",
                    issuer_id,
                    d.get("subject") or "",
                    d.get("parties") or "",
                    d.get("counterpart_actual"),
                    d.get("note") or "",
                )
            )

    def write(self, parsed: Parsed, context: Context) -> tuple[str, Any]:
        # the rows are applied together, in date order, in :meth:`finish`
        return parsed.extra["action"], parsed.extra["project"]

    def finish(self, context: Context, *, final: bool) -> list[CellError]:
        pending, context.pending = context.pending, []
        errors: list[CellError] = []
        if not pending:
            return errors
        if final:
            _Applier(context, errors).run(pending)
        else:
            rehearse(lambda: _Applier(context, errors).run(pending))
        return sorted(errors, key=lambda e: e.row)

    # --- export in the template's columns --------------------------------------------------------

    def export_queryset(self, user) -> Any:
        from django.db.models import F

        from khuyencong.projects.models import Project, ProjectEvent

        return (
            ProjectEvent.objects.filter(
                project__in=Project.objects.restrict(user, VIEW), kind__in=set(EVENTS.values())
            )
            # an acceptance that did not pass (the status stayed) has no row: the file's is a passed one
            .exclude(kind=EVENTS[ACCEPTANCE], to_status=F("from_status"))
            .select_related("project", "project__contract")
            .order_by("on", "project__code", "id")
        )

    def export_values(self, e: Any) -> list[Any]:
        return self.export_page([e])[0]

    def export_page(self, events: list[Any]) -> list[list[Any]]:
        """Every column as the import reads it back, from the records the import wrote: a decision's
        line (movement, reason) with its decision (number, signer, issuer, subject), the contract
        (parties, note), the settlement's counterpart spent in the ledger – each read once for the
        page. A decision's event names it as ``str(decision)`` on the decision's date."""
        from khuyencong.projects.models import DecisionLine, LedgerKind
        from khuyencong.projects.services.ledger import money_by_project

        decided = [e for e in events if e.kind in DECISION_EVENTS]
        lines: dict[tuple[int, str], Any] = {}
        if decided:
            for line in (
                DecisionLine.objects.filter(
                    project_id__in={e.project_id for e in decided},
                    decision__date__in={e.on for e in decided},
                    decision__issued_at__isnull=False,
                )
                .select_related("decision__issuer")
                .order_by("decision_id")
            ):
                lines.setdefault((line.project_id, str(line.decision)), line)
        settled = {e.project_id for e in events if e.kind == EVENTS[SETTLEMENT]}
        sums = money_by_project(settled) if settled else {}
        rows = []
        for e in events:
            movement, document, note = MOVEMENT_OF_EVENT[e.kind], e.document, e.note
            signer = issuer = subject = parties = ""
            counterpart = None
            line = lines.get((e.project_id, e.document)) if e.kind in DECISION_EVENTS else None
            if line is not None:
                decision = line.decision
                movement, document, note = MOVEMENT_OF_ACTION[line.action], decision.number, line.reason
                signer, issuer, subject = decision.signer, decision.issuer.code, decision.title
            elif e.kind in DECISION_EVENTS:
                document = document.rsplit(" (", 1)[0]
            elif movement == CONTRACT:
                contract = getattr(e.project, "contract", None)
                if contract is not None and contract.number == e.document:
                    parties, note = contract.parties, contract.note
            elif movement == SETTLEMENT:
                counterpart = sums.get(e.project_id, {}).get(LedgerKind.COUNTERPART_ACTUAL)
            rows.append(
                [
                    e.project.code,
                    e.on,
                    str(LABELS[movement]),
                    e.amount,
                    document,
                    signer,
                    issuer,
                    subject,
                    parties,
                    counterpart,
                    note,
                ]
            )
        return rows


def _no_single_issuer(value: str) -> str:
    return gettext("No single organisation has the code or name “%(value)s”.") % {"value": value}


def _issuer(parsed: Parsed, project: Any, context: Context) -> int | None:
    """The issuing organisation of a decision row (an error on the issuer column if none fits).

    A national (KCQG) decision is the Ministry's when the column is empty, and never a province's
    organisation's. A provincial (KCĐP) decision
    is issued in the project's province: an empty column means the People's Committee of that
    province in office on the decision's date; a name that several organisations bore (the People's
    Committee of a province before and after 2025) means the one of the project's province in
    office on that date; an organisation of another province (or the Ministry) is refused."""
    from khuyencong.projects.models import FundingSource

    d = parsed.data
    day = d["date"]
    named = d.get("issuer") or ""
    if project.source != FundingSource.KCDP:
        if not named:
            return context.national_issuer.pk if context.national_issuer is not None else None
        if len(d["issuers"]) != 1:
            parsed.error("issuer", _no_single_issuer(named), named)
            return None
        issuer = d["issuers"][0]
        if project.source == FundingSource.KCQG and issuer.province_id is not None:
            parsed.error(
                "issuer",
                gettext(
                    "A national (KCQG) decision is issued by the Ministry or its agency: “%(value)s” is an "
                    "organisation of a province."
                )
                % {"value": named},
                named,
            )
            return None
        return issuer.pk
    provinces = {project.lead_province_id, project.lead_province_now_id}
    if named:
        candidates = [o for o in d["issuers"] if o.province_id in provinces]
    else:
        candidates = [o for province in provinces for o in context.committees.get(province, [])]
    candidates = list({o.pk: o for o in candidates}.values())
    if len(candidates) > 1:
        candidates = [o for o in candidates if o.valid_on(day)]
    if len(candidates) == 1:
        return candidates[0].pk
    from khuyencong.geo.models import AdministrativeUnit

    province = AdministrativeUnit.objects.only("name").get(pk=project.lead_province_id).name
    if named and not candidates:
        message = gettext(
            "A provincial (KCĐP) decision is issued in its project's province: “%(value)s” is not an "
            "organisation of %(province)s (write its People's Committee's code or name)."
        ) % {"value": named, "province": province}
    elif named:
        message = _no_single_issuer(named)
    else:
        message = gettext(
            "A provincial (KCĐP) decision is issued by the People's Committee of %(province)s, and none "
            "in office on %(date)s is known: write the issuing organisation's code or name."
        ) % {"province": province, "date": f"{day:%d/%m/%Y}"}
    parsed.error("issuer", message, named)
    return None


class _Applier:
    """Applies the checked rows in date order through the services; errors by row and column."""

    def __init__(self, context: Context, errors: list[CellError]) -> None:
        self.context = context
        self.errors = errors
        self.failed: set[int] = set()  # projects whose earlier movement failed: not followed further

    def run(self, pending: list[Pending]) -> None:
        """Through the services, as one unit of work: the projects are read and locked together
        and what the services write is written together at the end (``projects.services.batch``)."""
        from khuyencong.projects.services.batch import batch

        with batch(self.context.user, {item.project_id for item in pending}):
            self._run(pending)

    def _run(self, pending: list[Pending]) -> None:
        decisions: dict[tuple, list[Pending]] = {}
        for item in pending:
            if item.movement in DECISIONS:
                decisions.setdefault((item.document, item.date, item.issuer_id), []).append(item)
        # a decision is applied at the place of its first line (its lines may mix stops and additions)
        steps: list[tuple] = []
        for key, lines in decisions.items():
            first = min(lines, key=lambda p: (p.order, p.row))
            steps.append((first.date, first.order, first.row, key))
        steps.extend((p.date, p.order, p.row, p) for p in pending if p.movement not in DECISIONS)
        steps.sort(key=lambda s: s[:3])
        for _date, _order, _row, step in steps:
            if isinstance(step, Pending):
                self._movement(step)
            else:
                self._decision(step, sorted(decisions[step], key=lambda p: p.row))

    # --- errors ----------------------------------------------------------------------------------

    def _refused(self, item: Pending, error: Exception) -> None:
        from khuyencong.projects.actions import PRE_DECISION
        from khuyencong.projects.services.batch import current

        unit = current()
        if unit is not None:
            unit.discard()  # the import keeps nothing: what the batch kept is not written

        self.failed.add(item.project_id)
        if item.movement not in DECISIONS:
            project = _project(self.context.user, item.project_id)  # as the services see it now
            if project.status in PRE_DECISION:
                self.errors.append(
                    CellError(
                        item.row,
                        "date",
                        gettext(
                            "On %(date)s %(code)s had no allocation decision yet: a %(movement)s comes after "
                            "the decision (check the date, or add the decision's row)."
                        )
                        % {
                            "date": f"{item.date:%d/%m/%Y}",
                            "code": project.code,
                            "movement": LABELS[item.movement],
                        },
                        f"{item.date:%d/%m/%Y}",
                    )
                )
                return
        if isinstance(error, (PermissionDenied, ConflictError)):
            message = error.message if isinstance(error, ConflictError) else str(error)
            self.errors.append(CellError(item.row, "project", str(message)))
            return
        assert isinstance(error, ValidationError)
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.errors.append(CellError(item.row, FIELD_COLUMN.get(name, "movement"), message))
        else:
            for message in error.messages:
                self.errors.append(CellError(item.row, "movement", message))

    # --- decisions -------------------------------------------------------------------------------

    def _decision(self, key: tuple, lines: list[Pending]) -> None:
        from khuyencong.projects.models import Decision, DecisionKind, LineAction
        from khuyencong.projects.services import decisions

        number, date, issuer_id = key
        lines = [p for p in lines if p.project_id not in self.failed]
        if not lines:
            return
        first = lines[0]
        user = self.context.user
        kinds = {
            DecisionKind.ALLOCATION if p.movement == ALLOCATION else DecisionKind.AMENDMENT for p in lines
        }
        if len(kinds) > 1:
            for item in lines:
                self.failed.add(item.project_id)
                self.errors.append(
                    CellError(
                        item.row,
                        "movement",
                        gettext(
                            "Decision %(number)s mixes allocation and amendment rows: a decision is one or the other."
                        )
                        % {"number": number},
                    )
                )
            return
        kind = kinds.pop()
        decision = Decision.objects.filter(number=number, issuer_id=issuer_id).first()
        if decision is not None and decision.date != date:
            for item in lines:
                self.failed.add(item.project_id)
                self.errors.append(
                    CellError(
                        item.row,
                        "document",
                        gettext("Decision %(number)s of this issuer is dated %(date)s.")
                        % {"number": number, "date": f"{decision.date:%d/%m/%Y}"},
                        number,
                    )
                )
            return
        if decision is not None and decision.is_issued:
            for item in lines:
                self.failed.add(item.project_id)
                self.errors.append(
                    CellError(
                        item.row,
                        "document",
                        gettext(
                            "Decision %(number)s is already issued without this project; an issued decision "
                            "cannot change (record an amendment decision)."
                        )
                        % {"number": number},
                        number,
                    )
                )
            return
        projects = {item.project_id: _project(user, item.project_id) for item in lines}
        if decision is None:
            project = projects[first.project_id]
            issuer = (
                next(o for group in self.context.orgs.values() for o in group if o.pk == issuer_id)
                if issuer_id
                else None
            )
            year = project.plan_year
            subject = first.subject or (
                gettext("Allocation of the %(year)s plan")
                if kind == DecisionKind.ALLOCATION
                else gettext("Amendment of the %(year)s plan")
            ) % {"year": year}
            try:
                decision = decisions.decision_create(
                    user=user,
                    data={
                        "kind": kind,
                        "number": number,
                        "date": date,
                        "signer": first.signer or (issuer.name if issuer else ""),
                        "issuer_id": issuer_id,
                        "legal_basis": project.programme.legal_basis if project.programme_id else None,
                        "plan_year": year,
                        "source": project.source,
                        "province_id": project.lead_province_now_id if project.source == "kcdp" else None,
                        "title": subject,
                    },
                )
            except (ValidationError, PermissionDenied, ConflictError) as error:
                for item in lines:
                    self._refused(item, error)
                return
        action_of = {
            ALLOCATION: LineAction.APPROVE,
            ADD: LineAction.ADD,
            ADJUST: LineAction.ADJUST,
            STOP: LineAction.STOP,
        }
        try:
            set_lines = decisions.decision_set_lines(
                user=user,
                decision=decision,
                items=[
                    (projects[item.project_id], action_of[item.movement], item.amount, item.note)
                    for item in lines
                ],
                refused=lambda index, error: self._refused(lines[index], error),
            )
        except (ValidationError, PermissionDenied, ConflictError) as error:
            for item in lines:
                self._refused(item, error)
            return
        if not set_lines:
            return
        try:
            decisions.decision_issue(user=user, decision=decision)
        except (ValidationError, PermissionDenied, ConflictError) as error:
            self._refused(first, error)
            # the decision's other projects may be half-way through it: none is followed further
            self.failed.update(item.project_id for item in lines)

    # --- the other movements ---------------------------------------------------------------------

    def _movement(self, item: Pending) -> None:
        from khuyencong.projects.models import Project
        from khuyencong.projects.services import implementation as impl
        from khuyencong.projects.services.batch import current

        if item.project_id in self.failed:
            return
        user = self.context.user
        # the services lock and read it again (in the batch: the project it read and locked)
        unit = current()
        project = (unit.project(item.project_id) if unit is not None else None) or Project(pk=item.project_id)
        try:
            if item.movement == CONTRACT:
                full = _project(user, item.project_id)
                impl.sign_contract(
                    user=user,
                    project=full,
                    number=item.document,
                    signed_on=item.date,
                    parties=item.parties
                    or (full.implementing_org.name if full.implementing_org_id else full.name)[:500],
                    value=item.amount,
                    note=item.note,
                )
            elif item.movement in (ADVANCE, PAYMENT, REFUND):
                # money paid out or back: the service and the name of its date
                service, day = {
                    ADVANCE: (impl.pay_advance, "paid_on"),
                    PAYMENT: (impl.record_payment, "paid_on"),
                    REFUND: (impl.record_refund, "refunded_on"),
                }[item.movement]
                service(
                    user=user,
                    project=project,
                    amount=item.amount,
                    reference=item.document,
                    note=item.note,
                    **{day: item.date},
                )
            elif item.movement == ACCEPTANCE:
                impl.accept(
                    user=user,
                    project=project,
                    accepted_on=item.date,
                    minutes_number=item.document,
                    result="passed",
                    note=item.note,
                )
            elif item.movement == SETTLEMENT:
                impl.settle(
                    user=user,
                    project=project,
                    settled_on=item.date,
                    document=item.document,
                    amount=item.amount,
                    counterpart_actual=item.counterpart_actual,
                    note=item.note,
                )
        except (ValidationError, PermissionDenied, ConflictError) as error:
            self._refused(item, error)


def _project(user, pk: int) -> Any:
    """The project as the services will lock it (the batch's own object)."""
    from khuyencong.projects.models import Project
    from khuyencong.projects.services.transitions import locked_project

    return locked_project(user, pk) or Project.objects.get(pk=pk)


MOVEMENTS = register(MovementsKind())
