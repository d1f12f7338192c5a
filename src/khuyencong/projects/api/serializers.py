"""Serializers of the projects API. They read whole records; every write is handed to the services
(``proposals``, ``transitions``, ``decisions``…), which hold the rules, the scope and the versions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from khuyencong.core.bounds import MAX_VND
from khuyencong.core.permissions import VIEW, get_scope
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.models import Status as EstablishmentStatus
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.projects.models import (
    BudgetLine,
    Criterion,
    Decision,
    DecisionLine,
    ExpertAssignment,
    LedgerEntry,
    LedgerKind,
    LineAction,
    PlannedResult,
    Project,
    ProjectBeneficiary,
    ProjectEvent,
    ProjectLocation,
    Recommendation,
    Score,
)
from khuyencong.projects.queries import decision_lines_in_scope
from khuyencong.projects.services import appraisal, decisions, ledger
from khuyencong.projects.services.implementation import EFFECT_FIELDS
from khuyencong.projects.services.ledger import money_of
from khuyencong.projects.services.proposals import PROJECT_FIELDS, proposal_save


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- money --------------------------------------------------------------------------------------------


class MoneySerializer(serializers.Serializer):
    """A project's money, every figure a sum of its ledger entries (whole đồng)."""

    requested = serializers.IntegerField(help_text="State support requested (filed).")
    counterpart_requested = serializers.IntegerField(help_text="Counterpart funds planned.")
    recommended_doit = serializers.IntegerField(help_text="Recommended by the DOIT.")
    recommended = serializers.IntegerField(help_text="Recommended by the council.")
    plan = serializers.IntegerField(help_text="Approved: allocations and amendments.")
    advanced = serializers.IntegerField()
    disbursed = serializers.IntegerField()
    paid = serializers.IntegerField(help_text="Advances and payments.")
    refunded = serializers.IntegerField()
    net_paid = serializers.IntegerField(help_text="Paid less refunded.")
    settled = serializers.IntegerField()
    executed = serializers.IntegerField(help_text="Settled amount, or until settlement what was paid (net).")
    refund_due = serializers.IntegerField()
    still_to_pay = serializers.IntegerField()
    counterpart_actual = serializers.IntegerField()
    is_settled = serializers.BooleanField()
    is_stopped = serializers.BooleanField()


def money_field(**kwargs) -> serializers.IntegerField:
    """Whole đồng, never negative (an integer field, so the messages are the translated ones)."""
    return serializers.IntegerField(min_value=0, max_value=MAX_VND, **kwargs)  # the bound of core.bounds


# --- the parts of a proposal --------------------------------------------------------------------------


