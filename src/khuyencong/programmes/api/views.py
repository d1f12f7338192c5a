from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers

from khuyencong.core.api.viewsets import ReferenceViewSet
from khuyencong.core.text import search_q
from khuyencong.programmes.models import (
    Content,
    DocumentRelation,
    Indicator,
    LegalDocument,
    Programme,
    Target,
)
from khuyencong.programmes.services import document_save, may_add


class RelationSerializer(serializers.ModelSerializer):
    target_number = serializers.CharField(source="target.number", read_only=True)

    class Meta:
        model = DocumentRelation
        fields = ["kind", "target", "target_number"]


class LegalDocumentSerializer(serializers.ModelSerializer):
    """A document of the registry. A provincial officer adds and corrects the documents of their
    province (provincial kinds only); administrators any document."""

    relations = RelationSerializer(source="relations_out", many=True, read_only=True)

    class Meta:
        model = LegalDocument
        validators: list = []  # the service names the duplicate number in the field's own words
        read_only_fields = ["id", "relations", "source"]
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "issuer",
            "issued_on",
            "effective_from",
            "effective_until",
            "province",
            "url",
            "note",
            "relations",
            "source",
        ]

    def create(self, validated_data):
        return document_save(user=self.context["request"].user, data=validated_data)

    def update(self, instance, validated_data):
        return document_save(user=self.context["request"].user, data=validated_data, document=instance)


class LegalDocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = LegalDocument
        fields = ["kind", "number", "province"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q("search_name", value))


class LegalDocumentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReferenceViewSet):
    """Legal documents: public to read; provinces add their own (see the serializer)."""

    serializer_class = LegalDocumentSerializer
    filterset_class = LegalDocumentFilter
    base_queryset = LegalDocument.objects.prefetch_related("relations_out__target")

    def can_write(self, scope) -> bool:
        return may_add(scope)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "content",
            "name",
            "name_en",
            "unit",
            "unit_en",
            "aggregation",
            "cumulative",
            "ascending",
            "order",
            "valid_from",
            "valid_until",
        ]


class ContentSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Content
        fields = [
            "id",
            "code",
            "order",
            "name",
            "name_en",
            "short_name",
            "legal_basis",
            "valid_from",
            "valid_until",
            "indicators",
        ]


class ContentViewSet(ReferenceViewSet):
    """The catalogue of contents with their indicators."""

    serializer_class = ContentSerializer
    base_queryset = Content.objects.prefetch_related("indicators")


class IndicatorViewSet(ReferenceViewSet):
    serializer_class = IndicatorSerializer
    filterset_fields = ["content", "code"]
    base_queryset = Indicator.objects.all()


class TargetSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)

    class Meta:
        model = Target
        fields = [
            "indicator",
            "indicator_code",
            "unit",
            "value",
            "qualifier",
            "back_computed",
            "source",
            "note",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    targets = TargetSerializer(many=True, read_only=True)
    contents = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "level",
            "province",
            "start_year",
            "end_year",
            "legal_basis",
            "contents",
            "planned_state_funds",
            "planned_funds_source",
            "targets",
            "source",
        ]


class ProgrammeViewSet(ReferenceViewSet):
    """Programmes (national and provincial) with their phase targets."""

    serializer_class = ProgrammeSerializer
    filterset_fields = ["level", "province", "code"]
    base_queryset = Programme.objects.prefetch_related("targets__indicator", "contents")
