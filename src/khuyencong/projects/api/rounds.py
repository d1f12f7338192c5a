"""``/api/v1/rounds/``, ``/api/v1/norms/``, ``/api/v1/advance-rules/``: what the pages of registration
rounds and of support norms show, read through the same scope (rounds: the workspace; norms and
advance rules: public reference data, as their page is)."""

from __future__ import annotations

from rest_framework import serializers

from khuyencong.core.api.viewsets import ReferenceViewSet, ScopedReadOnlyViewSet
from khuyencong.projects.models import AdvanceRule, ProvinceDeadline, RegistrationRound, SupportNorm


class ProvinceDeadlineSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = ProvinceDeadline
        fields = ["province", "province_name", "deadline"]


class RoundSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True, allow_null=True)
    province_deadlines = ProvinceDeadlineSerializer(many=True, read_only=True)

    class Meta:
        model = RegistrationRound
        fields = [
            "id",
            "plan_year",
            "source",
            "province",
            "province_name",
            "name",
            "opens_on",
            "deadline",
            "note",
            "province_deadlines",
        ]


class RoundViewSet(ScopedReadOnlyViewSet):
    """Registration rounds: the national (KCQG) round with each DOIT's own deadline, and the
    provinces' KCĐP rounds (the workspace's roles, as the rounds page)."""

    serializer_class = RoundSerializer
    base_queryset = RegistrationRound.objects.select_related("province").prefetch_related(
        "province_deadlines__province"
    )
    filterset_fields = ["plan_year", "source", "province"]
    ordering_fields = ["plan_year", "deadline", "id"]
    ordering = ["-plan_year", "source", "id"]
    search_fields = ["name"]


class SupportNormSerializer(serializers.ModelSerializer):
    content_code = serializers.CharField(source="content.code", read_only=True)
    legal_basis_number = serializers.CharField(source="legal_basis.number", read_only=True)

    class Meta:
        model = SupportNorm
        fields = [
            "id",
            "code",
            "content",
            "content_code",
            "name",
            "max_percent",
            "max_amount",
            "basis",
            "legal_basis",
            "legal_basis_number",
            "article",
            "valid_from",
            "valid_until",
            "note",
        ]


class SupportNormViewSet(ReferenceViewSet):
    """Support norms: the most the state may pay for a kind of project – a share of the cost and/or a
    ceiling in đồng – with their legal basis and validity (public, as the norms page)."""

    serializer_class = SupportNormSerializer
    base_queryset = SupportNorm.objects.select_related("content", "legal_basis")
    filterset_fields = ["content", "code"]
    ordering_fields = ["valid_from", "id"]
    ordering = ["content__order", "code", "-valid_from"]
    search_fields = ["name", "code"]


class AdvanceRuleSerializer(serializers.ModelSerializer):
    content_code = serializers.CharField(source="content.code", read_only=True)
    legal_basis_number = serializers.CharField(source="legal_basis.number", read_only=True)

    class Meta:
        model = AdvanceRule
        fields = [
            "id",
            "content",
            "content_code",
            "max_percent",
            "min_progress",
            "legal_basis",
            "legal_basis_number",
            "valid_from",
            "valid_until",
            "note",
        ]


class AdvanceRuleViewSet(ReferenceViewSet):
    """Advance rules: how much of a contract may be advanced for each content, and after how much
    of the work (public, as the norms page)."""

    serializer_class = AdvanceRuleSerializer
    base_queryset = AdvanceRule.objects.select_related("content", "legal_basis")
    filterset_fields = ["content"]
    ordering_fields = ["valid_from", "id"]
    ordering = ["content__order", "-valid_from", "id"]
    search_fields: list[str] = []
