"""Creating and editing proposals (all parts at once, all or nothing) and checking readiness."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.concurrency import check_version
from khuyencong.core.formatting import format_date
from khuyencong.core.permissions import CHANGE, VIEW, get_scope
from khuyencong.core.unitmemo import remembered
from khuyencong.establishments.eligibility import check_eligibility
from khuyencong.projects.models import (
    BudgetLine,
    EventKind,
    FundingSource,
    PlannedResult,
    Project,
    ProjectBeneficiary,
    ProjectLocation,
    Status,
)
from khuyencong.projects.services import batch, roles
from khuyencong.projects.services.norms import check_norms, norms_for

PROJECT_FIELDS = [
    "round",
    "plan_year",
    "source",
    "programme",
    "content",
    "support_norm",
    "kind",
    "name",
    "objectives",
    "description",
    "implementing_org",
    "implementing_establishment",
    "lead_province",
    "start_date",
    "end_date",
]


def can_propose(user) -> bool:
    scope = get_scope(user)
    return (
        scope.national_write
        or bool(scope.province_write)
        or bool(scope.organisation_ids)
        or bool(scope.establishment_ids)
    )


def _next_code(project: Project) -> str:
    prefix = f"{project.source.upper()}-{project.plan_year}-{project.lead_province.code}-"
    last = Project.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    unit = batch.current()
    if unit is not None:  # the projects created in the batch are not in the database yet
        last = max(filter(None, (last, unit.last_codes.get(prefix))), default=None)
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    code = f"{prefix}{number:04d}"
    if unit is not None:
        while unit.code_taken(code):  # a code a row of the batch gave explicitly
            number += 1
            code = f"{prefix}{number:04d}"
        unit.last_codes[prefix] = code
    return code


IMPLEMENTING_KINDS = ("extension_centre", "national_centre", "partner", "doit", "agency", "other")


def implementing_organisations(user, on: datetime.date | None = None):
    """The organisations a user may name as a proposal's implementing unit – one list for the form's
    choices and for the rule the service checks (pages, API, imports): the agency names any; a
    province names its own bodies and the national organisations (centres, partners without a
    province), not another province's centre; an implementing unit names itself. ``on``: only the
    organisations existing that day (the form's choices); without it, whenever they existed (a
    proposal of 2019 names a centre that closed in 2025)."""
    from django.db.models import Q

    from khuyencong.orgs.models import Organisation

    scope = get_scope(user)
    orgs = Organisation.objects.filter(kind__in=IMPLEMENTING_KINDS)
    if on is not None:
        orgs = orgs.valid_on(on)
    if scope.national_write:
        return orgs
    if scope.province_write:
        return orgs.exclude(kind="agency").filter(
            Q(province__in=scope.province_write) | Q(province__isnull=True) | Q(pk__in=scope.organisation_ids)
        )
    return orgs.filter(pk__in=scope.organisation_ids)


def _check_project(user, project: Project) -> None:
    """Rules on the project itself; ValidationError naming the fields."""
    scope = get_scope(user)
    errors: dict[str, list[str]] = {}
    if bool(project.implementing_org_id) == bool(project.implementing_establishment_id):
        errors.setdefault("implementing_org", []).append(
            _("Name either the implementing organisation or the establishment applying for itself.")
        )
    org_id = project.implementing_org_id
    if org_id and not remembered(
        ("may_implement", user.pk, org_id),
        lambda: implementing_organisations(user).filter(pk=org_id).exists(),
    ):
        errors.setdefault("implementing_org", []).append(
            _(
                "Choose an organisation of your province, a national one or your own: another "
                "province's bodies file their proposals in their own province."
            )
        )
    if project.start_date and project.end_date and project.end_date < project.start_date:
        errors.setdefault("end_date", []).append(_("The end is before the start."))
    if project.start_date and project.start_date.year > project.plan_year + 1:
        errors.setdefault("start_date", []).append(_("The project must start in its plan year."))
    if project.programme_id and not project.programme.covers_year(project.plan_year):
        errors.setdefault("programme", []).append(
            _("“%(p)s” does not cover the year %(year)s.")
            % {"p": project.programme, "year": project.plan_year}
        )
    if (
        project.content_id
        and project.programme_id
        and not remembered(
            ("programme_content", project.programme_id, project.content_id),
            lambda: project.programme.programme_contents.filter(content_id=project.content_id).exists(),
        )
    ):
        errors.setdefault("content", []).append(_("This content is not part of the programme."))
    if (norm := project.support_norm) is not None and norm.content_id != project.content_id:
        errors.setdefault("support_norm", []).append(_("This norm belongs to another content."))
    r = project.round
    if r is not None and (r.plan_year != project.plan_year or r.source != project.source):
        errors.setdefault("round", []).append(_("The round is for another year or funding source."))
    if project.lead_province_id and project.lead_province.level != "province":
        errors.setdefault("lead_province", []).append(_("Choose a province."))
    if (
        project.source == FundingSource.KCDP
        and project.programme_id
        and project.programme.level == "national"
    ):
        pass  # a province may run KCĐP projects under the national programme's contents
    # who may file where
    if not scope.national_write:
        from khuyencong.geo.queries import province_now

        province_ok = (
            project.lead_province_id and province_now(project.lead_province).pk in scope.current_write
        )
        own = (project.implementing_org_id in scope.organisation_ids) or (
            project.implementing_establishment_id in scope.establishment_ids
        )
        if not (province_ok or own):
            errors.setdefault("lead_province", []).append(
                _("You can file proposals only in your province or for your own organisation.")
            )
    if errors:
        raise ValidationError(errors)


def _replace(
    model,
    project: Project,
    rows: list[dict],
    key_fields: tuple[str, ...],
    creating: bool = False,
    related_name: str = "",
) -> list:
    """Make the project's rows of ``model`` exactly ``rows`` (matching on ``key_fields``);
    ``creating``: the project is new and has none yet. With ``related_name`` the new rows of a new
    project may be written with a batch (``project.<related_name>.all()`` answers them meanwhile;
    only for rows no service filters in the database while the batch runs)."""
    existing = (
        {}
        if creating
        else {tuple(getattr(o, f) for f in key_fields): o for o in model.objects.filter(project=project)}
    )
    wanted_keys = set()
    written: list = []
    for values in rows:
        key = tuple(values[f] for f in key_fields)
        wanted_keys.add(key)
        obj = existing.get(key) or model(project=project)
        for name, value in values.items():
            setattr(obj, name, value)
        read = [n for n, v in values.items() if isinstance(v, models.Model) and not v._state.adding]
        obj.full_clean_read(exclude=["project", "province_now"], read=read, validate_unique=False)
        if creating and related_name:
            batch.save_new(obj)
        else:
            obj.save()
        written.append(obj)
    if creating and related_name:
        _prefetched(project, related_name, written)
    for key, obj in existing.items():
        if key not in wanted_keys:
            obj.delete()
    return written


def _prefetched(project: Project, name: str, rows: list) -> None:
    """Inside a batch, ``project.<name>.all()`` answers ``rows`` without a query (written with the
    batch, they are not in the database yet), as Django's ``prefetch_related`` keeps them."""
    if batch.current() is None:
        return
    cache = project.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(name, None)
    kept = getattr(project, name).get_queryset()
    kept._result_cache, kept._prefetch_done = list(rows), True
    cache[name] = kept


