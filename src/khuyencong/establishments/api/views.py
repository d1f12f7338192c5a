"""``/api/v1/establishments/``: the registry through the same services and rules as the pages."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from khuyencong.core.parsing import ID_MAX
from khuyencong.core.permissions import VIEW, get_scope
from khuyencong.establishments import services
from khuyencong.establishments.eligibility import check_eligibility
from khuyencong.establishments.filters import EstablishmentFilterSet
from khuyencong.establishments.models import Establishment, EstablishmentFigure, EstablishmentMerge, Outcome
from khuyencong.establishments.queries import duplicate_candidates


class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = EstablishmentFigure
        fields = ["year", "revenue", "production_value", "employees"]


class EstablishmentSerializer(serializers.ModelSerializer):
    """Writes go through the services: the model's rules, scope, duplicate tax codes, versions."""

    figures = FigureSerializer(many=True, read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True)
    province_now_name = serializers.CharField(source="province_now.name", read_only=True)
    commune_name = serializers.CharField(source="commune.full_name", read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Establishment
        fields = [
            "id",
            *services.EDITABLE_FIELDS,
            "province",
            "province_name",
            "province_now",
            "province_now_name",
            "commune_name",
            "division",
            "merged_into",
            "version",
            "figures",
        ]
        read_only_fields = ["province", "province_now", "division", "merged_into"]
        extra_kwargs = {
            "tax_code": {"validators": []},  # the service checks, naming the other record when visible
            "address_as_of": {"required": False},
        }

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.establishment_create(user=self.context["request"].user, data=validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return services.establishment_update(
            user=self.context["request"].user, establishment=instance, data=validated_data, version=version
        )


class FindingSerializer(serializers.Serializer):
    dimension = serializers.CharField(help_text="What was judged: location, kind, sector, status, priority …")
    value = serializers.CharField(help_text="The establishment's value for it.")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField()
    article = serializers.CharField(help_text="The article of the legal basis, if any.")


class EligibilitySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_label = serializers.CharField()
    on = serializers.DateField()
    rule_set = serializers.CharField(allow_null=True, help_text="Code of the rules in force on that date.")
    legal_basis = serializers.CharField(allow_null=True)
    findings = FindingSerializer(many=True)
    priorities = FindingSerializer(many=True)


class DuplicatePairSerializer(serializers.Serializer):
    first = serializers.IntegerField(help_text="Id of one record.")
    second = serializers.IntegerField(help_text="Id of the record that is probably the same.")
    reason = serializers.CharField()


class MergeSerializer(serializers.Serializer):
    absorbed = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="Id of the record to merge into this one."
    )
    reason = serializers.CharField()


class EstablishmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Rural industrial establishments within your scope. Updates must send the ``version`` read;
    a stale version answers 409 with the fields changed meanwhile."""

    serializer_class = EstablishmentSerializer
    filterset_class = EstablishmentFilterSet
    ordering_fields = ["name", "tax_code", "employees", "id"]
    ordering = ["name", "id"]
    search_fields: list[str] = []  # use ?q= (accent-insensitive)

    def get_queryset(self):
        return (
            Establishment.objects.restrict(self.request.user, VIEW)
            .select_related("province", "province_now", "commune")
            .prefetch_related("figures")
        )

    def can_write(self, scope) -> bool:
        """Registering needs a role that writes; on a record, the record decides (404 outside the
        scope, then 403 when it is visible but not the caller's to change)."""
        return scope.national_write or bool(scope.province_write)

    def filter_queryset(self, queryset):
        """The list's filters (and its default of hiding merged records) apply to the list only: a
        record is found by its id, merged or not, as long as it is in the caller's scope."""
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="Date (YYYY-MM-DD), default today")
        ],
        responses=EligibilitySerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def eligibility(self, request, pk=None):
        """Eligible / not eligible / needs review, with reasons and legal basis, on a date."""
        establishment = self.get_object()
        on = None
        if request.query_params.get("on"):
            try:
                on = datetime.date.fromisoformat(request.query_params["on"])
            except ValueError as exc:
                raise ValidationError({"on": [_("Enter a valid date.")]}) from exc
        return Response(EligibilitySerializer(check_eligibility(establishment, on).as_dict()).data)

    @extend_schema(request=FigureSerializer, responses=FigureSerializer)
    @action(detail=True, methods=["post"])
    def figures(self, request, pk=None):
        """Create or replace the figures of one year."""
        establishment = self.get_object()
        serializer = FigureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        figure = services.figure_save(
            user=request.user, establishment=establishment, **serializer.validated_data
        )
        return Response(FigureSerializer(figure).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=DuplicatePairSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def duplicates(self, request):
        """Pairs of records that are probably the same establishment."""
        pairs = duplicate_candidates(get_scope(request.user))
        rows = [{"first": p.first.pk, "second": p.second.pk, "reason": p.reason} for p in pairs]
        return Response(DuplicatePairSerializer(rows, many=True).data)

    @extend_schema(request=MergeSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge another record (``absorbed``) into this one, keeping all history."""
        survivor = self.get_object()
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        absorbed = get_object_or_404(self.get_queryset(), pk=serializer.validated_data["absorbed"])
        merge = services.establishment_merge(
            user=request.user,
            survivor=survivor,
            absorbed=absorbed,
            reason=serializer.validated_data["reason"],
        )
        return Response({"merge": merge.pk, "moved": merge.moved}, status=status.HTTP_201_CREATED)


__all__ = ["EstablishmentMerge", "EstablishmentViewSet"]
