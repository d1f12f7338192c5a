"""``/api/v1/imports/``: upload a file (checked at once, nothing written), read a batch with every
error, confirm it. A batch is visible to its owner (and administrators) only – anyone else gets 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from khuyencong.core.api.viewsets import ScopedReadOnlyViewSet, VisibleObjectMixin
from khuyencong.exchange import services
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


class ImportBatchSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    errors = ImportErrorSerializer(many=True, read_only=True)

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
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=[])
    dry_run = serializers.BooleanField(
        default=True, help_text="true (default): check only. false: import at once when there is no error."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()


class ImportBatchViewSet(VisibleObjectMixin, ScopedReadOnlyViewSet):
    serializer_class = ImportBatchSerializer
    base_queryset = ImportBatch.objects.select_related("user")
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportBatchSerializer},
        description="Upload a file of one kind; it is checked at once and every error is listed. With "
        "dry_run=false and no error it is imported in the same call (all rows or none).",
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
        batch = services.run_import(batch, dry_run=True)
        if not form.validated_data["dry_run"] and batch.state == "checked":
            batch = services.batch_confirm(user=request.user, batch=batch)
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: ImportBatchSerializer,
            400: inline_serializer("ImportRefused", {"detail": serializers.CharField()}),
        },
        description="Import a checked batch (state “checked”): every row or none.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        batch = self.get_visible_object()
        try:
            batch = services.batch_confirm(user=request.user, batch=batch)
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        except ValidationError as error:
            raise exceptions.ValidationError({"detail": error.messages}) from error
        return Response(ImportBatchSerializer(batch).data)