def proposal_save(
    *,
    user,
    project: Project | None,
    data: dict[str, Any],
    budget_lines: list[dict] | None = None,
    locations: list[dict] | None = None,
    beneficiaries: list[dict] | None = None,
    results: list[dict] | None = None,
    version: int | None = None,
    code: str | None = None,
    appraised_history: bool = False,
) -> Project:
    """Create a proposal, or change one that is still a draft (or was returned).

    Only for ``services.history`` (projects of past plan years recorded from their documents):
    ``code`` – the code the documents gave the project, instead of the next one; and
    ``appraised_history`` – the agency corrects such a record while it still waits for its
    decision."""
    if not can_propose(user):
        raise PermissionDenied(_("Your role cannot file proposals."))
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    with batch.atomic():  # inside a batch, the calling service's own transaction
        if project is None:
            project = Project()
            creating = True
        else:
            creating = False
            project = Project.objects.select_for_update().restrict(user, CHANGE).filter(pk=project.pk).first()
            if project is None:
                raise PermissionDenied(_("You cannot change this project."))
            check_version(project, version)
            if appraised_history:
                from khuyencong.projects.services.history import appraised_status

                if not get_scope(user).national_write or project.status != appraised_status(project.source):
                    raise ValidationError(_("Only a past project waiting for its decision can be corrected."))
            elif not project.is_editable:
                raise ValidationError(
                    _("A proposal can be changed only while it is a draft or returned for completion.")
                )
        if not creating and project.ledger.exists():
            # once filed, its money is booked under its year and source (and its code names them)
            for name in ("plan_year", "source"):
                if name in data and data[name] != getattr(project, name):
                    raise ValidationError(
                        {name: [_("A proposal already filed keeps its plan year and funding source.")]}
                    )
        for name, value in data.items():
            setattr(project, name, value)
        # a related record given as read from the database exists: no query to look for it again
        read = [n for n, v in data.items() if isinstance(v, models.Model) and not v._state.adding]
        project.full_clean_read(
            exclude=["code", "lead_province_now", "search_text", "version"], read=read, validate_unique=False
        )
        _check_project(user, project)
        if creating:
            project.code = code or _next_code(project)
        else:
            project.version += 1
        unit = batch.current()
        if creating and unit is not None:
            unit.create(project)  # inserted with the batch, as it is when the batch ends
        else:
            project.save()
        if creating:
            batch.record_event(project, kind=EventKind.CREATED, user=user, to_status=project.status)
        if budget_lines is not None:
            if not creating:
                project.budget_lines.all().delete()
            lines = []
            for order, line in enumerate(budget_lines, start=1):
                obj = BudgetLine(project=project, order=order, **line)
                obj.full_clean(exclude=["project"])
                batch.save_new(obj)
                lines.append(obj)
            _prefetched(project, "budget_lines", lines)
        if locations is not None:
            placed = _replace(ProjectLocation, project, locations, ("province",), creating=creating)
            if creating and unit is not None:
                unit.places[project.pk] = [(p.province_id, p.province_now_id, p.share_bp) for p in placed]
        elif creating and unit is not None:
            unit.places[project.pk] = []  # none yet (the ledger splits by the lead province)
        if beneficiaries is not None:
            _replace(
                ProjectBeneficiary,
                project,
                beneficiaries,
                ("establishment",),
                creating=creating,
                related_name="beneficiaries",
            )
        if results is not None:
            for row in results:
                if row["indicator"].content_id != project.content_id:
                    raise ValidationError(
                        {
                            "results": [
                                _("“%(i)s” is not an indicator of the project's content.")
                                % {"i": row["indicator"].name}
                            ]
                        }
                    )
            _replace(
                PlannedResult,
                project,
                results,
                ("indicator",),
                creating=creating,
                related_name="planned_results",
            )
    return project


