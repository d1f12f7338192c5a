"""An import: the file, who sent it, what checking and importing it found and did, and the records
it wrote (so a record shows the file it came from)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.core.models import RestrictedQuerySet
from khuyencong.core.permissions import Scope


class BatchState(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    INVALID = "invalid", _("has errors")
    CHECKED = "checked", _("checked, ready to import")
    IMPORTED = "imported", _("imported")
    FAILED = "failed", _("failed")


def batch_file_path(instance: ImportBatch, filename: str) -> str:
    return f"imports/{instance.sha256[:2]}/{instance.sha256}"


class ImportBatch(models.Model):
    """One uploaded file of one kind. Not business data itself (no audit record): the records it
    writes are audited, with origin ``import`` and the file's name as the reason."""

    kind = models.CharField(_("kind of data"), max_length=40)
    file = models.FileField(_("file"), upload_to=batch_file_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=BatchState.choices, default=BatchState.UPLOADED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    started_at = models.DateTimeField(_("import started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("import finished at"), null=True, blank=True)
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The last job that checked or imported the file."),
    )
    file_removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["user", "uploaded_at"], name="exchange_batch_user")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.kind})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:batch", args=[self.pk])

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q | bool:
        """A batch is its owner's (and the administrators')."""
        if scope.is_admin:
            return True
        if scope.user_id is None:
            return False
        return Q(user_id=scope.user_id)

    @property
    def kind_label(self) -> str:
        from khuyencong.exchange.kinds import KINDS

        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind


class ImportedRecord(models.Model):
    """A record an import created or changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    row = models.PositiveIntegerField(_("row"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Meta:
        ordering = ["batch", "row"]
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        indexes = [models.Index(fields=["content_type", "object_id"], name="exchange_record_object")]

    def __str__(self) -> str:
        return f"{self.batch} #{self.row}"
