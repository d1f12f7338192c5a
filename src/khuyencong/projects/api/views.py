"""``/api/v1/`` for the project cycle: projects and their actions and ledger, decisions, expert
reviews – through the same services and scope as the pages.

Every read goes through ``restrict(user, VIEW)``: a record outside the caller's scope is a 404. Every
write goes through a service; its ``ValidationError`` becomes a 400 naming the fields, its
``PermissionDenied`` a 403 (the record is visible, the caller may not do this), a stale ``version``
a 409.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from khuyencong.core.api.exceptions import form_errors
from khuyencong.core.api.viewsets import ScopedReadOnlyViewSet, VisibleObjectMixin
from khuyencong.core.filters import IdChoiceFilter, SafeAPIFilterSet
from khuyencong.core.forms import MoneyField
from khuyencong.core.permissions import VIEW, get_scope
from khuyencong.projects.actions import PROJECT_ACTIONS
from khuyencong.projects.api.attachments import AttachmentsMixin
from khuyencong.projects.api.councils import _form_data
from khuyencong.projects.api.results import ResultsMixin
from khuyencong.projects.api.serializers import (
    ActionSerializer,
    ConflictSerializer,
    DecisionDetailSerializer,
    DecisionLineSerializer,
    DecisionLineWriteSerializer,
    DecisionSerializer,
    EventSerializer,
    ForwardSerializer,
    LedgerEntrySerializer,
    ProjectListSerializer,
    ProjectSerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
)
from khuyencong.projects.filters import ProjectFilterSet
from khuyencong.projects.forms import FORWARD_AT_ONCE, ForwardForm
from khuyencong.projects.models import Decision, ExpertAssignment, LedgerEntry, Project, RegistrationRound
from khuyencong.projects.queries import pending_reviews, timeline, with_money
from khuyencong.projects.services import appraisal, decisions, transitions
from khuyencong.projects.services.proposals import can_propose
from khuyencong.projects.services.roles import may_forward


def _field_type(field: forms.Field) -> str:
    if isinstance(field, MoneyField):
        return "money"
    if isinstance(field, forms.ModelChoiceField):
        return "id"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.IntegerField):
        return "integer"
    if isinstance(field, forms.DecimalField):
        return "decimal"
    if isinstance(field, forms.FileField):
        return "file"
    return "string"


def _action_fields(name: str) -> list[dict]:
    rows = []
    for field_name, field in PROJECT_ACTIONS[name].form.base_fields.items():
        row = {
            "name": field_name,
            "label": str(field.label or field_name),
            "type": _field_type(field),
            "required": field.required,
        }
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            row["choices"] = [str(value) for value, _label in field.choices]
        rows.append(row)
    return rows


def _actions_description() -> str:
    lines = ["Perform an action of the project's cycle. The body carries the action's fields:", ""]
    for name in PROJECT_ACTIONS.names():
        fields = ", ".join(
            f"`{f['name']}`{'' if f['required'] else ' (optional)'} ({f['type']})"
            for f in _action_fields(name)
        )
        lines.append(f"* `{name}`: {fields or 'no fields'}")
    lines += [
        "",
        "Money is whole đồng; dates are YYYY-MM-DD. Unknown action: 404; an action not available to "
        "you now: 403; a rule broken: 400 naming the fields. Answers the project as it is after.",
    ]
    return "\n".join(lines)


class ProjectAPIFilterSet(ProjectFilterSet):
    """The list page's filters; ``province`` is documented as the id it takes; ``round`` the
    registration round's proposals (the round's page)."""

    round = IdChoiceFilter(queryset=RegistrationRound.objects.all())

    class Meta(ProjectFilterSet.Meta):
        fields = [*ProjectFilterSet.Meta.fields, "round"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_province(self, queryset, name, value):
        return super().filter_province(queryset, name, value)


class ProjectViewSet(
    AttachmentsMixin,
    ResultsMixin,
    VisibleObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projects (đề án) within your scope, from proposal to settlement, with their parts and money.

    Filters: ``plan_year``, ``source``, ``status``, ``content``, ``province`` (today's
    province includes the projects filed under the provinces merged into it), ``kind``, ``q`` (code
    or name, accent-insensitive). Creating and changing a proposal goes through the same service as
    the page; updates must send the ``version`` read (a stale one answers 409)."""

    filterset_class = ProjectAPIFilterSet
    ordering_fields = ["code", "name", "plan_year", "status", "start_date", "id"]
    ordering = ["-plan_year", "code"]
    search_fields: list[str] = []  # use ?q= (accent-insensitive)

    def get_queryset(self):
        queryset = Project.objects.restrict(self.request.user, VIEW).select_related(
            "content", "lead_province", "lead_province_now", "implementing_org", "implementing_establishment"
        )
        if self.action == "list":
            return with_money(queryset)
        return queryset.prefetch_related(
            "budget_lines",
            "locations__province",
            "beneficiaries__establishment",
            "planned_results__indicator",
        )

    def get_serializer_class(self):
        if self.action == "list":
            return ProjectListSerializer
        if self.action == "ledger":
            return LedgerEntrySerializer
        if self.action == "available_actions":
            return ActionSerializer
        return ProjectSerializer

    def can_write(self, scope) -> bool:
        """Filing needs a role that files, forwarding one that forwards; on an existing project the
        record decides (404 outside the scope, 403 when visible but not yours to change)."""
        if self.action == "create":
            return can_propose(self.request.user)
        if self.action == "forward":
            return may_forward(scope)
        return True

    @extend_schema(
        request=ForwardSerializer,
        responses={200: ProjectListSerializer(many=True)},
        description=(
            "Forward several proposals appraised by the province's DOIT to the agency at once, as "
            "the registration round's page does: all or none. `projects`: their ids (1 to "
            f"{FORWARD_AT_ONCE}, each once). Answers the proposals as they are after. Who forwards: the "
            "DOIT of the proposal's province and the agency (anyone else: 403); an id that is not a "
            "proposal you can see: 404; an id that cannot be one, an id twice, none: 400; a proposal "
            "that cannot be forwarded now (its status, a local proposal, one the DOIT does not "
            "recommend): 400 naming it by its code (or 403 when your role may not forward it), and "
            "nothing is forwarded."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="forward",
        url_name="forward",
        filter_backends=[],
        pagination_class=None,
    )
    def forward(self, request):
        """Forward the selected appraised proposals to the agency (all or none)."""
        form = ForwardForm(_form_data(request.data), user=request.user)
        if not form.is_valid():
            missing = form.outside_scope()
            if missing is not None:
                raise exceptions.NotFound(
                    _("There is no proposal %(id)s among those you can see.") % {"id": missing}
                )
            raise exceptions.ValidationError(form_errors(form))
        forwarded = transitions.projects_forward(user=request.user, projects=form.cleaned_data["projects"])
        projects = with_money(
            Project.objects.restrict(request.user, VIEW)
            .filter(pk__in=[p.pk for p in forwarded])
            .select_related("content", "lead_province", "lead_province_now", "implementing_org")
            .order_by("code")
        )
        return Response(
            ProjectListSerializer(projects, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(responses=ActionSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="actions",
        url_name="actions",
        pagination_class=None,
        filter_backends=[],
    )
    def available_actions(self, request, pk=None):
        """The actions you may perform on this project now, with the fields each one takes."""
        project = self.get_object()
        rows = [
            {"name": a.name, "label": str(a.label), "danger": a.danger, "fields": _action_fields(a.name)}
            for a in transitions.available_actions(request.user, project)
        ]
        return Response(ActionSerializer(rows, many=True).data)

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=ProjectSerializer,
        description=_actions_description(),
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=PROJECT_ACTIONS.names())],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"actions/(?P<name>[a-z_]+)",
        url_name="perform-action",
        filter_backends=[],
    )
    def perform_action(self, request, pk=None, name=None):
        project = self.get_visible_object()
        if name not in PROJECT_ACTIONS:
            raise exceptions.NotFound(_("There is no action “%(name)s”.") % {"name": name})
        available = {a.name for a in transitions.available_actions(request.user, project)}
        if name not in available:
            raise exceptions.PermissionDenied(
                _("“%(action)s” is not available to you for this project now (it is “%(status)s”).")
                % {"action": PROJECT_ACTIONS[name].label, "status": project.get_status_display()}
            )
        form = PROJECT_ACTIONS.form(name, project, data=request.data, files=request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        PROJECT_ACTIONS.perform(
            name, user=request.user, obj=project, data=form.cleaned_data, files=request.FILES
        )
        project = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """The project's life, oldest first: each change of status, payment and report, who recorded
        it, and the document behind it."""
        project = self.get_object()
        return Response(EventSerializer(timeline(project, request.user), many=True).data)

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ledger(self, request, pk=None):
        """The project's money movements (read-only), each split across its provinces, oldest first.
        Every amount of the project and of every report is a sum of these."""
        project = self.get_object()
        entries = (
            LedgerEntry.objects.restrict(request.user, VIEW)
            .filter(project=project)
            .select_related("province", "decision")
            .order_by("value_date", "id")
        )
        return Response(LedgerEntrySerializer(entries, many=True).data)


class DecisionViewSet(
    VisibleObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Allocation and amendment decisions within your scope. A decision is created as a draft, its
    projects are added (``lines``), then it is issued (``issue``): issuing writes the ledger and
    moves the projects' statuses; an issued decision cannot be changed."""

    filterset_fields = ["plan_year", "source", "kind", "province"]
    ordering_fields = ["date", "number", "plan_year", "id"]
    ordering = ["-date", "-id"]
    search_fields: list[str] = []

    def get_queryset(self):
        # the detail's lines are those in the caller's scope (``decision_lines_in_scope``)
        return Decision.objects.restrict(self.request.user, VIEW).select_related("issuer")

    def get_serializer_class(self):
        if self.action in ("list", "create"):
            return DecisionSerializer
        if self.action == "lines":
            return DecisionLineWriteSerializer
        return DecisionDetailSerializer

    def can_write(self, scope) -> bool:
        if self.action == "create":
            return scope.national_write or bool(scope.current_write)
        return True  # on an existing decision, the service decides (after the scope's 404)

    @extend_schema(request=DecisionLineWriteSerializer, responses={201: DecisionLineSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def lines(self, request, pk=None):
        """Add a project to the draft decision, or change its line: ``approve`` (allocation), ``add``,
        ``adjust`` or ``stop`` (amendment), with the approved support after the decision."""
        decision = self.get_visible_object()
        serializer = DecisionLineWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        line = decisions.decision_set_line(user=request.user, decision=decision, **serializer.validated_data)
        return Response(DecisionLineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("line_id", int, OpenApiParameter.PATH, description="The line's id.")],
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["delete"], url_path=r"lines/(?P<line_id>[^/.]+)", filter_backends=[])
    def remove_line(self, request, pk=None, line_id=None):
        """Take a project off the draft decision (those who decide; an issued decision cannot be
        changed: 400). A line that is not the decision's: 404."""
        from khuyencong.core.parsing import parse_id

        decision = self.get_visible_object()
        number = parse_id(line_id)
        line = decision.lines.filter(pk=number).first() if number else None
        if line is None:
            raise exceptions.NotFound()
        decisions.decision_remove_line(user=request.user, line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=DecisionDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def issue(self, request, pk=None):
        """Issue the decision: every line is checked again and the plan and the projects follow."""
        decision = self.get_visible_object()
        decisions.decision_issue(user=request.user, decision=decision)
        decision = self.get_queryset().get(pk=decision.pk)
        return Response(DecisionDetailSerializer(decision, context=self.get_serializer_context()).data)


# --- expert reviews ---------------------------------------------------------------------------------------


class ReviewFilterSet(SafeAPIFilterSet):
    mine = django_filters.BooleanFilter(method="filter_mine")  # ?mine=true: only your own assignments
    # ?pending=true: your score sheets still to fill (the home page's card, “my reviews” ?state=pending)
    pending = django_filters.BooleanFilter(method="filter_pending")

    class Meta:
        model = ExpertAssignment
        fields = ["project", "council", "mine", "pending"]

    def filter_pending(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        waiting = pending_reviews(get_scope(user)).values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(expert_id=user.pk) if value else queryset.exclude(expert_id=user.pk)


class ReviewViewSet(VisibleObjectMixin, ScopedReadOnlyViewSet):
    """Expert reviews: your own assignments with your scores; another expert's assignment on a
    proposal (with its scores) only once you have submitted your own review of it. The agency sees
    every assignment; the provinces and the leaders none (the review is blind).

    Each review lists the ``criteria`` of its score sheet and the support ``requested``. The assigned
    expert saves the sheet (``scores``), submits it (``submit: true``; then locked) or declares a
    conflict of interest (``conflict``) – the same service and rules as the scoring page. Another
    expert's review you may read: 403; one you may not read: 404."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewFilterSet
    base_queryset = ExpertAssignment.objects.select_related(
        "council__criteria_set", "project", "expert"
    ).prefetch_related("scores__criterion", "council__criteria_set__criteria")
    ordering_fields = ["submitted_at", "id"]
    ordering = ["project__code", "id"]
    search_fields: list[str] = []

    def get_serializer_class(self):
        if self.action == "scores":
            return ReviewWriteSerializer
        if self.action == "conflict":
            return ConflictSerializer
        return ReviewSerializer

    def _answer(self, assignment):
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(ReviewSerializer(assignment, context=self.get_serializer_context()).data)

    @extend_schema(request=ReviewWriteSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def scores(self, request, pk=None):
        """Save your score sheet, or submit it with ``submit: true``. Each criterion gets a ``value``
        (0 to its maximum) or ``not_applicable: true``; submitting needs every criterion, the
        recommendation and (unless “reject”) the recommended amount, at most the support requested.
        A criterion's error is under ``score_<criterion id>``."""
        assignment = self.get_visible_object()
        serializer = ReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        criteria = set(assignment.council.criteria_set.criteria.values_list("pk", flat=True))
        scores: dict[int, dict] = {}
        for row in data["scores"]:
            if row["criterion"] not in criteria:
                raise exceptions.ValidationError(
                    {"scores": [_("Criterion %(id)s is not on this score sheet.") % {"id": row["criterion"]}]}
                )
            if row["criterion"] in scores:
                raise exceptions.ValidationError(
                    {"scores": [_("Criterion %(id)s is scored twice.") % {"id": row["criterion"]}]}
                )
            scores[row["criterion"]] = {
                "value": row.get("value"),
                "not_applicable": row["not_applicable"],
                "comment": row["comment"],
            }
        appraisal.save_review(
            user=request.user,
            assignment=assignment,
            scores=scores,
            recommendation=data["recommendation"],
            recommended_amount=data["recommended_amount"],
            comment=data["comment"],
            submit=data["submit"],
        )
        return self._answer(assignment)

    @extend_schema(request=ConflictSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def conflict(self, request, pk=None):
        """Declare a conflict of interest: you are recused from this proposal and your scores are
        removed (only before submitting)."""
        assignment = self.get_visible_object()
        serializer = ConflictSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appraisal.declare_conflict(
            user=request.user, assignment=assignment, reason=serializer.validated_data["conflict_reason"]
        )
        return self._answer(assignment)
