"""Support norms: the most the state may pay, checked when proposing and when deciding."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from khuyencong.core.formatting import format_money, format_percent
from khuyencong.projects.models import NormBasis, Project, SupportNorm


@dataclass
class NormBreach:
    norm: SupportNorm
    message: str
    excepted: bool  # an authorised officer recorded an exception

    @property
    def legal_basis(self) -> str:
        return str(self.norm.legal_basis)


def norms_for(content_id: int, on: datetime.date):
    return SupportNorm.objects.valid_on(on).filter(content_id=content_id).select_related("legal_basis")


def check_norms(project: Project, on: datetime.date, state_support: int | None = None) -> list[NormBreach]:
    """Breaches of the project's support norm. ``state_support`` overrides the requested amount
    (a decision line's amount); otherwise the budget lines count."""
    norm = project.support_norm
    if norm is None:
        return []
    lines = list(project.budget_lines.all())
    requested = sum(line.state_support for line in lines)
    counterpart = sum(line.counterpart for line in lines)
    state = requested if state_support is None else state_support
    cost = requested + counterpart
    excepted = project.norm_exceptions.filter(norm=norm).exists()
    breaches: list[NormBreach] = []
    basis = _("%(norm)s (%(doc)s)") % {"norm": norm.name, "doc": norm.legal_basis}
    if norm.max_percent is not None and cost > 0 and Decimal(state) * 100 > norm.max_percent * cost:
        breaches.append(
            NormBreach(
                norm,
                _(
                    "State support %(state)s is %(share)s of the cost %(cost)s; the norm allows at most "
                    "%(max)s – %(basis)s."
                )
                % {
                    "state": format_money(state),
                    "share": format_percent(Decimal(state) * 100 / cost),
                    "cost": format_money(cost),
                    "max": format_percent(norm.max_percent, 0),
                    "basis": basis,
                },
                excepted,
            )
        )
    if norm.max_amount is not None:
        if norm.basis == NormBasis.PROJECT and state > norm.max_amount:
            breaches.append(
                NormBreach(
                    norm,
                    _("State support %(state)s is above the ceiling of %(max)s per project – %(basis)s.")
                    % {"state": format_money(state), "max": format_money(norm.max_amount), "basis": basis},
                    excepted,
                )
            )
        if norm.basis == NormBasis.ESTABLISHMENT:
            beneficiaries = list(project.beneficiaries.select_related("establishment"))
            count = max(1, len(beneficiaries))
            if state > norm.max_amount * count:
                breaches.append(
                    NormBreach(
                        norm,
                        _(
                            "State support %(state)s is above %(max)s per establishment × %(n)s "
                            "establishments – %(basis)s."
                        )
                        % {
                            "state": format_money(state),
                            "max": format_money(norm.max_amount),
                            "n": count,
                            "basis": basis,
                        },
                        excepted,
                    )
                )
            for b in beneficiaries:
                if b.planned_support and b.planned_support > norm.max_amount:
                    breaches.append(
                        NormBreach(
                            norm,
                            _(
                                "Support planned for “%(name)s” (%(amount)s) is above the ceiling of "
                                "%(max)s per "
                                "establishment – %(basis)s."
                            )
                            % {
                                "name": b.establishment.name,
                                "amount": format_money(b.planned_support),
                                "max": format_money(norm.max_amount),
                                "basis": basis,
                            },
                            excepted,
                        )
                    )
    return breaches
