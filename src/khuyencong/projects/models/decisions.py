"""Allocation decisions and the amendment decisions that stop, adjust or add projects.

The plan is the sum of the decisions: each line states a project's approved state support after
the decision; issuing the decision writes the difference into the money ledger, dated on the
decision. Any past date's plan is the ledger summed up to that date; every version stays visible.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.core.fields import DateField, MoneyField, PlanYearField
from khuyencong.core.links import record_url
from khuyencong.core.models import AuditedModel
from khuyencong.core.permissions import VIEW, Scope
from khuyencong.projects.models.choices import FundingSource


class DecisionKind(models.TextChoices):
    ALLOCATION = "allocation", _("allocation decision")
    AMENDMENT = "amendment", _("amendment decision (stop, adjust, add)")


class LineAction(models.TextChoices):
    APPROVE = "approve", pgettext_lazy("decision line", "approve")
    ADD = "add", pgettext_lazy("decision line", "add")
    ADJUST = "adjust", pgettext_lazy("decision line", "adjust")
    STOP = "stop", pgettext_lazy("decision line", "stop")


class Decision(AuditedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    number = models.CharField(_("number"), max_length=60, help_text=_("E.g. 1234/QĐ-BCT"))
    date = DateField(_("date"))
    signer = models.CharField(_("signed by"), max_length=200)
    issuer = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.ForeignKey(
        "programmes.LegalDocument",
        verbose_name=_("legal basis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan_year = PlanYearField(_("plan year"))
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a provincial (KCĐP) decision of the People's Committee."),
    )
    title = models.CharField(_("subject"), max_length=500)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    constraint_fields = {"proj_decision_unique": "number"}

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issuer"],
                name="proj_decision_unique",
                violation_error_code="decision_number_taken",
                violation_error_message=_("This issuer already has a decision with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return record_url("projects:decision_detail", self.pk)

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """National decisions are the agency's; a province records its People's Committee's. A
        decision keeps the province of its time, so a merged province reads its predecessors'
        decisions (history); it records new ones only under its own name."""
        if action == VIEW and scope.national_read:
            return True
        if scope.national_write:
            return True
        current = scope.province_read if action == VIEW else scope.current_write
        condition = Q(province__in=current) if current else None
        if action == VIEW and scope.can_use_workspace:
            national = Q(province__isnull=True)
            condition = national if condition is None else condition | national
        return condition if condition is not None else False


class DecisionLine(AuditedModel):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="lines")
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="decision_lines"
    )
    action = models.CharField(_("action"), max_length=10, choices=LineAction.choices)
    amount = MoneyField(
        _("approved state support after the decision (VND)"), validators=[MinValueValidator(0)]
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    previous_amount = MoneyField(_("approved before (VND)"), default=0, editable=False)

    constraint_fields = {"proj_decision_line_unique": "project"}

    class Meta:
        ordering = ["decision", "id"]
        verbose_name = _("decision line")
        verbose_name_plural = _("decision lines")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "project"],
                name="proj_decision_line_unique",
                violation_error_code="decision_line_exists",
                violation_error_message=_("This project already has a line in this decision."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision.number}: {self.project.code} {self.get_action_display()}"

    def audit_parent(self):
        return self.decision

    @property
    def change(self) -> int:
        return self.amount - self.previous_amount

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """A line is read when its decision is *and* its project is: a decision names projects of
        many provinces and units, and nobody learns of a project (code, name, amount) through a
        decision that they could not open themselves. Changing a line is the decision's rule."""
        from khuyencong.projects.models.project import Project

        conditions: list[Q] = []
        rules = [("decision__in", Decision, Decision.scope_filter(scope, action))]
        if action == VIEW:
            rules.append(("project__in", Project, Project.scope_filter(scope, VIEW)))
        for lookup, model, rule in rules:
            if rule is False:
                return False
            if rule is not True:
                conditions.append(Q(**{lookup: model.objects.filter(rule)}))
        if not conditions:
            return True
        condition = conditions[0]
        for extra in conditions[1:]:
            condition &= extra
        return condition