# --- readiness for submission ------------------------------------------------------------------


def readiness(
    project: Project, on: datetime.date | None = None, *, viewer=None
) -> tuple[list[str], list[str]]:
    """(problems that block submission, warnings) – each in words a user can act on. Shown to
    ``viewer``, a warning names only the other projects they may open."""
    on = on or timezone.localdate()
    problems: list[str] = []
    warnings: list[str] = []
    lines = list(project.budget_lines.all())
    if not lines or sum(line.state_support for line in lines) <= 0:
        problems.append(_("Add at least one budget line with the state support requested."))
    shares = list(project.locations.values_list("share_bp", flat=True))
    if shares and sum(shares) != 10_000:
        problems.append(
            _("The shares of the provinces add up to %(total)s%%, not 100%%.")
            % {"total": f"{sum(shares) / 100:g}".replace(".", ",")}
        )
    if not project.planned_results.exists():
        problems.append(_("State at least one planned result (indicator and value)."))
    if norms_for(project.content_id, on).exists() and project.support_norm_id is None:
        problems.append(_("Choose the support norm that applies to this project."))
    for breach in check_norms(project, on):
        (warnings if breach.excepted else problems).append(breach.message)
    repeat_years = repeat_support_years()
    for b in project.beneficiaries.select_related(
        "establishment", "establishment__commune", "establishment__division__section"
    ):
        result = check_eligibility(b.establishment, on)
        if result.outcome == "not_eligible":
            problems.append(
                _("“%(name)s” is not eligible: %(reasons)s")
                % {"name": b.establishment.name, "reasons": "; ".join(result.reasons)}
            )
        elif result.outcome == "review":
            warnings.append(
                _("“%(name)s” needs review: %(reasons)s")
                % {"name": b.establishment.name, "reasons": "; ".join(result.reasons)}
            )
        named, elsewhere = earlier_support_seen_by(
            viewer, earlier_support(b.establishment_id, project, repeat_years)
        )
        for other in named:
            warnings.append(
                _("“%(name)s” was already supported for this content by %(code)s (%(year)s).")
                % {"name": b.establishment.name, "code": other.code, "year": other.plan_year}
            )
        for year in elsewhere:
            warnings.append(
                _(
                    "“%(name)s” was already supported for this content in %(year)s, "
                    "by a project outside your scope."
                )
                % {"name": b.establishment.name, "year": year}
            )
    return problems, warnings


