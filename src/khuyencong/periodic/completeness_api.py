"""``/api/v1/periodic/completeness/``: which provinces reported a form's period on time, late or
not at all – the agency's table of the page ``/bao-cao-dinh-ky/tinh-hinh-nop/``, with its permission
(readers of the whole country; 403 for the others)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from khuyencong.core.bounds import validate_plausible_date
from khuyencong.core.permissions import get_scope
from khuyencong.periodic import queries
from khuyencong.periodic.models import ReportForm
from khuyencong.periodic.periods import period_matching


class CompletenessParams(serializers.Serializer):
    form = serializers.SlugField(
        required=False, help_text="The form's code (default: the first active form)."
    )
    period_start = serializers.DateField(required=False, validators=[validate_plausible_date])
    period_end = serializers.DateField(
        required=False,
        validators=[validate_plausible_date],
        help_text="With period_start: one of the form's periods (default: its latest period ended).",
    )


class CompletenessRowSerializer(serializers.Serializer):
    province = serializers.IntegerField()
    province_name = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[queries.ON_TIME, queries.LATE, queries.MISSING, queries.NOT_DUE]
    )
    submitted = serializers.DateTimeField(allow_null=True, help_text="When it was first submitted.")
    report = serializers.IntegerField(allow_null=True, help_text="The report's id, if one was opened.")


class CompletenessSerializer(serializers.Serializer):
    form = serializers.CharField(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    rows = CompletenessRowSerializer(many=True)


class CompletenessView(APIView):
    """The completeness of the provinces' periodic reporting."""

    @extend_schema(parameters=[CompletenessParams], responses=CompletenessSerializer)
    def get(self, request):
        """Every province that had to report the period: ``on_time``, ``late``, ``missing`` or
        ``not_due``, with when it first submitted."""
        scope = get_scope(request.user)
        if not scope.national_read:
            raise PermissionDenied(_("The completeness of reporting is the agency's table."))
        params = CompletenessParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if data.get("form"):
            form = ReportForm.objects.filter(code=data["form"]).first()
            if form is None:
                raise ValidationError({"form": [_("No report form has this code.")]})
        else:
            form = ReportForm.objects.filter(active=True).first()
        start, end = data.get("period_start"), data.get("period_end")
        period = None
        if (start is None) != (end is None):
            raise ValidationError({"period_end": [_("Give both the start and the end of the period.")]})
        if form is not None and start is not None and end is not None:
            period = period_matching(form.period_type, start, end, form.months)
            if period is None:
                raise ValidationError(
                    {"period_start": [_("This is not a period of the form “%(form)s”.") % {"form": form}]}
                )
        elif form is not None:
            ended = queries.current_periods(form, timezone.localdate())
            period = ended[0] if ended else None
        empty = {"form": getattr(form, "code", None), "period_start": None, "period_end": None}
        if form is None or period is None:
            return Response(
                CompletenessSerializer({**empty, "deadline": None, "counts": {}, "rows": []}).data
            )
        table = queries.completeness(scope, form, period)
        body = {
            "form": form.code,
            "period_start": period.start,
            "period_end": period.end,
            "deadline": table.deadline,
            "counts": table.counts,
            "rows": [
                {
                    "province": row["province"].pk,
                    "province_name": row["province"].name,
                    "status": row["status"],
                    "submitted": row["submitted"],
                    "report": row["report"].pk if row["report"] else None,
                }
                for row in table.rows
            ],
        }
        return Response(CompletenessSerializer(body).data)
