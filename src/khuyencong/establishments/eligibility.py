"""Eligibility of an establishment for support, judged by the rules in force on a date.

The rules are data (``EligibilityRuleSet`` / ``EligibilityRule``, loaded from
``establishments/data/eligibility_*.csv`` and editable by administrators): a proposal made in 2024
is judged by Decree 45/2012 as it stood, one made from 15/10/2025 by its amendment (Decree
235/2025). Each dimension (location, kind and size, sector, status) gives a finding with its reason
and legal basis; the result is *not eligible* if any finding says so, else *needs review* if any
does, else *eligible*. Priority groups (women, ethnic minorities, artisans) are listed apart.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from khuyencong.establishments.models import (
    Dimension,
    EligibilityRule,
    EligibilityRuleSet,
    Establishment,
    Outcome,
)


@dataclass
class Finding:
    dimension: str
    value: str
    outcome: str
    reason: str
    article: str = ""

    @property
    def dimension_label(self) -> str:
        return str(Dimension(self.dimension).label)

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


@dataclass
class EligibilityResult:
    outcome: str
    on: datetime.date
    rule_set: EligibilityRuleSet | None
    findings: list[Finding] = field(default_factory=list)
    priorities: list[Finding] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)

    @property
    def is_eligible(self) -> bool:
        return self.outcome == Outcome.ELIGIBLE

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.findings if f.outcome != Outcome.ELIGIBLE]

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "on": self.on.isoformat(),
            "rule_set": self.rule_set.code if self.rule_set else None,
            "legal_basis": str(self.rule_set.legal_basis) if self.rule_set else None,
            "findings": [vars(f) for f in self.findings],
            "priorities": [vars(f) for f in self.priorities],
        }


def rule_set_on(on: datetime.date) -> EligibilityRuleSet | None:
    return (
        EligibilityRuleSet.objects.filter(effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .select_related("legal_basis")
        .order_by("-effective_from")
        .first()
    )


def _reason(rule: EligibilityRule) -> str:
    return rule.reason_en if (get_language() or "vi").startswith("en") and rule.reason_en else rule.reason


def _finding(rule: EligibilityRule) -> Finding:
    return Finding(rule.dimension, rule.value, rule.outcome, _reason(rule), rule.article)


def check_eligibility(establishment: Establishment, on: datetime.date | None = None) -> EligibilityResult:
    on = on or timezone.localdate()
    rule_set = rule_set_on(on)
    if rule_set is None:
        return EligibilityResult(
            Outcome.REVIEW,
            on,
            None,
            [
                Finding(
                    Dimension.STATUS, "", Outcome.REVIEW, _("No eligibility rules are in force on this date.")
                )
            ],
        )
    rules = {(r.dimension, r.value): r for r in rule_set.rules.all()}
    findings: list[Finding] = []

    def missing(dimension: str, value: str) -> Finding:
        return Finding(
            dimension,
            value,
            Outcome.REVIEW,
            _("No rule for “%(value)s” in %(rules)s – check by hand.")
            % {"value": value, "rules": rule_set.name},
        )

    # location: a recognised craft village decides where the rule set names it
    craft = rules.get((Dimension.CRAFT_VILLAGE, "recognised"))
    location_kind = establishment.commune.kind
    if craft is not None and establishment.in_craft_village and establishment.craft_village_recognised:
        findings.append(_finding(craft))
    elif (Dimension.LOCATION, location_kind) in rules:
        findings.append(_finding(rules[(Dimension.LOCATION, location_kind)]))
    else:
        findings.append(missing(Dimension.LOCATION, location_kind))

    kind_rule = rules.get((Dimension.KIND, establishment.kind))
    findings.append(_finding(kind_rule) if kind_rule else missing(Dimension.KIND, establishment.kind))

    division = establishment.vsic_code[:2]
    section = establishment.division.section.code
    sector_rule = rules.get((Dimension.SECTOR_DIVISION, division)) or rules.get(
        (Dimension.SECTOR_SECTION, section)
    )
    findings.append(_finding(sector_rule) if sector_rule else missing(Dimension.SECTOR_SECTION, section))

    status_rule = rules.get((Dimension.STATUS, establishment.status))
    findings.append(_finding(status_rule) if status_rule else missing(Dimension.STATUS, establishment.status))

    priorities = [
        _finding(rules[(Dimension.PRIORITY, g)])
        for g in establishment.priority_groups
        if (Dimension.PRIORITY, g) in rules
    ]

    outcomes = {f.outcome for f in findings}
    if Outcome.NOT_ELIGIBLE in outcomes:
        outcome = Outcome.NOT_ELIGIBLE
    elif Outcome.REVIEW in outcomes:
        outcome = Outcome.REVIEW
    else:
        outcome = Outcome.ELIGIBLE
    return EligibilityResult(outcome, on, rule_set, findings, priorities)