def repeat_support_years() -> int:
    """The rule on repeat support: an establishment is warned about when it was supported for the
    same content within this many plan years (system parameter ``repeat_support_years``); the
    repeat-support report reads the same rule."""
    from khuyencong.core.models import SystemParameter

    return SystemParameter.get("repeat_support_years", 3)


def earlier_support(establishment_id: int, project: Project, years: int | None = None):
    """Other projects of the same content, within ``years`` before this one, supporting the
    establishment (not counting proposals that never got money)."""
    years = repeat_support_years() if years is None else years
    return (
        Project.objects.filter(
            beneficiaries__establishment_id=establishment_id,
            content_id=project.content_id,
            plan_year__gte=project.plan_year - years,
            plan_year__lte=project.plan_year,
        )
        .exclude(pk=project.pk)
        .exclude(status__in=[Status.REJECTED, Status.WITHDRAWN, Status.DRAFT])
        .distinct()
    )


def earlier_support_seen_by(viewer, projects) -> tuple[list[Project], list[int]]:
    """The earlier projects as ``viewer`` is told of them: those they may open, named (with their
    code and link), and the plan years of the others – the warning stands, but another province's
    proposal is not named on a page (as a decision's other lines are only counted). Without a
    viewer (a service's own check), every project is named."""
    projects = list(projects)
    if viewer is None or not projects:
        return projects, []
    may_open = set(
        Project.objects.restrict(viewer, VIEW)
        .filter(pk__in=[p.pk for p in projects])
        .values_list("pk", flat=True)
    )
    return (
        [p for p in projects if p.pk in may_open],
        sorted({p.plan_year for p in projects if p.pk not in may_open}),
    )


def deadline_passed(project: Project, on: datetime.date | None = None) -> datetime.date | None:
    """The deadline if it has passed for this project's province, else None."""
    if project.round is None:
        return None
    on = on or timezone.localdate()
    deadline = project.round.deadline_for(project.lead_province_now_id)
    return deadline if on > deadline else None


def describe_deadline(deadline: datetime.date) -> str:
    return _(
        "The deadline (%(date)s) has passed; only the DOIT or the agency can accept the proposal now."
    ) % {"date": format_date(deadline)}


__all__ = [
    "deadline_passed",
    "earlier_support",
    "earlier_support_seen_by",
    "proposal_save",
    "readiness",
    "repeat_support_years",
    "roles",
]
