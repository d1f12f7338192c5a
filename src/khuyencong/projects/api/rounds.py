"""``/api/v1/rounds/``, ``/api/v1/norms/``, ``/api/v1/advance-rules/``: what the pages of registration
rounds and of support norms show, read through the same scope (rounds: the workspace; norms and
advance rules: public reference data, as their page is). Rounds are opened and a province's own
deadline set through the same forms and services as the rounds pages (``services.rounds``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from khuyencong.core.api.exceptions import form_errors
from khuyencong.core.api.viewsets import ReferenceViewSet, ScopedReadOnlyViewSet, VisibleObjectMixin
from khuyencong.core.permissions import get_scope
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.projects.forms import RoundForm
from khuyencong.projects.models import (
    AdvanceRule,
    FundingSource,
    ProvinceDeadline,
    RegistrationRound,
    SupportNorm,
)
from khuyencong.projects.services.rounds import (
    can_open_rounds,
    province_deadline_set,
    round_create,
    round_update,
)


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


class RoundCreateSerializer(serializers.Serializer):
    plan_year = serializers.IntegerField(min_value=2010, max_value=2100)
    source = serializers.ChoiceField(choices=FundingSource.choices)
    province = serializers.IntegerField(
        required=False, allow_null=True, help_text="Empty for the national (KCQG) round."
    )
    name = serializers.CharField(max_length=200)
    opens_on = serializers.DateField()
    deadline = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class RoundUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    opens_on = serializers.DateField(required=False)
    deadline = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class DeadlineSerializer(serializers.Serializer):
    deadline = serializers.DateField()
    province = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The province (by id); may be left out by a DOIT that writes for one province.",
    )


class RoundViewSet(
    VisibleObjectMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet
):
    """Registration rounds: the national (KCQG) round with each DOIT's own deadline, and the
    provinces' KCĐP rounds (the workspace's roles, as the rounds page). The agency opens any round,
    a DOIT its province's KCĐP round (``POST``); a DOIT sets its own deadline in a national round
    (``deadline``; the agency: for any province). ``PATCH`` changes a round's name, dates or note
    (the agency any round, a DOIT its province's; another's: 403). The round's proposals:
    ``/api/v1/projects/?round=``."""

    serializer_class = RoundSerializer
    base_queryset = RegistrationRound.objects.select_related("province").prefetch_related(
        "province_deadlines__province"
    )
    filterset_fields = ["plan_year", "source", "province"]
    ordering_fields = ["plan_year", "deadline", "id"]
    ordering = ["-plan_year", "source", "id"]
    search_fields = ["name"]

    def get_serializer_class(self):
        if self.action == "create":
            return RoundCreateSerializer
        if self.action in ("update", "partial_update"):
            return RoundUpdateSerializer
        if self.action == "deadline":
            return DeadlineSerializer
        return RoundSerializer

    def can_write(self, scope) -> bool:
        return can_open_rounds(self.request.user)

    def _answer(self, the_round, code=status.HTTP_200_OK):
        the_round = self.get_queryset().get(pk=the_round.pk)
        return Response(RoundSerializer(the_round, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=RoundCreateSerializer, responses={201: RoundSerializer})
    def create(self, request, *args, **kwargs):
        """Open a round: a national round has no province; a provincial round names a province you
        write for; the deadline is not before the round opens."""
        data = request.data if isinstance(request.data, dict) else {}
        form = RoundForm({k: v for k, v in data.items() if not isinstance(v, dict | list)}, user=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        return self._answer(round_create(user=request.user, data=form.cleaned_data), status.HTTP_201_CREATED)

    @extend_schema(request=RoundUpdateSerializer, responses=RoundSerializer)
    def update(self, request, *args, **kwargs):
        """Change the round's name, dates or note (``PUT`` and ``PATCH`` alike: the fields sent)."""
        the_round = self.get_visible_object()
        serializer = RoundUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        round_update(user=request.user, registration_round=the_round, data=dict(serializer.validated_data))
        return self._answer(the_round)

    @extend_schema(request=RoundUpdateSerializer, responses=RoundSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=DeadlineSerializer, responses=RoundSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def deadline(self, request, pk=None):
        """Set a province's own deadline in a national round (not before the round opens)."""
        the_round = self.get_visible_object()
        serializer = DeadlineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        province_id = serializer.validated_data.get("province")
        scope = get_scope(request.user)
        if not (scope.national_write or scope.current_write):
            raise exceptions.PermissionDenied(_("You cannot set the deadline of this province."))
        if province_id is None:
            if len(scope.current_write) != 1:
                raise exceptions.ValidationError({"province": [_("Choose a province.")]})
            province_id = next(iter(scope.current_write))
        if not scope.national_write and province_id not in scope.current_write:
            raise exceptions.PermissionDenied(_("You cannot set the deadline of this province."))
        if not AdministrativeUnit.objects.filter(pk=province_id, level=Level.PROVINCE).exists():
            raise exceptions.ValidationError({"province": [_("Choose a province.")]})
        province_deadline_set(
            user=request.user,
            registration_round=the_round,
            province_id=province_id,
            deadline=serializer.validated_data["deadline"],
        )
        return self._answer(the_round)


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