class CompleteRowsMixin:
    """A part is always sent whole: in a PATCH the rows of a list still need every required field
    (DRF would otherwise skip the missing ones of a partial update)."""

    def validate(self, attrs):
        missing = {
            name: [field.error_messages["required"]]
            for name, field in self.fields.items()
            if field.required and not field.read_only and name not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        return super().validate(attrs)


class BudgetLineSerializer(CompleteRowsMixin, serializers.ModelSerializer):
    state_support = money_field()
    counterpart = money_field(required=False)
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["id", "order", "category", "item", "state_support", "counterpart", "total"]
        read_only_fields = ["id", "order"]


class LocationSerializer(CompleteRowsMixin, serializers.ModelSerializer):
    province = serializers.PrimaryKeyRelatedField(
        queryset=AdministrativeUnit.objects.filter(level=Level.PROVINCE)
    )
    province_name = serializers.CharField(source="province.name", read_only=True)
    share_percent = serializers.FloatField(read_only=True)

    class Meta:
        model = ProjectLocation
        fields = ["id", "province", "province_name", "province_now", "share_bp", "share_percent"]
        read_only_fields = ["id", "province_now"]


class BeneficiarySerializer(CompleteRowsMixin, serializers.ModelSerializer):
    establishment_name = serializers.CharField(source="establishment.name", read_only=True)
    planned_support = money_field(required=False, allow_null=True)

    class Meta:
        model = ProjectBeneficiary
        fields = [
            "id",
            "establishment",
            "establishment_name",
            "planned_support",
            "role",
            *EFFECT_FIELDS,
        ]
        # effect figures are written through the ``report_effects`` action (checked, on the timeline)
        read_only_fields = ["id", *EFFECT_FIELDS]

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:  # the establishments the user may see, as on the page
            fields["establishment"].queryset = Establishment.objects.restrict(user, VIEW).exclude(
                status=EstablishmentStatus.MERGED
            )
        return fields


class PlannedResultSerializer(CompleteRowsMixin, serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)

    class Meta:
        model = PlannedResult
        fields = ["id", "indicator", "indicator_name", "unit", "target"]
        read_only_fields = ["id"]


# --- the project ---------------------------------------------------------------------------------------


class ProjectListSerializer(serializers.ModelSerializer):
    # plain strings here: the choice sets are documented once, on ``Project`` (one enum each)
    status = serializers.CharField(read_only=True, help_text="See Project.status.")
    kind = serializers.CharField(read_only=True, help_text="See Project.kind.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    content_name = serializers.CharField(source="content.short_name", read_only=True)
    lead_province_name = serializers.CharField(source="lead_province.name", read_only=True)
    implementer_name = serializers.CharField(source="implementer", read_only=True)
    requested = serializers.SerializerMethodField()
    plan = serializers.SerializerMethodField()
    settled = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "plan_year",
            "source",
            "kind",
            "status",
            "status_label",
            "content",
            "content_name",
            "lead_province",
            "lead_province_name",
            "lead_province_now",
            "implementing_org",
            "implementing_establishment",
            "implementer_name",
            "start_date",
            "end_date",
            "version",
            "requested",
            "plan",
            "settled",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_requested(self, obj) -> int:
        return getattr(obj, "m_requested", None) or 0

    @extend_schema_field(OpenApiTypes.INT)
    def get_plan(self, obj) -> int:
        return getattr(obj, "m_plan", None) or 0

    @extend_schema_field(OpenApiTypes.INT)
    def get_settled(self, obj) -> int:
        return getattr(obj, "m_settled", None) or 0


PARTS = {
    "budget_lines": "budget_lines",
    "locations": "locations",
    "beneficiaries": "beneficiaries",
    "planned_results": "results",
}


class ProjectSerializer(serializers.ModelSerializer):
    """A proposal with all its parts. A part sent replaces the whole part (all or nothing); a part
    left out is not changed. Updates must send the ``version`` read."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    content_name = serializers.CharField(source="content.short_name", read_only=True)
    lead_province_name = serializers.CharField(source="lead_province.name", read_only=True)
    lead_province_now_name = serializers.CharField(source="lead_province_now.name", read_only=True)
    implementer_name = serializers.CharField(source="implementer", read_only=True)
    version = serializers.IntegerField(required=False)
    budget_lines = BudgetLineSerializer(many=True, required=False)
    locations = LocationSerializer(many=True, required=False)
    beneficiaries = BeneficiarySerializer(many=True, required=False)
    planned_results = PlannedResultSerializer(many=True, required=False)
    money = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "status",
            "status_label",
            *PROJECT_FIELDS,
            "content_name",
            "lead_province_name",
            "lead_province_now",
            "lead_province_now_name",
            "implementer_name",
            "submitted_at",
            "late",
            "version",
            "money",
            *PARTS,
        ]
        read_only_fields = ["code", "status", "lead_province_now", "submitted_at", "late"]

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["implementing_establishment"].queryset = Establishment.objects.restrict(
                user, VIEW
            ).exclude(status=EstablishmentStatus.MERGED)
        return fields

    @extend_schema_field(MoneySerializer)
    def get_money(self, obj) -> dict:
        return MoneySerializer(money_of(obj)).data

    @staticmethod
    def _parts(validated_data: dict) -> dict:
        parts = {}
        for name, keyword in PARTS.items():
            rows = validated_data.pop(name, None)
            if rows is None:
                continue
            if name == "budget_lines":
                rows = [
                    {
                        "category": r["category"],
                        "item": r["item"],
                        "state_support": r["state_support"],
                        "counterpart": r.get("counterpart") or 0,
                    }
                    for r in rows
                ]
            else:
                rows = [dict(r) for r in rows]
            parts[keyword] = rows
        return parts

    def _save(self, project, validated_data, version=None):
        parts = self._parts(validated_data)
        try:
            return proposal_save(
                user=_user(self), project=project, data=validated_data, version=version, **parts
            )
        except ValidationError as error:
            # the service names the planned results ``results``; here the field is ``planned_results``
            if hasattr(error, "error_dict") and "results" in error.error_dict:
                renamed = dict(error.error_dict)
                renamed["planned_results"] = renamed.pop("results")
                raise ValidationError(renamed) from error
            raise

    def create(self, validated_data):
        validated_data.pop("version", None)
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return self._save(instance, validated_data, version)


# --- actions -------------------------------------------------------------------------------------------


class ActionFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    danger = serializers.BooleanField()
    fields = ActionFieldSerializer(many=True)


# --- ledger --------------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    """A moment of the project's timeline: ``on`` is the document's date (when it has one), ``at``
    the time it was recorded."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    # who recorded it, as the viewer may know them (an expert is a role to those the review is blind for)
    user_name = serializers.CharField(source="who", read_only=True, default=None)
    # project statuses (values as in the project's ``status``); blank when the status did not change
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = ProjectEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "on",
            "at",
            "user_name",
            "from_status",
            "to_status",
            "document",
            "amount",
            "note",
        ]
        read_only_fields = fields


class LedgerEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True)
    decision_number = serializers.CharField(
        source="decision.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "movement",
            "kind",
            "kind_label",
            "amount",
            "value_date",
            "plan_year",
            "source",
            "content",
            "province",
            "province_name",
            "province_now",
            "organisation",
            "decision",
            "decision_number",
            "reference",
            "note",
        ]
        read_only_fields = fields


