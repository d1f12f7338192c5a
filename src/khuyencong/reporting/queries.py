"""Lists the reports review record by record (not figures: those come from :mod:`.engine`).

:func:`repeat_support` finds the establishments supported more than once for the same content within
the years the rules set – the rule the proposal check warns with
(:func:`khuyencong.projects.services.proposals.earlier_support`, the system parameter
``repeat_support_years``): two supports are a repeat when their plan years are at most that many
years apart. A support is an approved project (approved at some point: approved, in progress,
accepted, settled or stopped) listing the establishment among its beneficiaries; proposals still
under consideration are not support yet (the proposal check warns about them as they are filed).
An establishment merged into another counts as the record it was merged into (followed to the end of
the chain), so two records of one establishment are one establishment. Each project appears once in a
case, however many provinces it spans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from khuyencong.core.permissions import VIEW, Scope
from khuyencong.core.text import fold
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.models import Status as EstablishmentStatus
from khuyencong.projects.models import DECIDED, Project, ProjectBeneficiary
from khuyencong.reporting.engine import aggregate


@dataclass
class Support:
    """One approved project supporting the establishment, with its approved support (the engine's
    ``plan``: allocations and amendments, whole đồng)."""

    project: Project
    approved: int = 0
    years_after: int | None = None  # plan years since the previous support of the case


@dataclass
class RepeatCase:
    """One establishment supported more than once for one content within the rule's years."""

    establishment: Establishment
    content_id: int
    content_name: str
    supports: list[Support] = field(default_factory=list)

    @property
    def span(self) -> int:
        """Plan years between the first and the last support of the case."""
        return self.supports[-1].project.plan_year - self.supports[0].project.plan_year


@dataclass
class RepeatList:
    years: int  # the rule: at most this many plan years apart
    cases: list[RepeatCase]

    @property
    def establishments(self) -> int:
        return len({case.establishment.pk for case in self.cases})

    @property
    def projects(self) -> int:
        return len({s.project.pk for case in self.cases for s in case.supports})

    def by_content(self) -> dict[str, int]:
        """How many cases each content has (for the chart)."""
        counts: dict[str, int] = defaultdict(int)
        for case in self.cases:
            counts[case.content_name] += 1
        return dict(counts)


def survivors(ids: Iterable[int]) -> dict[int, int]:
    """Each establishment id mapped to the record it lives on: itself, or – for a merged duplicate –
    the record it was merged into, followed to the end of the chain."""
    merged = dict(
        Establishment.objects.filter(
            status=EstablishmentStatus.MERGED, merged_into__isnull=False
        ).values_list("pk", "merged_into")
    )
    result = {}
    for pk in ids:
        seen = {pk}
        current = pk
        while current in merged and merged[current] not in seen:
            current = merged[current]
            seen.add(current)
        result[pk] = current
    return result


def repeat_support(
    scope: Scope,
    first_year: int,
    last_year: int,
    content=None,
    province=None,
    years: int | None = None,
) -> RepeatList:
    """The repeat cases among the approved projects of plan years ``first_year``–``last_year`` the
    scope reads (a province: only its projects – others' are not shown, nor counted). ``content``:
    one programme content; ``province``: the province (today's geography) holding the establishment.
    ``years``: the rule's window (default: the system parameter)."""
    from khuyencong.projects.services.proposals import repeat_support_years

    window = repeat_support_years() if years is None else years
    condition = Project.scope_filter(scope, VIEW)
    if condition is False:
        return RepeatList(window, [])
    projects = Project.objects.filter(
        status__in=sorted(DECIDED), plan_year__gte=first_year, plan_year__lte=last_year
    )
    if condition is not True:
        projects = projects.filter(condition)
    if content is not None:
        projects = projects.filter(content=getattr(content, "pk", content))
    rows = list(
        ProjectBeneficiary.objects.filter(project__in=projects.values("pk")).values_list(
            "establishment", "project", "project__content"
        )
    )
    living = survivors({establishment for establishment, _p, _c in rows})
    grouped: dict[tuple[int, int], set[int]] = defaultdict(set)
    for establishment, project, content_id in rows:
        grouped[(living[establishment], content_id)].add(project)
    candidates = {key: ids for key, ids in grouped.items() if len(ids) > 1}
    project_ids = {pk for ids in candidates.values() for pk in ids}
    by_pk = {
        p.pk: p for p in Project.objects.filter(pk__in=project_ids).select_related("content", "lead_province")
    }
    chains: list[tuple[tuple[int, int], list[Project]]] = []
    for key, ids in candidates.items():
        ordered = sorted((by_pk[pk] for pk in ids), key=lambda p: (p.plan_year, p.code))
        chain = [ordered[0]]
        for project in ordered[1:]:
            if project.plan_year - chain[-1].plan_year <= window:
                chain.append(project)
                continue
            if len(chain) > 1:
                chains.append((key, chain))
            chain = [project]
        if len(chain) > 1:
            chains.append((key, chain))
    establishments = Establishment.objects.select_related("province_now").in_bulk(
        {key[0] for key, _chain in chains}
    )
    in_chains = sorted({p.pk for _key, chain in chains for p in chain})
    approved = (
        {
            row.key: int(row.value("plan"))
            for row in aggregate(
                scope, ["plan"], by=["project"], filters={"project": in_chains}, labels=False
            ).rows
        }
        if in_chains
        else {}
    )
    cases = []
    for (establishment_id, content_id), chain in chains:
        case = RepeatCase(establishments[establishment_id], content_id, chain[0].content.short_shown)
        previous = None
        for project in chain:
            case.supports.append(
                Support(
                    project,
                    approved.get(project.pk, 0),
                    None if previous is None else project.plan_year - previous.plan_year,
                )
            )
            previous = project
        cases.append(case)
    if province is not None:
        wanted = getattr(province, "pk", province)
        cases = [c for c in cases if c.establishment.province_now_id == wanted]
    cases.sort(
        key=lambda c: (
            fold(c.establishment.name),
            c.establishment.pk,
            c.content_name,
            c.supports[0].project.plan_year,
        )
    )
    return RepeatList(window, cases)


__all__ = ["RepeatCase", "RepeatList", "Support", "repeat_support", "survivors"]
