"""``/api/v1/history/…``: the change log, read as the history pages read it.

* ``history/<app_label>/<model_name>/<id>/`` – one record's history and its parts' (the page
  ``/lich-su/<app_label>/<model_name>/<id>/``): workspace users, for a record they may see (404
  otherwise); a part's change only when they may see that part (``history.changes_visible``, the
  page's own filter – an expert's blind review stays hidden from the province).
* ``history/`` – the whole change log, for ministry administrators (the page ``/lich-su/``), with
  its filters.

Each change is presented as the page presents it (``history.present``): labels, names and values as
a person reads them, in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers

from khuyencong.core import history
from khuyencong.core.models import ObjectChange
from khuyencong.core.permissions import get_scope


class ShownSerializer(serializers.Serializer):
    text = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text="The page of what it names, if you may open it.")


class FieldChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    before = ShownSerializer()
    after = ShownSerializer()


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="change.pk")
    time = serializers.DateTimeField(source="change.time")
    time_display = serializers.CharField(source="time", help_text="dd/mm/yyyy HH:MM, local time.")
    who = serializers.CharField()
    origin = serializers.ChoiceField(source="change.origin", choices=ObjectChange.ORIGINS)
    origin_display = serializers.CharField(source="origin")
    action = serializers.ChoiceField(choices=ObjectChange.ACTIONS)
    action_display = serializers.CharField(source="action_label")
    kind = serializers.CharField(
        help_text="The kind of record changed (the record itself or one of its parts)."
    )
    record = ShownSerializer()
    reason = serializers.CharField(
        allow_blank=True,
        help_text="Why the change was made, in the reader's language where the system wrote it.",
    )
    fields = FieldChangeSerializer(many=True)


class _HistoryBase(generics.ListAPIView):
    serializer_class = ChangeSerializer
    filter_backends: list = []

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = history.present(page, request.user, subject=getattr(self, "subject", None))
        return self.get_paginated_response(ChangeSerializer(rows, many=True).data)


class ObjectHistoryView(_HistoryBase):
    """The history of one record and of its parts that you may see, newest first (as its history
    page). ``app_label`` and ``model_name`` as in the page's address, e.g. ``projects/project/12``."""

    @extend_schema(operation_id="history_object")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.subject = history.visible_subject(
            self.request.user, self.kwargs["app_label"], self.kwargs["model_name"], self.kwargs["pk"]
        )
        return history.changes_visible(self.subject, self.request.user).select_related("content_type", "user")


class AuditLogView(_HistoryBase):
    """The whole change log, newest first, for ministry administrators (others: 403)."""

    @extend_schema(
        operation_id="history_list",
        parameters=[
            OpenApiParameter("user", str, description="The login or the name shown."),
            OpenApiParameter("model", str, description="The kind of record (its model name)."),
            OpenApiParameter("action", str, enum=[a for a, _label in ObjectChange.ACTIONS]),
            OpenApiParameter("origin", str, enum=[o for o, _label in ObjectChange.ORIGINS]),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not get_scope(self.request.user).is_admin:
            raise exceptions.PermissionDenied(
                _("Only ministry administrators can read the whole change log.")
            )
        return history.audit_log_changes(self.request.query_params)
