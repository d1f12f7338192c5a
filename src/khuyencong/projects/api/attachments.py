"""A project's files through the API, as on its page: the list, adding one (the owner, the DOIT or
the agency; the same checks of type and size as the page) and downloading one (whoever may see the
project; 404 for everyone else)."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from khuyencong.core.parsing import parse_id
from khuyencong.projects.models import Attachment, AttachmentKind
from khuyencong.projects.services.attachments import CONTENT_TYPES, attach


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "size", "content_type", "description", "download"]
        read_only_fields = fields

    def get_download(self, obj) -> str:
        request = self.context.get("request")
        path = f"/api/v1/projects/{obj.project_id}/attachments/{obj.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    file = serializers.FileField(help_text="PDF, Word, Excel or an image (PNG, JPEG).")
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


ATTACHMENT_ID = OpenApiParameter("attachment_id", int, OpenApiParameter.PATH, description="The file's id.")
FILE_TYPES = sorted(set(CONTENT_TYPES.values()))


class AttachmentsMixin:
    """``attachments`` and ``attachments/<attachment_id>/download`` on the projects' viewset."""

    @extend_schema(methods=["GET"], request=None, responses=AttachmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, pk=None):
        """The project's files; POST (multipart) adds one: ``kind``, ``file``, ``description``. A file
        of another type or too large: 400 naming ``file``; a role that may not add files here: 403."""
        project = self.get_visible_object()
        context = {"request": request}
        if request.method == "GET":
            files = project.attachments.order_by("id")
            return Response(AttachmentSerializer(files, many=True, context=context).data)
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        added = attach(
            user=request.user,
            project=project,
            kind=data["kind"],
            upload=data["file"],
            description=data.get("description", ""),
        )
        return Response(AttachmentSerializer(added, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ATTACHMENT_ID],
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in FILE_TYPES},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[^/.]+)/download",
        filter_backends=[],
    )
    def download_attachment(self, request, pk=None, attachment_id=None):
        """The file as it was uploaded."""
        project = self.get_visible_object()
        number = parse_id(attachment_id)
        attachment = project.attachments.filter(pk=number).first() if number else None
        if attachment is None:
            raise NotFound()
        try:
            handle = attachment.file.open("rb")
        except OSError:  # the file is gone from the storage: as for a record that is not there
            raise NotFound() from None
        response = FileResponse(
            handle,
            content_type=attachment.content_type,
            as_attachment=not attachment.content_type.startswith("image/"),
            filename=attachment.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
