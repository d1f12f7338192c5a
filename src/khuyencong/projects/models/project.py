"""The project (đề án) – one record from proposal to settlement – and its parts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.fields import DateField, MoneyField, PlanYearField
from khuyencong.core.links import record_url
from khuyencong.core.models import AuditedModel, RestrictedQuerySet
from khuyencong.core.permissions import CHANGE, VIEW, Scope
from khuyencong.core.text import fold
from khuyencong.projects.models.choices import (
    BudgetCategory,
    EventKind,
    FundingSource,
    ProjectKind,
    Status,
)


class RegistrationRound(AuditedModel):
    """The call for next year's proposals: KCQG nationally (filed at each DOIT, deadline 20 May by
    default, a DOIT may set its own), or a province's KCĐP round."""

    plan_year = PlanYearField(_("plan year"))
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the national (KCQG) round."),
    )
    name = models.CharField(_("name"), max_length=200)
    opens_on = DateField(_("opens on"))
    deadline = DateField(_("deadline"))
    note = models.TextField(_("note"), blank=True)

    constraint_fields = {
        "proj_round_unique": "province",
        "proj_round_national_unique": "source",
        "proj_round_dates": "deadline",
    }

    class Meta:
        ordering = ["-plan_year", "source"]
        verbose_name = _("registration round")
        verbose_name_plural = _("registration rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "source", "province"],
                name="proj_round_unique",
                violation_error_code="round_exists",
                violation_error_message=_(
                    "A registration round for this year, funding source and province already exists."
                ),
            ),
            models.UniqueConstraint(
                fields=["plan_year", "source"],
                condition=Q(province__isnull=True),
                name="proj_round_national_unique",
                violation_error_code="national_round_exists",
                violation_error_message=_(
                    "A national registration round for this year and funding source already exists."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")),
                name="proj_round_dates",
                violation_error_code="deadline_before_opening",
                violation_error_message=_("The deadline cannot be before the opening date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:round_detail", args=[self.pk])

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if action == VIEW:
            return scope.can_use_workspace
        if scope.national_write:
            return True
        return Q(province__in=scope.province_write) if scope.province_write else False

    def deadline_for(self, province_id: int | None) -> datetime.date:
        if province_id is not None:
            own = self.province_deadlines.filter(province_id=province_id).first()
            if own is not None:
                return own.deadline
        return self.deadline


class ProvinceDeadline(AuditedModel):
    """A DOIT's own deadline in a national round."""

    round = models.ForeignKey(RegistrationRound, on_delete=models.CASCADE, related_name="province_deadlines")
    province = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = DateField(_("deadline"))

    constraint_fields = {"proj_deadline_unique": "province"}

    class Meta:
        verbose_name = _("provincial deadline")
        verbose_name_plural = _("provincial deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "province"],
                name="proj_deadline_unique",
                violation_error_code="deadline_exists",
                violation_error_message=_("This province already has a deadline in this round."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.province}: {self.deadline:%d/%m/%Y}"

    def audit_parent(self):
        return self.round

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        if action == VIEW:
            return scope.can_use_workspace
        if scope.national_write:
            return True
        return Q(province__in=scope.province_write) if scope.province_write else False


class ProjectQuerySet(RestrictedQuerySet):
    """Projects; a status written in bulk (``update``, ``bulk_update``) is announced like one saved
    (``extensions.STATUS_CHANGED``), in the same transaction."""

    def update(self, **kwargs):
        if "status" not in kwargs:
            return super().update(**kwargs)
        from django.db import transaction

        with transaction.atomic(using=self.db, savepoint=False):
            before = dict(self.values_list("pk", "status"))
            count = super().update(**kwargs)
            _announce(before, self.model._base_manager.using(self.db).filter(pk__in=list(before)))
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "status" not in fields:
            return super().bulk_update(objs, fields, *args, **kwargs)
        from django.db import transaction

        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            stored = self.model._base_manager.using(self.db).filter(pk__in=[o.pk for o in objs])
            before = dict(stored.values_list("pk", "status"))
            count = super().bulk_update(objs, fields, *args, **kwargs)
            _announce(before, stored)
        return count

    bulk_update.alters_data = True


def _announce(before: dict[int, str], stored) -> None:
    from khuyencong.projects.extensions import STATUS_CHANGED

    changes = {
        pk: (before[pk], status)
        for pk, status in stored.values_list("pk", "status")
        if before.get(pk, status) != status
    }
    if changes:
        STATUS_CHANGED.results(changes)


class Project(AuditedModel):
    code = models.CharField(_("code"), max_length=40, unique=True, editable=False)
    round = models.ForeignKey(
        RegistrationRound,
        verbose_name=_("registration round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    plan_year = PlanYearField(_("plan year"))
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="projects"
    )
    # content, lead_province and lead_province_now lead the indexes proj_content_year,
    # proj_province_year and proj_province_now_year (no index of their own to keep up)
    content = models.ForeignKey(
        "programmes.Content",
        verbose_name=_("content"),
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,
    )
    support_norm = models.ForeignKey(
        "projects.SupportNorm",
        verbose_name=_("support norm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("The norm that limits the state support of this kind of project."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProjectKind.choices, default=ProjectKind.ORDINARY
    )
    name = models.CharField(_("name"), max_length=400)
    objectives = models.TextField(_("objectives"))
    description = models.TextField(_("description"), blank=True)
    implementing_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("implementing organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    implementing_establishment = models.ForeignKey(
        "establishments.Establishment",
        verbose_name=_("establishment applying for itself"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_projects",
    )
    lead_province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province (DOIT where filed)"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    lead_province_now = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province today"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    start_date = DateField(_("start"))
    end_date = DateField(_("end"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    late = models.BooleanField(_("accepted after the deadline"), default=False, editable=False)
    search_text = models.CharField(max_length=500, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    constraint_fields = {"proj_dates": "end_date", "proj_has_implementer": "implementing_org"}

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-plan_year", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["plan_year", "source", "status"], name="proj_year_source_status"),
            models.Index(fields=["lead_province_now", "plan_year"], name="proj_province_now_year"),
            models.Index(fields=["lead_province", "plan_year"], name="proj_province_year"),
            models.Index(fields=["content", "plan_year"], name="proj_content_year"),
            # the home page's and the list's sets by status over every year (“in appraisal”)
            models.Index(fields=["status", "plan_year"], name="proj_status_year"),
            # a code is unique whatever its case: the imports and the history's check find it by
            # ``Upper("code")`` (an index on the expression, not a scan of every project)
            models.Index(Upper("code"), name="proj_code_upper"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="proj_dates",
                violation_error_code="end_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(implementing_org__isnull=False) | Q(implementing_establishment__isnull=False),
                name="proj_has_implementer",
                violation_error_code="no_implementer",
                violation_error_message=_("Name the implementing organisation or establishment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def get_absolute_url(self) -> str:
        return record_url("projects:detail", self.pk)

    def save(self, *args, **kwargs) -> None:
        self.compute_fields()
        super().save(*args, **kwargs)

    def compute_fields(self) -> None:
        """The fields the project's others give: the province holding its lead province today and
        the text searched (set on every save, and by a batch that inserts new projects together)."""
        from khuyencong.geo.queries import province_now

        self.lead_province_now = province_now(self.lead_province)
        self.search_text = f"{fold(self.code)} {fold(self.name)}"[:500]

    @property
    def implementer(self):
        return self.implementing_org or self.implementing_establishment

    @property
    def is_editable(self) -> bool:
        from khuyencong.projects.models.choices import EDITABLE

        return self.status in EDITABLE

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """National roles: all. Provinces: projects filed at their DOIT (including the former
        provinces merged into theirs) and, for reading, projects with a share in their province.
        Implementing units: their own. Experts: the proposals assigned to them."""
        if action == VIEW and scope.national_read:
            return True
        if action == CHANGE and scope.national_write:
            return True
        conditions: list[Q] = []
        current = scope.current_read if action == VIEW else scope.current_write
        if current:
            conditions.append(Q(lead_province_now__in=current))
            if action == VIEW:
                shares = ProjectLocation.objects.filter(province_now__in=current).values("project")
                conditions.append(Q(pk__in=shares))
        if scope.organisation_ids:
            conditions.append(Q(implementing_org__in=scope.organisation_ids))
        if scope.establishment_ids:
            conditions.append(Q(implementing_establishment__in=scope.establishment_ids))
        if action == VIEW and scope.is_expert and scope.user_id:
            from khuyencong.projects.models.appraisal import ExpertAssignment

            assigned = ExpertAssignment.objects.filter(expert_id=scope.user_id).values("project")
            conditions.append(Q(pk__in=assigned))
        if not conditions:
            return False
        condition = conditions[0]
        for extra in conditions[1:]:
            condition |= extra
        return condition


class ProjectPart(AuditedModel):
    """A part of a project: visible and changeable exactly as its project is."""

    audit_scope_from_parent = True

    class Meta:
        abstract = True

    def audit_parent(self):
        return self.project

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        inner = Project.scope_filter(scope, action)
        if isinstance(inner, bool):
            return inner
        return Q(project__in=Project.objects.filter(inner))


class ProjectLocation(ProjectPart):
    """A province (and optionally a commune) where the project takes place, with its share in
    basis points (10,000 = 100 %): amounts and results are split by these shares, so that province
    totals never double-count a project spanning several provinces."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="locations")
    province = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    province_now = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("commune / ward"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    share_bp = models.PositiveIntegerField(
        _("share (basis points)"),
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text=_("10,000 = 100 %."),
    )

    constraint_fields = {"proj_location_unique": "province"}

    class Meta:
        ordering = ["project", "-share_bp", "id"]
        verbose_name = _("project location")
        verbose_name_plural = _("project locations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "province"],
                name="proj_location_unique",
                violation_error_code="location_exists",
                violation_error_message=_("This province is already among the project's places."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.province.name} {self.share_bp / 100:.2f}%"

    def save(self, *args, **kwargs) -> None:
        from khuyencong.geo.queries import province_now

        self.province_now = province_now(self.province)
        super().save(*args, **kwargs)

    @property
    def share_percent(self) -> float:
        return self.share_bp / 100


class ProjectBeneficiary(ProjectPart):
    """An establishment supported by the project, with the effect figures before and after."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="beneficiaries")
    establishment = models.ForeignKey(
        "establishments.Establishment",
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    planned_support = MoneyField(
        _("planned state support for it (VND)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    role = models.CharField(_("what it receives"), max_length=300, blank=True)
    revenue_before = MoneyField(
        _("revenue before (VND)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    revenue_after = MoneyField(
        _("revenue after (VND)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    production_before = MoneyField(
        _("production value before (VND)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    production_after = MoneyField(
        _("production value after (VND)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    jobs_before = models.PositiveIntegerField(_("jobs before"), null=True, blank=True)
    jobs_after = models.PositiveIntegerField(_("jobs after"), null=True, blank=True)

    constraint_fields = {"proj_beneficiary_unique": "establishment"}

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "establishment"],
                name="proj_beneficiary_unique",
                violation_error_code="beneficiary_exists",
                violation_error_message=_("This establishment is already a beneficiary of the project."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} – {self.establishment}"

    @classmethod
    def merge_establishments(cls, *, survivor, absorbed) -> dict:
        """When two establishment records merge, their participations follow; a project listing both
        keeps one row (the survivor's)."""
        moved, dropped = [], []
        for row in cls.objects.filter(establishment=absorbed):
            if cls.objects.filter(project=row.project, establishment=survivor).exists():
                dropped.append(row.project.code)
                row.delete()
            else:
                row.establishment = survivor
                row.save()
                moved.append(row.project.code)
        return {"moved": moved, "dropped": dropped}


class BudgetLine(ProjectPart):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    item = models.CharField(_("item"), max_length=300)
    state_support = MoneyField(_("state support requested (VND)"), validators=[MinValueValidator(0)])
    counterpart = MoneyField(_("counterpart funds (VND)"), default=0, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["project", "order", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return self.item

    @property
    def total(self) -> int:
        return self.state_support + self.counterpart


class PlannedResult(ProjectPart):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="planned_results")
    indicator = models.ForeignKey(
        "programmes.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.DecimalField(
        _("planned"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    constraint_fields = {"proj_planned_result_unique": "indicator"}

    class Meta:
        ordering = ["project", "indicator__order"]
        verbose_name = _("planned result")
        verbose_name_plural = _("planned results")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "indicator"],
                name="proj_planned_result_unique",
                violation_error_code="planned_result_exists",
                violation_error_message=_("This indicator is already among the project's planned results."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target}"


class ResultReport(ProjectPart):
    """A reported value of an indicator; only approved reports count in the actuals."""

    STATES = [("submitted", _("submitted")), ("approved", _("approved")), ("rejected", _("rejected"))]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="result_reports")
    indicator = models.ForeignKey(
        "programmes.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    period_end = DateField(_("as of"))
    state = models.CharField(_("state"), max_length=10, choices=STATES, default="submitted")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["project", "indicator", "period_end", "id"]
        verbose_name = _("result report")
        verbose_name_plural = _("result reports")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_end:%d/%m/%Y})"


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", _("application")
    PROJECT_DOCUMENT = "project_document", _("project document")
    BENEFICIARY_REQUEST = "beneficiary_request", _("beneficiary's request for support")
    ANNEX = "annex", _("annex")
    CONTRACT = "contract", _("contract")
    MINUTES = "minutes", _("minutes")
    PHOTO = "photo", _("site photo")
    OTHER = "other", _("other")


def attachment_path(instance, filename: str) -> str:
    import uuid
    from pathlib import Path

    return f"projects/{instance.project_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(ProjectPart):
    """A file of the dossier, checked for size and real type, served only to users who may see
    the project (never from a public URL)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=30, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    progress_report = models.ForeignKey(
        "projects.ProgressReport", on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )

    class Meta:
        ordering = ["project", "kind", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("projects:attachment", args=[self.project_id, self.pk])


class ProjectEvent(ProjectPart):
    """A business moment in the project's life (its timeline), with the document behind it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    on = DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The date of the document or of the work, when it has one."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    document = models.CharField(_("document"), max_length=200, blank=True)
    amount = MoneyField(_("amount (VND)"), null=True, blank=True)

    # who recorded it, named as the viewer may know them (set by ``projects.queries.timeline``)
    who: str = ""

    class Meta:
        ordering = ["project", "at", "id"]
        verbose_name = _("project event")
        verbose_name_plural = _("project events")

    def __str__(self) -> str:
        from khuyencong.core.tables import choice_label  # the label without translating every choice

        return f"{self.project.code}: {choice_label(ProjectEvent, 'kind', self.kind)}"

    @property
    def earlier_date(self) -> datetime.date | None:
        """The document's date when it is not the day the event was recorded (shown first)."""
        if self.on is None or self.at is None:
            return None
        return self.on if self.on != timezone.localtime(self.at).date() else None
