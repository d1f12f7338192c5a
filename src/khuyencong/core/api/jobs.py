"""``/api/v1/jobs/``: the caller's jobs (an administrator's: everyone's), as their pages show them."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from khuyencong.core import jobs
from khuyencong.core.models import Job


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total", allow_null=True)
    message = serializers.CharField(source="progress_message", allow_blank=True)
    percent = serializers.IntegerField(allow_null=True, help_text="0–100; null while the total is not known.")


class JobSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    progress = ProgressSerializer(source="*", read_only=True)
    result = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField(help_text="The job's page.")

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "owner",
            "state",
            "state_display",
            "progress",
            "result",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "page",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "summary": {"type": "object", "additionalProperties": True},
                "url": {"type": "string", "nullable": True},
                "label": {"type": "string"},
                "file": {
                    "type": "string",
                    "nullable": True,
                    "description": "Where to download the result file.",
                },
                "filename": {"type": "string"},
            },
        }
    )
    def get_result(self, job: Job) -> dict:
        has_file = job.state == Job.State.DONE and bool(job.result_file)
        return {
            "summary": job.summary,
            "url": job.result_url or None,
            "label": job.result_label,
            "file": reverse("job-file", args=[job.pk]) if has_file else None,
            "filename": job.result_filename if has_file else "",
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_page(self, job: Job) -> str:
        return job.get_absolute_url()


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Jobs – imports, large exports, publications – with their progress and result. Each user
    sees their own; an administrator sees everyone's. Another user's job is a 404."""

    serializer_class = JobSerializer
    filterset_fields = ["state", "kind"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        return Job.objects.visible_to(self.request.user).select_related("owner")

    def get_object(self):
        job = super().get_object()
        if job.state == Job.State.RUNNING and jobs.fail_stale(Job.objects.filter(pk=job.pk)):
            job.refresh_from_db()
        return jobs.live_progress(job)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The job's result file."""
        job = self.get_object()
        if job.state != Job.State.DONE or not job.result_file:
            raise NotFound(_("This job has no file."))
        try:
            handle = job.result_file.open("rb")
        except OSError as error:
            raise NotFound(_("The job's file is no longer kept.")) from error
        return FileResponse(handle, as_attachment=True, filename=job.result_filename or job.result_file.name)
