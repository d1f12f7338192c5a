from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from rest_framework import serializers

from khuyencong.core.api.viewsets import ReferenceViewSet
from khuyencong.core.text import search_q
from khuyencong.geo.models import AdministrativeUnit, Kind, Level, Region, RegionMembership, Succession


class SuccessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Succession
        fields = [
            "predecessor",
            "successor",
            "effective_date",
            "kind",
            "share_percent",
            "legal_basis",
            "is_seat",
        ]


class UnitSerializer(serializers.ModelSerializer):
    regions = serializers.SerializerMethodField()
    successors = SuccessionSerializer(source="successions", many=True, read_only=True)
    predecessors = SuccessionSerializer(source="predecessions", many=True, read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = [
            "id",
            "level",
            "kind",
            "code",
            "name",
            "full_name",
            "other_names",
            "parent",
            "valid_from",
            "valid_until",
            "regions",
            "successors",
            "predecessors",
            "source",
        ]

    def get_regions(self, unit) -> dict[str, str]:
        return {m.region.scheme: m.region.code for m in unit.region_memberships.all()}


class UnitFilter(django_filters.FilterSet):
    valid_on = django_filters.DateFilter(method="filter_valid_on", label="Valid on (YYYY-MM-DD)")
    region = django_filters.CharFilter(method="filter_region", label="Region code")
    q = django_filters.CharFilter(method="filter_q", label="Accent-insensitive name search")
    level = django_filters.ChoiceFilter(choices=Level.choices)
    kind = django_filters.ChoiceFilter(choices=Kind.choices)

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "kind", "code", "parent"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_memberships__region__code=value)

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q("search_name", value))


class UnitViewSet(ReferenceViewSet):
    """Provinces and communes of both geographies. ``?level=province&valid_on=2020-01-01`` gives the 63."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["code", "name", "valid_from"]
    ordering = ["level", "code", "valid_from"]

    def get_base_queryset(self):
        return AdministrativeUnit.objects.prefetch_related(
            Prefetch("region_memberships", queryset=RegionMembership.objects.select_related("region")),
            "successions",
            "predecessions",
        )


class RegionSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(source="memberships", many=True, read_only=True)
    member_units = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = ["id", "scheme", "code", "name", "name_en", "order", "member_units", "members", "source"]

    def get_member_units(self, region) -> list[int]:
        return [m.unit_id for m in region.memberships.all()]


class RegionViewSet(ReferenceViewSet):
    """Socio-economic regions and conference areas with their member units (both geographies)."""

    serializer_class = RegionSerializer
    filterset_fields = ["scheme", "code"]
    base_queryset = Region.objects.prefetch_related("memberships")
