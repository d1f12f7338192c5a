"""Every figure the reports add up, each defined once: what it sums or counts, and which projects.

A *ledger* measure sums the ledger entries of some kinds (whole đồng); a *project* measure counts
projects; an *indicator* measure adds up planned or reported results of an indicator; a
*beneficiary* measure adds up the effect figures the establishments supported by the projects
reported (revenue, production value, jobs – before and after the support). ``statuses``
names the project statuses a measure counts (``None``: every project whose entries exist); with a
report date, the status the project had on that date is what counts (:mod:`.engine`).

The sets of ledger kinds come from the ledger's own vocabulary (``projects.models.choices``), which
the ledger service reads too when it checks a payment against a project's plan – one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khuyencong.projects.models import DECIDED, FILED, PAID_KINDS, PLAN_KINDS, LedgerKind, Status

LEDGER = "ledger"
PROJECTS = "projects"
INDICATOR = "indicator"
BENEFICIARY = "beneficiary"
PERIODIC = "periodic"


@dataclass(frozen=True)
class Measure:
    name: str
    label: str | Promise
    fact: str  # LEDGER, PROJECTS, INDICATOR or BENEFICIARY
    kinds: tuple[str, ...] = ()
    statuses: frozenset[str] | None = None
    # ledger measures counting projects rather than đồng: the projects whose sum is above 0
    count_projects: bool = False
    # indicator measures: "planned" (targets of the projects) or "actual" (approved reports);
    # beneficiary measures: "before", "after" or "reporting" (how many beneficiaries gave both)
    side: str = ""
    # beneficiary measures: the effect figure, "revenue", "production" or "jobs";
    # periodic measures: the code of the form field whose approved values they read
    figure: str = ""
    # periodic measures: how the values add up (FLOW, STOCK, YES or BAND, see below), whether they
    # are đồng, and for BAND the staff range counted (lowest, highest; ``None``: no bound)
    rule: str = ""
    money: bool = False
    band: tuple[int | None, int | None] = (None, None)

    @property
    def is_money(self) -> bool:
        if self.fact == BENEFICIARY:
            return self.figure in MONEY_FIGURES and self.side != REPORTING
        if self.fact == PERIODIC:
            return self.money
        return self.fact == LEDGER and not self.count_projects


def _ledger(name, label, kinds, statuses=None, count_projects=False) -> Measure:
    return Measure(
        name,
        label,
        LEDGER,
        tuple(kinds),
        frozenset(statuses) if statuses is not None else None,
        count_projects=count_projects,
    )


# What a proposal asks and what is recommended counts while the proposal stands: a withdrawn one is
# neither among the proposals nor in their money (its entries stay in the ledger, as history).
PROPOSAL_STATUSES = frozenset(FILED)

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in [
        _ledger("requested", _("Requested"), [LedgerKind.REQUESTED], PROPOSAL_STATUSES),
        _ledger(
            "counterpart_requested",
            _("Counterpart planned"),
            [LedgerKind.COUNTERPART_REQUESTED],
            PROPOSAL_STATUSES,
        ),
        _ledger(
            "recommended_doit", _("Recommended by DOITs"), [LedgerKind.RECOMMENDED_DOIT], PROPOSAL_STATUSES
        ),
        _ledger("recommended", _("Recommended by the council"), [LedgerKind.RECOMMENDED], PROPOSAL_STATUSES),
        _ledger("allocated", LedgerKind.ALLOCATED.label, [LedgerKind.ALLOCATED]),
        _ledger("amended", LedgerKind.AMENDED.label, [LedgerKind.AMENDED]),
        _ledger("plan", _("Approved"), PLAN_KINDS),
        _ledger("advanced", LedgerKind.ADVANCED.label, [LedgerKind.ADVANCED]),
        _ledger("disbursed", LedgerKind.DISBURSED.label, [LedgerKind.DISBURSED]),
        _ledger("paid", _("Paid"), PAID_KINDS),
        _ledger("settled", _("Settled"), [LedgerKind.SETTLED]),
        _ledger("refunded", _("Refunded"), [LedgerKind.REFUNDED]),
        _ledger("counterpart_actual", LedgerKind.COUNTERPART_ACTUAL.label, [LedgerKind.COUNTERPART_ACTUAL]),
        # execution: what the settled projects were settled at (“executed 147.747 bn in 218 projects”)
        _ledger("executed", _("Executed (settled projects)"), [LedgerKind.SETTLED], [Status.SETTLED]),
        _ledger(
            "executed_projects",
            _("Settled projects"),
            [LedgerKind.SETTLED],
            [Status.SETTLED],
            count_projects=True,
        ),
        # the projects in the plan: those whose approved support is above 0 (a stopped one is out)
        _ledger("planned_projects", _("Projects in the plan"), PLAN_KINDS, count_projects=True),
        Measure("proposals", _("Proposals"), PROJECTS, statuses=PROPOSAL_STATUSES),
        Measure("projects", _("Approved projects"), PROJECTS, statuses=frozenset(DECIDED)),
        Measure("indicator_planned", _("Planned result"), INDICATOR, side="planned"),
        Measure("indicator_actual", _("Achieved result"), INDICATOR, side="actual"),
        # the counterpart of the proposals still standing: what a plan year's projects planned, less
        # the proposals not approved, withdrawn or stopped (Appendix 1 beside the approved support)
        _ledger(
            "counterpart_planned",
            _("Counterpart planned (proposals not rejected or stopped)"),
            [LedgerKind.COUNTERPART_REQUESTED],
            PROPOSAL_STATUSES - {Status.REJECTED, Status.STOPPED},
        ),
        # the counterpart the approved projects planned (a stopped project's is out, as its money is):
        # what the state funds of a phase drew (“1 đồng of the state drew 5.5 đồng”)
        _ledger(
            "counterpart_approved",
            _("Counterpart of the approved projects"),
            [LedgerKind.COUNTERPART_REQUESTED],
            set(DECIDED) - {Status.STOPPED},
        ),
    ]
}

# --- the effects of support on the beneficiaries ----------------------------------------------------------
# A beneficiary (an establishment in a project) counts in a figure only if it reported both the
# “before” and the “after” of that figure: a revenue reported only before the support is in none of
# the revenue measures (neither its count, nor “before”, nor “after”), so the two sides compare the
# same establishments. Its project must have been carried out: accepted (nghiệm thu) or settled
# (quyết toán) – the after-figures are the year after the work, reported once it was done; a project
# stopped, in progress or only approved is not counted even if a figure was typed in.
EFFECT_STATUSES = frozenset({Status.ACCEPTED, Status.SETTLED})
EFFECT_FIGURES = ("revenue", "production", "jobs")
MONEY_FIGURES = ("revenue", "production")
BEFORE, AFTER, REPORTING = "before", "after", "reporting"
_EFFECT_LABELS = {
    ("revenue", REPORTING): _("Beneficiaries reporting revenue"),
    ("revenue", BEFORE): _("Revenue before support"),
    ("revenue", AFTER): _("Revenue after support"),
    ("production", REPORTING): _("Beneficiaries reporting production value"),
    ("production", BEFORE): _("Production value before support"),
    ("production", AFTER): _("Production value after support"),
    ("jobs", REPORTING): _("Beneficiaries reporting jobs"),
    ("jobs", BEFORE): _("Jobs before support"),
    ("jobs", AFTER): _("Jobs after support"),
}
EFFECTS = [f"{figure}_{side}" for figure in EFFECT_FIGURES for side in (REPORTING, BEFORE, AFTER)]
MEASURES.update(
    {
        f"{figure}_{side}": Measure(
            f"{figure}_{side}",
            label,
            BENEFICIARY,
            statuses=EFFECT_STATUSES,
            side=side,
            figure=figure,
        )
        for (figure, side), label in _EFFECT_LABELS.items()
    }
)

# --- the provinces' approved periodic reports ---------------------------------------------------------
# Only approved reports count (on a report date: those approved on that day). Two kinds of figure:
#
# * FLOW – what happened during a period (money spent, consulting contracts): the sum of the values of
#   every approved report whose period ends within the period asked.
# * STOCK – what a province has at a moment (its centre's staff, collaborators, offices, vehicles,
#   whether its programme is approved): never a sum of quarters. A province's figure is the value of
#   its **latest** approved report (the latest period end; among reports ending on the same day, the
#   longest period, then the last filed) – in a year, the latest of that year. A former province's
#   figure gives way to its successor's once the successor reported later in the same span: in the
#   2025 geography, Tuyên Quang's 2025 staff is the new province's Q4 report, not that plus former Hà
#   Giang's Q2 report; where the successor has not reported yet, its predecessors' figures are summed.
#   YES counts the provinces whose latest report says yes; BAND counts those whose latest staff total
#   lies in the band (both bounds included). TEXT gives the latest report's text (a document's
#   number), the texts of a group listed, and no total.
FLOW = "flow"
STOCK = "stock"
YES = "yes"
BAND = "band"
TEXT = "text"
STAFF_FIELD = "can-bo-tong-so"


def _periodic(name, label, field_code, rule=STOCK, money=False, band=(None, None)) -> Measure:
    return Measure(name, label, PERIODIC, figure=field_code, rule=rule, money=money, band=band)


PERIODIC_MEASURES = [
    _periodic("centre_staff", _("Centre staff"), STAFF_FIELD),
    _periodic("centre_staff_permanent", _("Centre staff: permanent"), "can-bo-bien-che"),
    _periodic("centre_staff_contract", _("Centre staff: contract"), "can-bo-hop-dong"),
    _periodic("centre_staff_postgraduate", _("Centre staff: postgraduate"), "can-bo-sau-dai-hoc"),
    _periodic("centre_staff_university", _("Centre staff: university and college"), "can-bo-dai-hoc"),
    _periodic("centre_staff_vocational", _("Centre staff: vocational"), "can-bo-trung-cap"),
    _periodic("collaborator_districts", _("Districts with collaborators"), "ctv-huyen"),
    _periodic("collaborator_communes", _("Communes with collaborators"), "ctv-xa"),
    _periodic("collaborators", _("Collaborators"), "ctv-so-nguoi"),
    _periodic("centre_offices", _("Offices"), "tru-so"),
    _periodic("centre_vehicles", _("Vehicles"), "phuong-tien"),
    _periodic("centre_equipment", _("Equipment sets"), "trang-thiet-bi"),
    _periodic("consulting_contracts", _("Consulting contracts"), "tu-van-so-hop-dong", FLOW),
    _periodic("consulting_revenue", _("Consulting revenue"), "tu-van-doanh-thu", FLOW, money=True),
    _periodic("reported_kcqg", _("National funds spent (reported)"), "kinh-phi-kcqg", FLOW, money=True),
    _periodic("reported_kcdp", _("Local funds spent (reported)"), "kinh-phi-kcdp", FLOW, money=True),
    _periodic(
        "reported_other", _("Funds outside projects (reported)"), "kinh-phi-ngoai-de-an", FLOW, money=True
    ),
    _periodic("centres_reporting", _("Centres reporting"), STAFF_FIELD, BAND),
    _periodic("centres_over_30", _("Centres over 30 staff"), STAFF_FIELD, BAND, band=(31, None)),
    _periodic("centres_20_30", _("Centres of 20–30 staff"), STAFF_FIELD, BAND, band=(20, 30)),
    _periodic("centres_10_19", _("Centres of 10–19 staff"), STAFF_FIELD, BAND, band=(10, 19)),
    _periodic("centres_under_10", _("Centres under 10 staff"), STAFF_FIELD, BAND, band=(None, 9)),
    _periodic("programme_approved", _("Provincial programme approved"), "chuong-trinh-tinh", YES),
    _periodic("funds_regulation", _("Regulation on local funds issued"), "quy-che-kinh-phi", YES),
    _periodic("programme_document", _("Document approving the programme"), "chuong-trinh-tinh-so", TEXT),
    _periodic("regulation_document", _("Document of the regulation"), "quy-che-kinh-phi-so", TEXT),
]
MEASURES.update({m.name: m for m in PERIODIC_MEASURES})


def in_band(value: int, band: tuple[int | None, int | None]) -> bool:
    low, high = band
    return (low is None or value >= low) and (high is None or value <= high)


# the columns of the agency's consolidation table, in order
CONSOLIDATION = [
    "requested",
    "counterpart_requested",
    "recommended_doit",
    "recommended",
    "plan",
    "paid",
    "settled",
    "refunded",
]


def get(name: str) -> Measure:
    try:
        return MEASURES[name]
    except KeyError:
        raise ValueError(f"unknown measure {name!r}") from None


__all__ = [
    "BENEFICIARY",
    "CONSOLIDATION",
    "EFFECTS",
    "EFFECT_STATUSES",
    "INDICATOR",
    "LEDGER",
    "MEASURES",
    "PERIODIC",
    "PERIODIC_MEASURES",
    "PROJECTS",
    "Measure",
    "get",
]
