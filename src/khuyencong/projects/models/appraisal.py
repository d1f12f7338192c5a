"""Two-level appraisal: the DOIT first, then the agency's expert council."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField, MoneyField, PlanYearField
from khuyencong.core.models import AuditedModel, ReferenceModel
from khuyencong.core.permissions import VIEW, Scope
from khuyencong.projects.models.choices import FundingSource
from khuyencong.projects.models.project import Project, ProjectPart


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("approve")
    APPROVE_WITH_CHANGES = "approve_with_changes", _("approve with changes")
    REJECT = "reject", _("do not approve")


class ProvincialAppraisal(ProjectPart):
    """The DOIT's appraisal of a proposal of its province (its council or advisory group)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="provincial_appraisal")
    appraised_on = DateField(_("date"))
    body = models.CharField(_("appraised by (council or group)"), max_length=300)
    recommendation = models.CharField(_("result"), max_length=30, choices=Recommendation.choices)
    recommended_amount = MoneyField(_("recommended state support (VND)"), validators=[MinValueValidator(0)])
    comments = models.TextField(_("comments"), blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("DOIT appraisal")
        verbose_name_plural = _("DOIT appraisals")

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_recommendation_display()}"


class CriteriaSet(ReferenceModel):
    """Weighted criteria experts score proposals on (configurable, dated)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    effective_from = DateField(_("in force from"))
    effective_until = DateField(_("in force until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("set of appraisal criteria")
        verbose_name_plural = _("sets of appraisal criteria")

    def __str__(self) -> str:
        return self.name


class Criterion(ReferenceModel):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("criterion"), max_length=300)
    description = models.TextField(_("how to score"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    max_score = models.PositiveSmallIntegerField(_("maximum score"), validators=[MinValueValidator(1)])

    constraint_fields = {"proj_criterion_order": "order"}

    class Meta:
        ordering = ["criteria_set", "order"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "order"],
                name="proj_criterion_order",
                violation_error_code="criterion_order_taken",
                violation_error_message=_("Another criterion of this set already has this order."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CouncilScoped(AuditedModel):
    """Councils are the agency's: it manages them; members see the councils they sit on."""

    class Meta:
        abstract = True

    council_lookup = "pk"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if action == VIEW and scope.national_read:
            return True
        if scope.national_write:
            return True
        if action == VIEW and scope.user_id:
            lookup = "" if cls.council_lookup == "pk" else f"{cls.council_lookup}__"
            return Q(**{f"{lookup}members__user_id": scope.user_id})
        return False


class Council(CouncilScoped):
    """The agency's appraisal council for a plan year (formed by a decision)."""

    plan_year = PlanYearField(_("plan year"))
    source = models.CharField(
        _("funding source"), max_length=10, choices=FundingSource.choices, default=FundingSource.KCQG
    )
    name = models.CharField(_("name"), max_length=300)
    decision_number = models.CharField(_("decision forming the council"), max_length=100, blank=True)
    decision_date = DateField(_("date of the decision"), null=True, blank=True)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria"), on_delete=models.PROTECT, related_name="councils"
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        validators=[MinValueValidator(1)],
        help_text=_("Members who must be present for the session to decide."),
    )

    class Meta:
        ordering = ["-plan_year", "name"]
        verbose_name = _("appraisal council")
        verbose_name_plural = _("appraisal councils")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("projects:council_detail", args=[self.pk])


