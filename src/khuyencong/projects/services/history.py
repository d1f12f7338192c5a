"""Projects filed and appraised before this system, recorded from their documents.

Until the 2020 plan the agency appraised the provinces' proposals without an expert council
(DOMAIN.md §3), and those years were never in this system. Their projects enter here – for the
imports of past years and the demo's 2020 programme – at the point where the system's own path
takes over: appraised by the agency, waiting for the decision. Everything after (the allocation
and amendment decisions, contracts, payments, acceptance, settlement, refunds) goes through the
same services as today's projects, so no rule is written twice.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.permissions import get_scope
from khuyencong.projects.models import EventKind, LedgerKind, Project, ProjectEvent, Status
from khuyencong.projects.services import ledger
from khuyencong.projects.services.proposals import proposal_save

COUNCILS_FROM = 2021  # from the 2021 plan onward the agency appraises with an expert council


def project_record_appraised(
    *,
    user,
    data: dict,
    budget_lines: list[dict],
    locations: list[dict] | None = None,
    results: list[dict] | None = None,
    filed_on: datetime.date,
    document: str = "",
    recommended_doit: int | None = None,
    recommended: int | None = None,
    appraised_on: datetime.date | None = None,
) -> Project:
    """Record a proposal of a past plan year that was filed on ``filed_on`` and appraised by the
    agency under the procedure of its time: the proposal is checked like any other (fields,
    programme, content), its request is booked in the ledger on the filing date, and it waits for
    its decision (``decision_set_line``/``decision_issue``).

    ``recommended_doit`` (what the province's DOIT recommended when it forwarded the proposal) and
    ``recommended`` (what the agency's appraisal recommended, the council's column of the
    consolidation) are booked as the documents give them, on ``appraised_on`` (default: the filing
    date); without them the consolidation would show the year's recommendations as nothing."""
    if not get_scope(user).national_write:
        raise PermissionDenied(_("Only the agency records projects appraised before the system."))
    if data.get("plan_year") is None or data["plan_year"] >= COUNCILS_FROM:
        raise ValidationError(
            {
                "plan_year": [
                    _("From the %(year)s plan onward proposals are filed and appraised in the system.")
                    % {"year": COUNCILS_FROM}
                ]
            }
        )
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": [_("This date is in the future.")]})
    appraised_on = appraised_on or filed_on
    if appraised_on > timezone.localdate() or appraised_on < filed_on:
        raise ValidationError({"appraised_on": [_("The appraisal is dated between the filing and today.")]})
    reason = _("recorded from the documents of a past plan year")
    with transaction.atomic(), audit_context(user=user, reason=reason):
        project = proposal_save(
            user=user,
            project=None,
            data=data,
            budget_lines=budget_lines,
            locations=locations,
            results=results,
        )
        lines = list(project.budget_lines.all())
        requested = sum(line.state_support for line in lines)
        if requested <= 0:
            raise ValidationError({"budget_lines": [_("The state support requested must be more than 0.")]})
        if not project.locations.exists():
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
        before = project.status
        project.status = Status.AGENCY_APPRAISED
        project.submitted_at = datetime.datetime.combine(filed_on, datetime.time(9), datetime.UTC)
        project.version += 1
        project.save()
        ProjectEvent.objects.create(
            project=project,
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
