"""Who acts on a project: its owner (the implementing unit), its DOIT, the agency."""

from __future__ import annotations

from khuyencong.core.permissions import Scope
from khuyencong.projects.models import Project


def is_owner(scope: Scope, project: Project) -> bool:
    return (
        project.implementing_org_id is not None and project.implementing_org_id in scope.organisation_ids
    ) or (
        project.implementing_establishment_id is not None
        and project.implementing_establishment_id in scope.establishment_ids
    )


def is_doit(scope: Scope, project: Project) -> bool:
    """An officer of the province where the project was filed (today's province)."""
    return project.lead_province_now_id in scope.current_write


def is_agency(scope: Scope) -> bool:
    return scope.national_write


def doit_or_agency(scope: Scope, project: Project) -> bool:
    return is_agency(scope) or is_doit(scope, project)


def owner_doit_or_agency(scope: Scope, project: Project) -> bool:
    return is_owner(scope, project) or doit_or_agency(scope, project)


def may_forward(scope: Scope) -> bool:
    """Who forwards proposals to the agency at all (each one is then checked by the action's rule):
    the agency and the officers of a province's DOIT."""
    return is_agency(scope) or bool(scope.current_write)
