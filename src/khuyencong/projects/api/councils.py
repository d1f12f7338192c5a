"""``/api/v1/councils/``: the agency's appraisal councils – what the council pages show, and the
agency's actions there (form a council, assign experts, record a session), through the same forms
and services (``projects.services.appraisal``) and the same scope: the agency and the national
readers see every council, an expert the councils they sit on, the provinces none (404).

The experts' reviews of a council are at ``/api/v1/reviews/?council=<id>`` (blind review)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from khuyencong.core.api.exceptions import form_errors
from khuyencong.core.api.viewsets import VisibleObjectMixin
from khuyencong.core.permissions import VIEW, get_scope
from khuyencong.projects.api.serializers import CriterionSerializer, ReviewSerializer
from khuyencong.projects.forms import AssignForm, CouncilForm, SessionForm
from khuyencong.projects.models import (
    Council,
    CouncilMember,
    CouncilResult,
    CouncilSession,
    ExpertAssignment,
    FundingSource,
    Status,
)
from khuyencong.projects.services import appraisal


class CouncilMemberSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = CouncilMember
        fields = ["id", "user", "user_name", "role"]
        read_only_fields = fields


class CouncilResultSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = CouncilResult
        fields = [
            "project",
            "project_code",
            "project_name",
            "experts",
            "average_score",
            "rank",
            "recommendation",
            "recommended_amount",
        ]
        read_only_fields = fields


class CouncilSessionSerializer(serializers.ModelSerializer):
    present = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Members' ids.")
    results = CouncilResultSerializer(many=True, read_only=True)

    class Meta:
        model = CouncilSession
        fields = ["id", "held_on", "place", "present", "quorum_met", "minutes", "concluded_at", "results"]
        read_only_fields = fields


class CouncilSerializer(serializers.ModelSerializer):
    criteria_set_name = serializers.CharField(source="criteria_set.name", read_only=True)

    class Meta:
        model = Council
        fields = [
            "id",
            "plan_year",
            "source",
            "name",
            "decision_number",
            "decision_date",
            "criteria_set",
            "criteria_set_name",
            "quorum",
        ]
        read_only_fields = fields


class CouncilDetailSerializer(CouncilSerializer):
    members = CouncilMemberSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(source="criteria_set.criteria", many=True, read_only=True)
    sessions = CouncilSessionSerializer(many=True, read_only=True)
    under_review = serializers.SerializerMethodField()

    class Meta(CouncilSerializer.Meta):
        fields = [*CouncilSerializer.Meta.fields, "members", "criteria", "sessions", "under_review"]
        read_only_fields = fields

    def get_under_review(self, obj) -> int:
        """Proposals assigned to this council's experts that are still under review."""
        return (
            obj.assignments.filter(project__status=Status.UNDER_REVIEW).values("project").distinct().count()
        )


# request bodies (documentation; the page's forms validate them)


class CouncilCreateSerializer(serializers.Serializer):
    plan_year = serializers.IntegerField(min_value=2010, max_value=2100)
    source = serializers.ChoiceField(choices=FundingSource.choices)
    name = serializers.CharField(max_length=300)
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    criteria_set = serializers.IntegerField(help_text="A set of criteria's id.")
    quorum = serializers.IntegerField(min_value=1, max_value=100)
    chair = serializers.IntegerField(help_text="The chair's user id (an expert).")
    members = serializers.ListField(child=serializers.IntegerField(), help_text="Experts' user ids.")


class AssignSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text="A proposal forwarded to the agency (or under review).")
    experts = serializers.ListField(child=serializers.IntegerField(), help_text="Council members' user ids.")


class SessionSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    present = serializers.ListField(child=serializers.IntegerField(), help_text="Members' ids (not users').")
    minutes = serializers.CharField()


def _form_data(data) -> dict:
    """The JSON body as a form reads it (lists stay lists; a form field never sees a dict)."""
    if hasattr(data, "getlist"):
        return data
    return {k: v for k, v in data.items() if not isinstance(v, dict)} if isinstance(data, dict) else {}


class CouncilViewSet(
    VisibleObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Appraisal councils (hội đồng thẩm định) of the agency: members, criteria, sessions and their
    results. The agency forms a council (``POST``), assigns its experts to forwarded proposals
    (``assign``) and records the session that computes the results (``sessions``); anyone else: 403.
    """

    filterset_fields = ["plan_year", "source"]
    ordering_fields = ["plan_year", "name", "id"]
    ordering = ["-plan_year", "name"]
    search_fields = ["name", "decision_number"]

    def get_queryset(self):
        queryset = Council.objects.restrict(self.request.user, VIEW).select_related("criteria_set")
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            "members__user",
            "criteria_set__criteria",
            "sessions__present",
            "sessions__results__project",
        )

    def get_serializer_class(self):
        if self.action == "list":
            return CouncilSerializer
        if self.action == "create":
            return CouncilCreateSerializer
        if self.action == "assign":
            return AssignSerializer
        if self.action == "sessions":
            return SessionSerializer
        return CouncilDetailSerializer

    def can_write(self, scope) -> bool:
        return scope.national_write

    def _detail(self, council, code=status.HTTP_200_OK):
        council = self.get_queryset().get(pk=council.pk)
        return Response(
            CouncilDetailSerializer(council, context=self.get_serializer_context()).data, status=code
        )

    def _agency(self):
        if not get_scope(self.request.user).national_write:
            raise exceptions.PermissionDenied(_("Only the agency manages appraisal councils."))

    @extend_schema(request=CouncilCreateSerializer, responses={201: CouncilDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Form a council: its members are experts, the chair among them; the quorum at most the
        number of members."""
        form = CouncilForm(_form_data(request.data))
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("members", "chair")}
        chair = form.cleaned_data["chair"]
        members = [(chair, "chair")] + [(m, "member") for m in form.cleaned_data["members"] if m != chair]
        council = appraisal.council_create(user=request.user, data=data, members=members)
        return self._detail(council, status.HTTP_201_CREATED)

    @extend_schema(request=AssignSerializer, responses={201: ReviewSerializer(many=True)})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def assign(self, request, pk=None):
        """Ask council members to score a forwarded proposal (it is then under review). Answers the
        assignments created (an expert already assigned is not repeated)."""
        council = self.get_visible_object()
        self._agency()
        form = AssignForm(_form_data(request.data), council=council)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        created = appraisal.assign_experts(
            user=request.user,
            council=council,
            project=form.cleaned_data["project"],
            experts=list(form.cleaned_data["experts"]),
        )
        rows = ExpertAssignment.objects.filter(pk__in=[a.pk for a in created]).select_related(
            "council__criteria_set", "project", "expert"
        )
        return Response(
            ReviewSerializer(rows, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=SessionSerializer, responses={201: CouncilDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def sessions(self, request, pk=None):
        """Record the council's session: with the quorum present, every proposal under review with
        submitted reviews gets its weighted average, rank, recommendation and recommended amount."""
        council = self.get_visible_object()
        self._agency()
        form = SessionForm(_form_data(request.data), council=council)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        appraisal.session_conclude(user=request.user, council=council, **form.cleaned_data)
        return self._detail(council, status.HTTP_201_CREATED)
