"""The agency's expert appraisal: council, assignments, scores, session and result."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.formatting import format_number
from khuyencong.core.parsing import parse_decimal
from khuyencong.core.permissions import get_scope
from khuyencong.projects.models import (
    Council,
    CouncilMember,
    CouncilResult,
    CouncilSession,
    Criterion,
    EventKind,
    ExpertAssignment,
    LedgerKind,
    Project,
    ProjectEvent,
    Recommendation,
    Score,
    Status,
)
from khuyencong.projects.services import ledger

HUNDRED = Decimal(100)


def _agency_only(user) -> None:
    if not get_scope(user).national_write:
        raise PermissionDenied(_("Only the agency manages appraisal councils."))


def council_create(*, user, data: dict, members: list[tuple]) -> Council:
    """``members``: (user, role) pairs; the quorum cannot exceed the number of members."""
    _agency_only(user)
    with transaction.atomic():
        council = Council(**data)
        council.full_clean()
        if council.quorum > len(members):
            raise ValidationError({"quorum": [_("The quorum cannot be larger than the number of members.")]})
        council.save()
        for member, role in members:
            CouncilMember.objects.create(council=council, user=member, role=role)
    return council


def assign_experts(*, user, council: Council, project: Project, experts: list) -> list[ExpertAssignment]:
    """Ask council members to score a forwarded proposal (it is then under review)."""
    from khuyencong.projects.models import FundingSource

    _agency_only(user)
    with transaction.atomic(), audit_context(user=user, reason=_("experts assigned")):
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in {Status.FORWARDED, Status.UNDER_REVIEW}:
            raise ValidationError(_("Experts are assigned to proposals forwarded to the agency."))
        if (
            project.plan_year != council.plan_year
            or project.source != council.source
            or (project.source != FundingSource.KCQG)
        ):
            raise ValidationError(_("This council appraises another plan year or funding source."))
        member_ids = set(council.members.values_list("user_id", flat=True))
        created = []
        for expert in experts:
            if expert.pk not in member_ids:
                raise ValidationError(
                    {"experts": [_("%(name)s is not a member of the council.") % {"name": expert}]}
                )
            assignment, new = ExpertAssignment.objects.get_or_create(
                council=council, project=project, expert=expert
            )
            if new:
                created.append(assignment)
                ProjectEvent.objects.create(
                    project=project,
                    kind=EventKind.EXPERT_ASSIGNED,
                    user=user,
                    from_status=project.status,
                    to_status=Status.UNDER_REVIEW,
                    # no name: the timeline is read by the province and the other experts, and the
                    # review is blind (the agency sees who on the council page)
                )
        if project.status != Status.UNDER_REVIEW:
            project.status = Status.UNDER_REVIEW
            project.version += 1
            project.save()
    return created


def _own_open_assignment(user, assignment: ExpertAssignment) -> ExpertAssignment:
    assignment = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.expert_id != user.pk:
        raise PermissionDenied(_("Only the assigned expert can do this."))
    if assignment.submitted_at is not None:
        raise ValidationError(_("Your review was submitted; it can no longer be changed."))
    if assignment.project.status != Status.UNDER_REVIEW:
        raise ValidationError(_("The proposal is no longer under review."))
    return assignment


def declare_conflict(*, user, assignment: ExpertAssignment, reason: str) -> ExpertAssignment:
    """The expert has an interest in the proposal: recused, their scores never count."""
    if not reason or not reason.strip():
        raise ValidationError({"conflict_reason": [_("Describe the conflict of interest.")]})
    with transaction.atomic(), audit_context(user=user, reason=_("conflict of interest declared")):
        assignment = _own_open_assignment(user, assignment)
        assignment.conflict_declared = True
        assignment.conflict_reason = reason.strip()
        assignment.save()
        assignment.scores.all().delete()
        ProjectEvent.objects.create(
            project=assignment.project,
            kind=EventKind.CONFLICT_DECLARED,
            user=user,
            from_status=assignment.project.status,
            to_status=assignment.project.status,
            note=_("An expert declared a conflict of interest and is recused."),
        )
    return assignment


def save_review(
    *,
    user,
    assignment: ExpertAssignment,
    scores: dict[int, dict],
    recommendation: str = "",
    recommended_amount: int | None = None,
    comment: str = "",
    submit: bool = False,
) -> ExpertAssignment:
    """Save the expert's scores (``{criterion id: {"value": …, "not_applicable": …, "comment": …}}``).

    Each criterion gets a score between 0 and its maximum, or “not applicable” – a missing score is an
    error when submitting, never a silent 0. Once submitted, the review is locked and the other
    experts' scores become visible to this expert.
    """
    with transaction.atomic(), audit_context(user=user, reason=_("expert review")):
        assignment = _own_open_assignment(user, assignment)
        if assignment.conflict_declared:
            raise ValidationError(_("You declared a conflict of interest on this proposal."))
        criteria = {c.pk: c for c in Criterion.objects.filter(criteria_set=assignment.council.criteria_set)}
        errors: dict[str, list[str]] = {}
        for criterion_id, criterion in criteria.items():
            given = scores.get(criterion_id) or {}
            na = bool(given.get("not_applicable"))
            value = given.get("value")
            field = f"score_{criterion_id}"
            if na and value not in (None, ""):
                errors.setdefault(field, []).append(_("Give a score or mark “not applicable”, not both."))
                continue
            if not na and value in (None, ""):
                if submit:
                    errors.setdefault(field, []).append(
                        _("Score “%(c)s” or mark it “not applicable”.") % {"c": criterion.name}
                    )
                Score.objects.filter(assignment=assignment, criterion=criterion).delete()
                continue
            if not na:
                value = parse_decimal(value)
                if value is None:
                    errors.setdefault(field, []).append(_("Enter the score as a number, e.g. 7 or 7.5."))
                    continue
                if value < 0 or value > criterion.max_score:
                    errors.setdefault(field, []).append(
                        _("The score must be between 0 and %(max)s.") % {"max": criterion.max_score}
                    )
                    continue
                if (value * 2) % 1:  # the score sheet's step, as the page's input offers it
                    errors.setdefault(field, []).append(
                        _("Scores go in steps of half a point, e.g. 7 or 7.5.")
                    )
                    continue
            score = Score.objects.filter(assignment=assignment, criterion=criterion).first() or Score(
                assignment=assignment, criterion=criterion
            )
            score.value = None if na else value
            score.not_applicable = na
            score.comment = (given.get("comment") or "")[:1000]
            score.save()
        if submit:
            if not recommendation:
                errors.setdefault("recommendation", []).append(_("Give your recommendation."))
            if recommendation != Recommendation.REJECT and recommended_amount is None:
                errors.setdefault("recommended_amount", []).append(_("Give the state support you recommend."))
            applicable = [s for s in assignment.scores.all() if not s.not_applicable]
            if not errors and not applicable:
                errors.setdefault("__all__", []).append(_("At least one criterion must apply."))
        requested = ledger.total(assignment.project, LedgerKind.REQUESTED)
        if recommended_amount is not None and recommended_amount > requested:
            errors.setdefault("recommended_amount", []).append(
                _("The recommendation cannot exceed the support requested.")
            )
        if errors:
            raise ValidationError(errors)
        assignment.recommendation = recommendation
        assignment.recommended_amount = 0 if recommendation == Recommendation.REJECT else recommended_amount
        assignment.comment = comment
        if submit:
            assignment.submitted_at = timezone.now()
            ProjectEvent.objects.create(
                project=assignment.project,
                kind=EventKind.REVIEW_SUBMITTED,
                user=user,
                from_status=Status.UNDER_REVIEW,
                to_status=Status.UNDER_REVIEW,
            )
        assignment.save()
    return assignment


def expert_score(assignment: ExpertAssignment) -> Decimal | None:
    """The expert's weighted score out of 100, over the criteria that apply (N/A left out)."""
    weighted = Decimal(0)
    weights = Decimal(0)
    for score in assignment.scores.select_related("criterion"):
        if score.not_applicable or score.value is None:  # the same (constraint proj_score_value_or_na)
            continue
        weights += score.criterion.weight
        weighted += score.criterion.weight * score.value / score.criterion.max_score
    if weights == 0:
        return None
    return (weighted / weights * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _council_recommendation(votes: list[str]) -> str:
    counts = Counter(votes)
    if counts[Recommendation.REJECT] * 2 > len(votes):
        return Recommendation.REJECT
    if counts[Recommendation.APPROVE_WITH_CHANGES]:
        return Recommendation.APPROVE_WITH_CHANGES
    return Recommendation.APPROVE


def session_conclude(
    *,
    user,
    council: Council,
    held_on: datetime.date,
    place: str,
    present: list[CouncilMember],
    minutes: str,
) -> CouncilSession:
    """Hold the session: with the quorum present, every proposal under review with submitted reviews
    gets its weighted average, rank, recommendation and recommended amount."""
    _agency_only(user)
    if not minutes or not minutes.strip():
        raise ValidationError({"minutes": [_("Write the minutes of the session.")]})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("This date is in the future.")]})
    if len(present) < council.quorum:
        raise ValidationError(
            {
                "present": [
                    _("Quorum not met: %(n)s members present, %(q)s required.")
                    % {"n": len(present), "q": council.quorum}
                ]
            }
        )
    with (
        transaction.atomic(),
        audit_context(
            user=user, reason=_("council session %(date)s") % {"date": held_on.strftime("%d/%m/%Y")}
        ),
    ):
        session = CouncilSession.objects.create(
            council=council,
            held_on=held_on,
            place=place,
            minutes=minutes,
            quorum_met=True,
            concluded_at=timezone.now(),
        )
        session.present.set(present)
        rows = []
        # PostgreSQL refuses FOR UPDATE with DISTINCT: lock by primary key instead.
        projects = Project.objects.select_for_update().filter(
            pk__in=ExpertAssignment.objects.filter(council=council).values("project_id"),
            status=Status.UNDER_REVIEW,
        )
        for project in projects:
            reviews = list(
                project.expert_assignments.filter(
                    council=council, submitted_at__isnull=False, conflict_declared=False
                )
            )
            scored = [(a, s) for a in reviews if (s := expert_score(a)) is not None]
            if not scored:
                continue
            average = (sum((s for _a, s in scored), Decimal(0)) / len(scored)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            recommendation = _council_recommendation([a.recommendation for a, _s in scored])
            amounts = [
                a.recommended_amount or 0 for a, _s in scored if a.recommendation != Recommendation.REJECT
            ]
            amount = (
                0
                if recommendation == Recommendation.REJECT or not amounts
                else (sum(amounts) // len(amounts) // 1000 * 1000)
            )
            rows.append((project, len(scored), average, recommendation, amount))
        rows.sort(key=lambda r: (-r[2], r[0].code))
        for rank, (project, experts, average, recommendation, amount) in enumerate(rows, start=1):
            CouncilResult.objects.create(
                session=session,
                project=project,
                experts=experts,
                average_score=average,
                rank=rank,
                recommendation=recommendation,
                recommended_amount=amount,
            )
            ledger.set_level(project, LedgerKind.RECOMMENDED, amount, held_on)
            before = project.status
            project.status = Status.AGENCY_APPRAISED
            project.version += 1
            project.save()
            ProjectEvent.objects.create(
                project=project,
                kind=EventKind.COUNCIL_CONCLUDED,
                user=user,
                on=held_on,
                from_status=before,
                to_status=project.status,
                amount=amount,
                note=_("Average %(avg)s/100, rank %(rank)s, %(rec)s")
                % {
                    "avg": format_number(average, 2),
                    "rank": rank,
                    "rec": Recommendation(recommendation).label,
                },
                document=council.decision_number,
            )
    return session
