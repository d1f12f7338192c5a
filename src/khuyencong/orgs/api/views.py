from __future__ import annotations

import django_filters
from rest_framework import serializers

from khuyencong.core.api.viewsets import ReferenceViewSet
from khuyencong.core.text import search_q
from khuyencong.orgs.models import Organisation, OrganisationName


class OrganisationNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganisationName
        fields = ["name", "short_name", "valid_from", "valid_until", "legal_basis"]


class OrganisationSerializer(serializers.ModelSerializer):
    names = OrganisationNameSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "kind",
            "name",
            "short_name",
            "province",
            "parent",
            "functions",
            "valid_from",
            "valid_until",
            "address",
            "phone",
            "email",
            "website",
            "name_verified",
            "names",
            "source",
        ]


class OrganisationFilter(django_filters.FilterSet):
    valid_on = django_filters.DateFilter(method="filter_valid_on")
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Organisation
        fields = ["kind", "province", "parent", "code", "name_verified"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q("search_name", value))


class OrganisationViewSet(ReferenceViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "code", "kind"]
    base_queryset = Organisation.objects.prefetch_related("names").order_by("kind", "code")