class CouncilMember(CouncilScoped):
    ROLES = [("chair", _("chair")), ("member", _("member")), ("secretary", _("secretary"))]
    council_lookup = "council"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="council_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=ROLES, default="member")

    constraint_fields = {"proj_council_member_unique": "user"}

    class Meta:
        ordering = ["council", "role", "id"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user"],
                name="proj_council_member_unique",
                violation_error_code="member_exists",
                violation_error_message=_("This person is already a member of the council."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def audit_parent(self):
        return self.council

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if action == VIEW and scope.national_read:
            return True
        if scope.national_write:
            return True
        if action == VIEW and scope.user_id:
            return Q(council__in=CouncilMember.objects.filter(user_id=scope.user_id).values("council"))
        return False


class ExpertAssignment(AuditedModel):
    """An expert of a council asked to score one proposal. Scores stay hidden from the other experts
    until they have submitted their own; a declared conflict of interest recuses the expert."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="assignments")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expert_assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="expert_assignments",
    )
    conflict_declared = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=30, choices=Recommendation.choices, blank=True
    )
    recommended_amount = MoneyField(
        _("recommended state support (VND)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    comment = models.TextField(_("overall comment"), blank=True)

    constraint_fields = {"proj_assignment_unique": "expert"}

    class Meta:
        ordering = ["council", "project", "id"]
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "project", "expert"],
                name="proj_assignment_unique",
                violation_error_code="assignment_exists",
                violation_error_message=_("This expert is already assigned to this project in this council."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} – {self.expert}"

    def audit_parent(self):
        return self.project

    @property
    def is_active(self) -> bool:
        return not self.conflict_declared

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        # The review is blind: the agency that runs the appraisal (and the administrators) read every
        # review; read-only leaders – national or provincial – see the council's result, not the
        # experts' names, scores and comments.
        if scope.national_write:
            return True
        if scope.user_id is None:
            return False
        own = Q(expert_id=scope.user_id)
        if action == VIEW:
            # another expert's assignment is visible once you have submitted your own on that project
            submitted = cls.objects.filter(expert_id=scope.user_id, submitted_at__isnull=False).values(
                "project"
            )
            # subqueries, not joins: an OR across a to-many join would repeat rows
            member_of = CouncilMember.objects.filter(user_id=scope.user_id).values("council")
            return own | Q(project__in=submitted, council__in=member_of)
        return own


class Score(AuditedModel):
    """One expert's score for one criterion – or an explicit “not applicable”, never a silent 0."""

    assignment = models.ForeignKey(ExpertAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    constraint_fields = {"proj_score_unique": "criterion", "proj_score_value_or_na": "value"}

    class Meta:
        ordering = ["assignment", "criterion__order"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"],
                name="proj_score_unique",
                violation_error_code="score_exists",
                violation_error_message=_("This criterion has already been scored in this review."),
            ),
            models.CheckConstraint(
                condition=(Q(value__isnull=False) & Q(not_applicable=False))
                | (Q(value__isnull=True) & Q(not_applicable=True)),
                name="proj_score_value_or_na",
                violation_error_code="score_or_not_applicable",
                violation_error_message=_(
                    "Enter a score, or mark the criterion as not applicable – not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'N/A' if self.not_applicable else self.value}"

    def audit_parent(self):
        return self.assignment

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        inner = ExpertAssignment.scope_filter(scope, action)
        if isinstance(inner, bool):
            return inner
        return Q(assignment__in=ExpertAssignment.objects.filter(inner))


class CouncilSession(CouncilScoped):
    council_lookup = "council"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="sessions")
    held_on = DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    present = models.ManyToManyField(CouncilMember, verbose_name=_("members present"), related_name="+")
    quorum_met = models.BooleanField(_("quorum met"), default=False)
    minutes = models.TextField(_("minutes"))
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")

    def __str__(self) -> str:
        return f"{self.council} – {self.held_on:%d/%m/%Y}"

    def audit_parent(self):
        return self.council


class CouncilResult(CouncilScoped):
    """The council's result for one proposal: weighted average, rank, recommendation, amount."""

    council_lookup = "session__council"

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="results")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="council_results")
    experts = models.PositiveSmallIntegerField(_("experts who scored"))
    average_score = models.DecimalField(_("weighted average score (/100)"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=Recommendation.choices)
    recommended_amount = MoneyField(_("recommended state support (VND)"), validators=[MinValueValidator(0)])

    constraint_fields = {"proj_result_unique": "project"}

    class Meta:
        ordering = ["session", "rank"]
        verbose_name = _("council result")
        verbose_name_plural = _("council results")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "project"],
                name="proj_result_unique",
                violation_error_code="result_exists",
                violation_error_message=_("This project already has a result in this session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.average_score} (#{self.rank})"

    def audit_parent(self):
        return self.project
