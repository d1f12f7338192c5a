"""Forms of the project pages. Rules live in the services; forms turn inputs into values."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import DateField, IdMultipleChoiceField, MoneyField, search_select, style_form
from khuyencong.core.permissions import VIEW, get_scope
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.models import Status as EstablishmentStatus
from khuyencong.geo.forms import ProvinceField
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Indicator, Programme
from khuyencong.projects.models import (
    AttachmentKind,
    BudgetCategory,
    Council,
    CriteriaSet,
    Decision,
    LineAction,
    Project,
    ProjectBeneficiary,
    Recommendation,
    RegistrationRound,
    SupportNorm,
)
from khuyencong.projects.services.proposals import implementing_organisations

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class ProjectForm(forms.ModelForm):
    """The proposal's general information."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "round",
            "source",
            "plan_year",
            "programme",
            "content",
            "support_norm",
            "kind",
            "name",
            "objectives",
            "description",
            "implementing_org",
            "implementing_establishment",
            "lead_province",
            "start_date",
            "end_date",
        ]
        field_classes = {"lead_province": ProvinceField}
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = get_scope(user)
        today = timezone.localdate()
        self.fields["round"].queryset = RegistrationRound.objects.filter(
            Q(deadline__gte=today - datetime.timedelta(days=365))
            | Q(pk=getattr(self.instance, "round_id", None))
        ).order_by("-plan_year")
        self.fields["programme"].queryset = Programme.objects.filter(end_year__gte=today.year - 1)
        self.fields["content"].queryset = Content.objects.all()
        self.fields["content"].label_from_instance = lambda c: f"{c.order}. {c.name}"
        self.fields["support_norm"].queryset = SupportNorm.objects.valid_on(today).select_related("content")
        self.fields["support_norm"].label_from_instance = lambda n: f"{n.content.short_shown}: {n.name}"
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).valid_on(today)
        if not scope.national_write and scope.current_write:
            provinces = provinces.filter(pk__in=scope.current_write)
        self.fields["lead_province"].queryset = provinces
        self.fields["implementing_org"].queryset = implementing_organisations(user, today).order_by(
            "kind", "name"
        )
        self.fields["implementing_establishment"].queryset = Establishment.objects.restrict(
            user, VIEW
        ).exclude(status=EstablishmentStatus.MERGED)
        search_select(self.fields["implementing_establishment"], reverse("establishments:choose"))
        if len(scope.current_write) == 1 and not scope.national_write and not self.instance.pk:
            self.initial.setdefault("lead_province", next(iter(scope.current_write)))
        style_form(self)

    def _post_clean(self):
        """Model validation runs in the service (the same for the page and the API)."""

    def service_data(self) -> dict:
        fields = [f for f in self.Meta.fields if f in self.cleaned_data]
        return {f: self.cleaned_data[f] for f in fields}


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=BudgetCategory.choices)
    item = forms.CharField(label=_("item"), max_length=300)
    state_support = MoneyField(label=_("state support requested (VND)"))
    counterpart = MoneyField(label=_("counterpart funds (VND)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class LocationForm(forms.Form):
    province = ProvinceField(label=_("Province"))
    share = forms.DecimalField(
        label=_("Share (%)"), min_value=Decimal("0.01"), max_value=Decimal(100), decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class BeneficiaryForm(forms.Form):
    establishment = forms.ModelChoiceField(label=_("Establishment"), queryset=Establishment.objects.none())
    planned_support = MoneyField(label=_("planned state support for it (VND)"), required=False)
    role = forms.CharField(label=_("what it receives"), max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = Establishment.objects.restrict(user, VIEW).exclude(
            status=EstablishmentStatus.MERGED
        )
        search_select(self.fields["establishment"], reverse("establishments:choose"))
        style_form(self)


class ResultForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    target = forms.DecimalField(label=_("planned"), min_value=0, decimal_places=2)

    def __init__(self, *args, content=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(content=content) if content else Indicator.objects.none()
        )
        self.fields["indicator"].label_from_instance = lambda i: f"{i.name} ({i.unit})"
        style_form(self)


class BaseFormSet(forms.BaseFormSet):
    def __init__(self, *args, form_kwargs=None, **kwargs):
        super().__init__(*args, form_kwargs=form_kwargs or {}, **kwargs)

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, formset=BaseFormSet, extra=1, can_delete=True)
LocationFormSet = forms.formset_factory(LocationForm, formset=BaseFormSet, extra=1, can_delete=True)
BeneficiaryFormSet = forms.formset_factory(BeneficiaryForm, formset=BaseFormSet, extra=1, can_delete=True)
ResultFormSet = forms.formset_factory(ResultForm, formset=BaseFormSet, extra=1, can_delete=True)


# --- action forms ------------------------------------------------------------------------------------


class ConfirmForm(StyledForm):
    pass


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DoitAppraisalForm(StyledForm):
    appraised_on = DateField(label=_("date"), widget=DATE)
    body = forms.CharField(label=_("appraised by (council or group)"), max_length=300)
    recommendation = forms.ChoiceField(label=_("result"), choices=Recommendation.choices)
    recommended_amount = MoneyField(label=_("recommended state support (VND)"))
    score = forms.DecimalField(label=_("score"), required=False, min_value=0, max_value=100, decimal_places=2)
    comments = forms.CharField(label=_("comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ContractForm(StyledForm):
    number = forms.CharField(label=_("number"), max_length=100)
    signed_on = DateField(label=_("signed on"), widget=DATE)
    parties = forms.CharField(label=_("parties"), max_length=500)
    value = MoneyField(label=_("state support in the contract (VND)"), min_value=1)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(StyledForm):
    paid_on = DateField(label=_("date"), widget=DATE)
    amount = MoneyField(label=_("amount (VND)"), min_value=1)
    reference = forms.CharField(label=_("document"), max_length=200)


class ProgressForm(StyledForm):
    month = DateField(label=_("month"), widget=MONTH)
    percent_done = forms.IntegerField(label=_("work done (%)"), min_value=0, max_value=100)
    narrative = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(
        label=_("problems and proposals"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResultReportForm(StyledForm):
    needs_project = True
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    value = forms.DecimalField(label=_("value"), min_value=0, decimal_places=2)
    period_end = DateField(label=_("as of"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, max_length=500)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["indicator"].queryset = Indicator.objects.filter(content=project.content)
            self.fields["indicator"].label_from_instance = lambda i: f"{i.name} ({i.unit})"


class EffectsForm(StyledForm):
    """One beneficiary's figures in the year before the support and the year after."""

    needs_project = True
    beneficiary = forms.ModelChoiceField(
        label=_("establishment"), queryset=ProjectBeneficiary.objects.none(), empty_label=None
    )
    revenue_before = MoneyField(label=_("revenue before (VND)"), required=False)
    revenue_after = MoneyField(label=_("revenue after (VND)"), required=False)
    production_before = MoneyField(label=_("production value before (VND)"), required=False)
    production_after = MoneyField(label=_("production value after (VND)"), required=False)
    jobs_before = forms.IntegerField(label=_("jobs before"), min_value=0, required=False)
    jobs_after = forms.IntegerField(label=_("jobs after"), min_value=0, required=False)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["beneficiary"].queryset = project.beneficiaries.select_related("establishment")
            self.fields["beneficiary"].label_from_instance = lambda b: b.establishment.name
        # choosing another establishment reloads the page with its figures so far
        self.fields["beneficiary"].widget.attrs.update(
            {"x-data": "", "x-on:change": "window.location.search = '?beneficiary=' + $event.target.value"}
        )

    def clean(self):
        data = super().clean()
        if not any(data.get(name) is not None for name in self.fields if name != "beneficiary"):
            raise forms.ValidationError(_("Enter at least one figure."))
        return data


class AcceptanceForm(StyledForm):
    accepted_on = DateField(label=_("date"), widget=DATE)
    minutes_number = forms.CharField(label=_("minutes number"), max_length=100)
    result = forms.ChoiceField(
        label=_("result"), choices=[("passed", _("accepted")), ("failed", _("not accepted"))]
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SettlementForm(StyledForm):
    settled_on = DateField(label=_("date"), widget=DATE)
    document = forms.CharField(label=_("settlement document"), max_length=100)
    amount = MoneyField(label=_("settled amount (VND)"))
    counterpart_actual = MoneyField(label=_("counterpart funds spent (VND)"), required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RefundForm(StyledForm):
    refunded_on = DateField(label=_("date"), widget=DATE)
    amount = MoneyField(label=_("amount (VND)"), min_value=1)
    reference = forms.CharField(label=_("document"), max_length=200)


class AttachmentForm(StyledForm):
    kind = forms.ChoiceField(label=_("kind"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("file"))
    description = forms.CharField(label=_("description"), required=False, max_length=300)


# --- rounds, councils, decisions ---------------------------------------------------------------------


class RoundForm(forms.ModelForm):
    class Meta:
        model = RegistrationRound
        fields = ["plan_year", "source", "province", "name", "opens_on", "deadline", "note"]
        field_classes = {"province": ProvinceField}
        widgets = {"opens_on": DATE, "deadline": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = get_scope(user)
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).valid_on(timezone.localdate())
        if not scope.national_write:
            provinces = provinces.filter(pk__in=scope.current_write)
            self.fields["province"].required = True
            self.fields["source"].choices = [("kcdp", _("provincial (KCĐP)"))]
        self.fields["province"].queryset = provinces
        style_form(self)


class RoundEditForm(forms.ModelForm):
    """A round's name, dates and note (its year, source and province stay)."""

    class Meta:
        model = RegistrationRound
        fields = ["name", "opens_on", "deadline", "note"]
        widgets = {"opens_on": DATE, "deadline": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class DeadlineForm(StyledForm):
    deadline = DateField(label=_("Our deadline"), widget=DATE)


FORWARD_AT_ONCE = 500  # proposals forwarded by one request at most


class ForwardForm(forms.Form):
    """Several appraised proposals to forward to the agency at once (the API): ids the user sees;
    one outside the scope is not a choice (the API answers 404), nor is an id given twice."""

    projects = IdMultipleChoiceField(
        label=_("proposals to forward"),
        queryset=Project.objects.none(),
        max_choices=FORWARD_AT_ONCE,
        unique=True,
        error_messages={"required": _("Choose at least one proposal.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = Project.objects.restrict(user, VIEW)

    def outside_scope(self) -> str | None:
        """The first id the user cannot see, when that is why the form is invalid."""
        for error in self.errors.as_data().get("projects", []):
            if error.code == "invalid_choice":
                return str((error.params or {}).get("value", ""))
        return None


class CouncilForm(forms.ModelForm):
    members = IdMultipleChoiceField(label=_("Members"), queryset=None)
    chair = forms.ModelChoiceField(label=_("chair"), queryset=None)

    class Meta:
        model = Council
        fields = ["plan_year", "source", "name", "decision_number", "decision_date", "criteria_set", "quorum"]
        widgets = {"decision_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from khuyencong.accounts.models import User

        experts = (
            User.objects.filter(is_active=True, role_assignments__role="expert")
            .distinct()
            .order_by("full_name")
        )
        self.fields["members"].queryset = experts
        self.fields["chair"].queryset = experts
        self.fields["criteria_set"].queryset = CriteriaSet.objects.all()
        self.fields["members"].widget.attrs["size"] = 6
        style_form(self)


class AssignForm(StyledForm):
    project = forms.ModelChoiceField(label=_("Proposal"), queryset=Project.objects.none())
    experts = IdMultipleChoiceField(label=_("Experts"), queryset=None)

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        from khuyencong.accounts.models import User
        from khuyencong.projects.models import Status

        self.fields["project"].queryset = Project.objects.filter(
            plan_year=council.plan_year,
            source=council.source,
            status__in=[Status.FORWARDED, Status.UNDER_REVIEW],
        ).order_by("code")
        self.fields["experts"].queryset = User.objects.filter(council_memberships__council=council)
        style_form(self)


class SessionForm(StyledForm):
    held_on = DateField(label=_("date"), widget=DATE)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    present = IdMultipleChoiceField(
        label=_("members present"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = council.members.select_related("user")
        self.fields["present"].label_from_instance = lambda m: f"{m.user} ({m.get_role_display()})"
        self.fields["present"].widget.attrs["class"] = ""


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = [
            "kind",
            "number",
            "date",
            "signer",
            "issuer",
            "legal_basis",
            "plan_year",
            "source",
            "province",
            "title",
        ]
        field_classes = {"province": ProvinceField}
        widgets = {"date": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = get_scope(user)
        today = timezone.localdate()
        self.fields["issuer"].queryset = (
            Organisation.objects.valid_on(today)
            .filter(kind__in=["ministry", "peoples_committee"])
            .order_by("kind", "name")
        )
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).valid_on(today)
        if not scope.national_write:
            provinces = provinces.filter(pk__in=scope.current_write)
            self.fields["issuer"].queryset = self.fields["issuer"].queryset.filter(province__in=provinces)
        self.fields["province"].queryset = provinces
        style_form(self)

    def _post_clean(self):
        """Validated by the service."""


class DecisionLineForm(StyledForm):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    action = forms.ChoiceField(label=_("Action"), choices=LineAction.choices)
    amount = MoneyField(label=_("approved state support after the decision (VND)"))
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)

    def __init__(self, *args, decision=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from khuyencong.projects.models import DecisionKind, Status

        qs = Project.objects.restrict(user, VIEW).filter(plan_year=decision.plan_year, source=decision.source)
        if decision.province_id:
            qs = qs.filter(lead_province_now=decision.province_id)
        if decision.kind == DecisionKind.ALLOCATION:
            qs = qs.filter(status__in=[Status.AGENCY_APPRAISED, Status.DOIT_APPRAISED])
            self.fields["action"].choices = [(LineAction.APPROVE, LineAction.APPROVE.label)]
        else:
            qs = qs.filter(
                status__in=[
                    Status.AGENCY_APPRAISED,
                    Status.DOIT_APPRAISED,
                    Status.APPROVED,
                    Status.IN_PROGRESS,
                ]
            )
            self.fields["action"].choices = [
                (a, a.label) for a in (LineAction.ADD, LineAction.ADJUST, LineAction.STOP)
            ]
        self.fields["project"].queryset = qs.order_by("code")
        self.fields["project"].label_from_instance = lambda p: f"{p.code} – {p.name[:70]}"


class PlanForm(StyledForm):
    plan_year = forms.IntegerField(label=_("plan year"), min_value=2010, max_value=2100)
    source = forms.ChoiceField(
        label=_("funding source"),
        choices=[
            ("", _("all")),
            ("kcqg", _("national (KCQG)")),
            ("kcdp", _("provincial (KCĐP)")),
            ("other", _("other")),
        ],
        required=False,
    )
    on = DateField(label=_("Plan as it stood on"), widget=DATE, required=False)
    geography = forms.ChoiceField(
        label=_("Provinces"),
        required=False,
        choices=[("now", _("today's 34 provinces")), ("asis", _("provinces as they were"))],
    )