# --- decisions -----------------------------------------------------------------------------------------


class DecisionLineSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    change = serializers.IntegerField(read_only=True)

    class Meta:
        model = DecisionLine
        fields = [
            "id",
            "project",
            "project_code",
            "project_name",
            "action",
            "amount",
            "previous_amount",
            "change",
            "reason",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    """A decision; created as a draft through the service, its lines added, then issued."""

    issuer = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind__in=["ministry", "peoples_committee"])
    )
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    province = serializers.PrimaryKeyRelatedField(
        queryset=AdministrativeUnit.objects.filter(level=Level.PROVINCE), required=False, allow_null=True
    )
    is_issued = serializers.BooleanField(read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "kind",
            "number",
            "date",
            "signer",
            "issuer",
            "issuer_name",
            "legal_basis",
            "plan_year",
            "source",
            "province",
            "title",
            "is_issued",
            "issued_at",
            "issued_by",
        ]
        read_only_fields = ["issued_at", "issued_by"]

    def create(self, validated_data):
        return decisions.decision_create(user=_user(self), data=validated_data)


class DecisionDetailSerializer(DecisionSerializer):
    """A decision with the lines you may read: those of the projects in your scope. The others are
    only counted (``lines_outside_scope``); ``total`` and ``change`` add up the lines shown, so they
    are the decision's full figures for national readers only."""

    kind = serializers.CharField(read_only=True, help_text="See Decision.kind.")  # one enum, on Decision
    lines = serializers.SerializerMethodField(help_text="The lines of the projects in your scope.")
    lines_outside_scope = serializers.SerializerMethodField(
        help_text="How many other lines the decision has (projects outside your scope)."
    )
    total = serializers.SerializerMethodField(help_text="Sum of the lines shown (VND).")
    change = serializers.SerializerMethodField(help_text="Change made by the lines shown (VND).")

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "total", "change", "lines", "lines_outside_scope"]

    def _in_scope(self, obj):
        cache = self.context.setdefault("_lines_in_scope", {})
        if obj.pk not in cache:
            cache[obj.pk] = decision_lines_in_scope(get_scope(_user(self)), obj)
        return cache[obj.pk]

    @extend_schema_field(DecisionLineSerializer(many=True))
    def get_lines(self, obj) -> list[dict]:
        return DecisionLineSerializer(self._in_scope(obj).lines, many=True).data

    @extend_schema_field(OpenApiTypes.INT)
    def get_lines_outside_scope(self, obj) -> int:
        return self._in_scope(obj).hidden

    @extend_schema_field(OpenApiTypes.INT)
    def get_total(self, obj) -> int:
        return self._in_scope(obj).total

    @extend_schema_field(OpenApiTypes.INT)
    def get_change(self, obj) -> int:
        return self._in_scope(obj).change


class DecisionLineWriteSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    action = serializers.ChoiceField(choices=LineAction.choices)
    amount = money_field(help_text="Approved state support after the decision (VND).")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["project"].queryset = Project.objects.restrict(user, VIEW)
        return fields


# --- expert reviews ------------------------------------------------------------------------------------


class ScoreSerializer(serializers.ModelSerializer):
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)
    max_score = serializers.IntegerField(source="criterion.max_score", read_only=True)
    weight = serializers.DecimalField(
        source="criterion.weight", max_digits=5, decimal_places=2, read_only=True
    )

    class Meta:
        model = Score
        fields = ["criterion", "criterion_name", "max_score", "weight", "value", "not_applicable", "comment"]
        read_only_fields = fields


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "order", "name", "description", "weight", "max_score"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    council_name = serializers.CharField(source="council.name", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    expert_name = serializers.CharField(source="expert.get_full_name", read_only=True)
    mine = serializers.SerializerMethodField()
    # blank until the expert gives one (read-only fields lose ``allow_blank``, so it is declared)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, allow_blank=True, read_only=True)
    score = serializers.SerializerMethodField()
    scores = ScoreSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(source="council.criteria_set.criteria", many=True, read_only=True)
    requested = serializers.SerializerMethodField()

    class Meta:
        model = ExpertAssignment
        fields = [
            "id",
            "council",
            "council_name",
            "project",
            "project_code",
            "project_name",
            "expert",
            "expert_name",
            "mine",
            "conflict_declared",
            "conflict_reason",
            "submitted_at",
            "recommendation",
            "recommended_amount",
            "comment",
            "score",
            "scores",
            "criteria",
            "requested",
        ]
        read_only_fields = fields

    def get_requested(self, obj) -> int:
        """The state support the proposal requests (the most an expert may recommend)."""
        return ledger.total(obj.project, LedgerKind.REQUESTED)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_mine(self, obj) -> bool:
        user = _user(self)
        return user is not None and obj.expert_id == user.pk

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True))
    def get_score(self, obj):
        score = appraisal.expert_score(obj)
        return None if score is None else str(score)


class ScoreWriteSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="The criterion's id (one of the review's ``criteria``).")
    value = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Between 0 and the maximum.",
    )
    not_applicable = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class ReviewWriteSerializer(serializers.Serializer):
    """The whole score sheet, as the page sends it: a criterion left out has no score."""

    scores = ScoreWriteSerializer(many=True, required=False, default=list)
    recommendation = serializers.ChoiceField(
        choices=Recommendation.choices, required=False, allow_blank=True, default=""
    )
    recommended_amount = money_field(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Submit the review (then locked); otherwise only saved."
    )


class ConflictSerializer(serializers.Serializer):
    conflict_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why you cannot appraise this proposal impartially.",
    )


class ForwardSerializer(serializers.Serializer):
    """The body of ``POST /api/v1/projects/forward/`` (documentation; ``ForwardForm`` checks it)."""

    projects = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        help_text="The ids of the appraised proposals to forward, each once.",
    )
