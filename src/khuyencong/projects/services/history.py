"""Projects filed and appraised before this system, recorded from their documents.

Until the 2020 plan the agency appraised the provinces' proposals without an expert council
(DOMAIN.md §3), and those years were never in this system. Their projects enter here – for the
imports of past years and the demo's 2020 programme – at the point where the system's own path
takes over: appraised by the agency (a provincial KCĐP project by its DOIT), waiting for the
decision. Everything after (the allocation and amendment decisions, contracts, payments,
acceptance, settlement, refunds) goes through the same services as today's projects, so no rule
is written twice.

The plan years 2021 onward were appraised with an expert council, and from the year the system
runs a year's registration round they are filed in it. The years in between – from 2021 to the
year before the current one, whose round the system never ran (it went live later) – exist only in
documents too; the import of the programme's history records them here as well. A plan year whose
round the system holds (for the same funding source), the current year and later ones are filed
and appraised in the system and refused here.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.permissions import get_scope
from khuyencong.projects.models import (
    DecisionLine,
    EventKind,
    LedgerKind,
    Project,
    ProjectLocation,
    RegistrationRound,
    Status,
)
from khuyencong.projects.services import batch, ledger
from khuyencong.projects.services.batch import record_event
from khuyencong.projects.services.decisions import APPRAISED
from khuyencong.projects.services.proposals import proposal_save
from khuyencong.projects.services.transitions import move_to

COUNCILS_FROM = 2021  # from the 2021 plan onward the agency appraises with an expert council


def check_plan_year(plan_year: int | None, source: str | None) -> None:
    """Refuse (``ValidationError`` on ``plan_year``) a plan year that is filed in the system: the
    current year and later ones, and a year from 2021 whose registration round the system ran."""

    message = _("From the %(year)s plan onward proposals are filed and appraised in the system.")
    if plan_year is None or plan_year >= timezone.localdate().year:
        raise ValidationError({"plan_year": [message % {"year": timezone.localdate().year}]})
    if (
        plan_year >= COUNCILS_FROM
        and RegistrationRound.objects.filter(plan_year=plan_year, source=source).exists()
    ):
        raise ValidationError(
            {
                "plan_year": [
                    _("The %(year)s plan was filed and appraised in the system; its proposals are there.")
                    % {"year": plan_year}
                ]
            }
        )


def _check_code(code: str) -> None:
    unit = batch.current()
    taken = unit.code_taken(code) if unit is not None else None
    if taken is None:
        taken = Project.objects.annotate(code_upper=Upper("code")).filter(code_upper=code.upper()).exists()
    if taken:
        raise ValidationError(
            {"code": [_("Another project already has the code %(code)s.") % {"code": code}]}
        )


def _check_dates(filed_on: datetime.date, appraised_on: datetime.date) -> None:
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": [_("This date is in the future.")]})
    if appraised_on > timezone.localdate() or appraised_on < filed_on:
        raise ValidationError({"appraised_on": [_("The appraisal is dated between the filing and today.")]})


def _book(
    project: Project,
    filed_on: datetime.date,
    appraised_on: datetime.date,
    recommended_doit: int | None,
    recommended: int | None,
) -> int:
    """The request, counterpart and recommendations in the ledger as the documents give them
    (only the differences are written: a correction books what changed, on the same dates)."""
    lines = list(project.budget_lines.all())
    requested = sum(line.state_support for line in lines)
    if requested <= 0:
        raise ValidationError({"budget_lines": [_("The state support requested must be more than 0.")]})
    unit = batch.current()
    held = unit.places.get(project.pk) if unit is not None and unit.knows(project) else None
    if held == []:  # a new project of the batch, without locations: its lead province, written with it
        location = ProjectLocation(
            project=project,
            province=project.lead_province,
            province_now_id=project.lead_province_now_id,  # the same province on the same day
            share_bp=10_000,
        )
        unit.add(location)  # type: ignore[union-attr]
        held.append((location.province_id, location.province_now_id, location.share_bp))
    elif held is None and not project.locations.exists():
        project.locations.create(province=project.lead_province, share_bp=10_000)
    ledger.set_level(project, LedgerKind.REQUESTED, requested, filed_on)
    counterpart = sum(line.counterpart for line in lines)
    ledger.set_level(project, LedgerKind.COUNTERPART_REQUESTED, counterpart, filed_on)
    for field_name, kind, amount in (
        ("recommended_doit", LedgerKind.RECOMMENDED_DOIT, recommended_doit),
        ("recommended", LedgerKind.RECOMMENDED, recommended),
    ):
        if amount is None:
            continue
        if not 0 <= amount <= requested:
            raise ValidationError(
                {
                    field_name: [
                        _(
                            "The recommended support must be between 0 and what was requested "
                            "(%(requested)s đồng)."
                        )
                        % {"requested": f"{requested:,}".replace(",", ".")}
                    ]
                }
            )
        ledger.set_level(project, kind, amount, appraised_on)
    return requested


def project_record_appraised(
    *,
    user,
    data: dict,
    budget_lines: list[dict],
    locations: list[dict] | None = None,
    results: list[dict] | None = None,
    beneficiaries: list[dict] | None = None,
    filed_on: datetime.date,
    document: str = "",
    recommended_doit: int | None = None,
    recommended: int | None = None,
    appraised_on: datetime.date | None = None,
    code: str | None = None,
) -> Project:
    """Record a proposal of a past plan year that was filed on ``filed_on`` and appraised by the
    agency under the procedure of its time: the proposal is checked like any other (fields,
    programme, content), its request is booked in the ledger on the filing date, and it waits for
    its decision (``decision_set_line``/``decision_issue``).

    ``recommended_doit`` (what the province's DOIT recommended when it forwarded the proposal) and
    ``recommended`` (what the agency's appraisal recommended, the council's column of the
    consolidation) are booked as the documents give them, on ``appraised_on`` (default: the filing
    date); without them the consolidation would show the year's recommendations as nothing.
    ``code``: the project's code in the documents (default: the next code the system gives).

    Which plan years: see the module's docstring and :func:`check_plan_year`."""
    if not get_scope(user).national_write:
        raise PermissionDenied(_("Only the agency records projects appraised before the system."))
    check_plan_year(data.get("plan_year"), data.get("source"))
    appraised_on = appraised_on or filed_on
    _check_dates(filed_on, appraised_on)
    if code:
        _check_code(code)
    reason = _("recorded from the documents of a past plan year")
    with batch.atomic(), audit_context(user=user, reason=reason):
        project = proposal_save(
            user=user,
            project=None,
            data=data,
            budget_lines=budget_lines,
            locations=locations,
            results=results,
            beneficiaries=beneficiaries,
            code=code or None,
        )
        unit = batch.current()
        requested = _book(project, filed_on, appraised_on, recommended_doit, recommended)
        project.submitted_at = datetime.datetime.combine(filed_on, datetime.time(9), datetime.UTC)
        if unit is not None:
            unit.moved(project, "submitted_at")
        before = move_to(project, appraised_status(project.source))
        record_event(
            project,
            kind=EventKind.SUBMITTED,
            user=user,
            on=filed_on,
            from_status=before,
            to_status=project.status,
            amount=requested,
            document=document,
            note=_("Filed and appraised before the system; recorded from its documents."),
        )
    return project


def appraised_status(source: str) -> str:
    """Where a recorded past project waits for its decision: appraised by the agency, except a
    provincial (KCĐP) project, which its DOIT appraised for the People's Committee's decision."""
    return Status.AGENCY_APPRAISED if Status.AGENCY_APPRAISED in APPRAISED[source] else Status.DOIT_APPRAISED


def waiting_for_decision(project: Project) -> bool:
    """Whether a recorded past project can still be corrected: appraised, on no decision yet."""
    return (
        project.status == appraised_status(project.source)
        and not DecisionLine.objects.filter(project=project).exists()
    )


def project_correct_appraised(
    *,
    user,
    project: Project,
    data: dict,
    budget_lines: list[dict],
    locations: list[dict] | None = None,
    results: list[dict] | None = None,
    beneficiaries: list[dict] | None = None,
    filed_on: datetime.date,
    recommended_doit: int | None = None,
    recommended: int | None = None,
    appraised_on: datetime.date | None = None,
) -> Project:
    """Correct a project recorded with :func:`project_record_appraised` while it still waits for its
    decision (the documents were read again): its fields through ``proposal_save``, the ledger's
    request and recommendations by the difference on the same dates. A project on a decision has
    moved on: refused."""
    if not get_scope(user).national_write:
        raise PermissionDenied(_("Only the agency records projects appraised before the system."))
    if not waiting_for_decision(project):
        raise ValidationError(
            _(
                "%(code)s is already on a decision (it is “%(status)s”); a file of proposals cannot change "
                "it any more."
            )
            % {"code": project.code, "status": project.get_status_display()}
        )
    check_plan_year(data.get("plan_year", project.plan_year), data.get("source", project.source))
    appraised_on = appraised_on or filed_on
    _check_dates(filed_on, appraised_on)
    reason = _("recorded from the documents of a past plan year")
    with transaction.atomic(), audit_context(user=user, reason=reason):
        project = proposal_save(
            user=user,
            project=project,
            data=data,
            budget_lines=budget_lines,
            locations=locations,
            results=results,
            beneficiaries=beneficiaries,
            version=project.version,  # the version the caller read (a concurrent change is refused)
            appraised_history=True,
        )
        _book(project, filed_on, appraised_on, recommended_doit, recommended)
    return project
