"""``/api/v1/imports/``: upload a file, read a batch with every error, confirm it. Checking and
importing run in the job queue (``exchange/jobs.py``): the upload and the confirmation answer 202 at
once with the batch and a ``Location`` to poll; the batch shows its job's progress. A batch is visible
to its owner (and administrators) only – anyone else gets 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from khuyencong.core import jobs as core_jobs
from khuyencong.core.api.viewsets import ScopedReadOnlyViewSet, VisibleObjectMixin
from khuyencong.core.models import Job
from khuyencong.exchange import jobs, services
from khuyencong.exchange.kinds import KINDS, kind_choices
from khuyencong.exchange.models import ImportBatch
from khuyencong.exchange.readers import max_bytes


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(help_text="Row number in the file (0: the file as a whole).")
    column = serializers.CharField(help_text="The column's title in the template (Vietnamese).")
    column_key = serializers.CharField()
    value = serializers.CharField()
    message = serializers.CharField()


class BatchProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total", allow_null=True)
    message = serializers.CharField(source="progress_message", allow_blank=True)
    percent = serializers.IntegerField(allow_null=True, help_text="0–100; null while the total is not known.")


class BatchJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.CharField(help_text="queued, running, done or failed.")
    error = serializers.CharField(allow_blank=True)
    progress = BatchProgressSerializer(source="*")
    url = serializers.SerializerMethodField(help_text="The job in the API (/api/v1/jobs/{id}/).")
    page = serializers.CharField(source="get_absolute_url", help_text="The job's page.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, job) -> str:
        return reverse("job-detail", args=[job.pk])


class ImportBatchSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    errors = ImportErrorSerializer(many=True, read_only=True)
    job = serializers.SerializerMethodField(
        help_text="The job checking or importing the file, with its progress (null before any)."
    )
    file_kept = serializers.SerializerMethodField(
        help_text="false once the housekeeping (khuyencong cleanup) removed the uploaded file."
    )

    @extend_schema_field(BatchJobSerializer(allow_null=True))
    def get_job(self, batch: ImportBatch) -> dict | None:
        if batch.job is None:
            return None
        job = batch.job
        if job.state == Job.State.RUNNING:
            if core_jobs.fail_stale(Job.objects.filter(pk=job.pk)):
                job.refresh_from_db()
            job = core_jobs.live_progress(job)
        return BatchJobSerializer(job).data

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_file_kept(self, batch: ImportBatch) -> bool:
        return batch.file_removed_at is None

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "size",
            "user",
            "state",
            "rows",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
            "uploaded_at",
            "checked_at",
            "started_at",
            "finished_at",
            "job",
            "file_kept",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=[])
    dry_run = serializers.BooleanField(
        default=True,
        help_text="true (default): check only. false: import as soon as the check finds no error (in the "
        "same job).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()


class ImportBatchViewSet(VisibleObjectMixin, ScopedReadOnlyViewSet):
    serializer_class = ImportBatchSerializer
    base_queryset = ImportBatch.objects.select_related("user", "job")
    parser_classes = [MultiPartParser, FormParser]

    def _accepted(self, batch: ImportBatch) -> Response:
        batch = ImportBatch.objects.select_related("user", "job").get(pk=batch.pk)
        url = reverse("import-detail", args=[batch.pk])
        return Response(
            ImportBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED, headers={"Location": url}
        )

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            202: OpenApiResponse(
                ImportBatchSerializer,
                description="The file is stored and its check queued (state “uploaded”; the job's "
                "progress under “job”). Poll the batch at the Location header until its state is "
                "“invalid” (every error listed), “checked” or – with dry_run=false – “imported”.",
            ),
        },
        description="Upload a file of one kind. It is checked in the job queue and every error is listed "
        "on the batch. With dry_run=false and no error it is then imported in the same job (all rows or "
        "none).",
    )
    def create(self, request):
        from khuyencong.exchange.views import importable

        if not importable(request.user):
            raise exceptions.PermissionDenied(_("Your role cannot import data."))
        form = ImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if not KINDS[form.validated_data["kind"]].may_import(request.user):
            raise exceptions.PermissionDenied(_("Your role cannot import this kind of data."))
        upload = form.validated_data["file"]
        if upload.size > max_bytes():
            raise exceptions.ValidationError(
                {"file": [_("The file is larger than %(limit)s MB.") % {"limit": max_bytes() // 2**20}]}
            )
        batch = services.batch_create(
            user=request.user, kind=form.validated_data["kind"], file=upload, file_name=upload.name
        )
        jobs.queue_check(request.user, batch, then_import=not form.validated_data["dry_run"])
        return self._accepted(batch)

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(
                ImportBatchSerializer,
                description="The import is queued; poll the batch at the Location header until its "
                "state is “imported” (or “invalid” if the data changed since the check).",
            ),
            400: inline_serializer(
                "ImportRefused", {"detail": serializers.ListField(child=serializers.CharField())}
            ),
        },
        description="Import a checked batch (state “checked”) in the job queue: every row or none.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        batch = self.get_visible_object()
        try:
            jobs.queue_import(request.user, batch)
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        except ValidationError as error:
            raise exceptions.ValidationError({"detail": error.messages}) from error
        return self._accepted(batch)
