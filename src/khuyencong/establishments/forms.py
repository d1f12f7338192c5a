"""The establishment form. Validation lives in the model and the services (shared with the API);
the form only turns the page's inputs into values."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.bounds import validate_money
from khuyencong.core.parsing import parse_id
from khuyencong.core.permissions import get_scope
from khuyencong.establishments.models import Establishment, Status
from khuyencong.establishments.services import EDITABLE_FIELDS
from khuyencong.geo.forms import ProvinceField
from khuyencong.geo.models import AdministrativeUnit, Level


def communes_of(province: AdministrativeUnit | None, on: datetime.date | None):
    if province is None:
        return AdministrativeUnit.objects.none()
    qs = AdministrativeUnit.objects.filter(level=Level.COMMUNE).filter(
        Q(parent=province) | Q(parent__parent=province)
    )
    if on is not None:
        qs = qs.valid_on(on)
    return qs.select_related("parent").order_by("name")


def provinces_for(user, on: datetime.date | None):
    """Provinces valid on ``on`` in which the user may register establishments."""
    scope = get_scope(user)
    qs = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
    if on is not None:
        qs = qs.valid_on(on)
    if not scope.national_write:
        qs = qs.filter(pk__in=scope.province_write)
    return qs.order_by("name")


class EstablishmentForm(forms.ModelForm):
    province = ProvinceField(AdministrativeUnit.objects.none(), label=_("Province"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Establishment
        fields = [f for f in EDITABLE_FIELDS if f != "status_since"]
        widgets = {
            "registration_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address_as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "products": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["status"].choices = [c for c in Status.choices if c[0] != Status.MERGED]
        on = self._date_value("address_as_of") or (
            self.instance.address_as_of if self.instance.pk else timezone.localdate()
        )
        self.initial.setdefault("address_as_of", on)
        province = self._province_value()
        if province is None and self.instance.pk:
            province = self.instance.commune.province()
            self.initial["province"] = province.pk
        if province is None and not self.is_bound:
            choices = list(provinces_for(user, on)[:2])
            if len(choices) == 1:  # a provincial officer: their province, its communes ready
                province = choices[0]
                self.initial["province"] = province.pk
        self.fields["province"].queryset = provinces_for(user, on) | AdministrativeUnit.objects.filter(
            pk=getattr(province, "pk", None)
        )
        self.fields["commune"].queryset = communes_of(province, on)
        self.fields["commune"].label_from_instance = lambda u: (
            f"{u.full_name} ({u.parent.name})"
            if u.parent and u.parent.level == Level.DISTRICT
            else u.full_name
        )
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
            if name in self.errors:
                widget.attrs["class"] += " is-invalid"
        self.fields["province"].widget.attrs.update(
            {
                "hx-get": "",
                "hx-trigger": "change",
                "hx-target": "#id_commune",
                "hx-include": "#id_address_as_of",
            }
        )
        # a different date can mean the other geography: reload the provinces valid then
        self.fields["address_as_of"].widget.attrs.update(
            {
                "hx-get": "",
                "hx-trigger": "change",
                "hx-target": "#id_province",
                "hx-vals": '{"provinces_on": "1"}',
            }
        )

    def _date_value(self, name):
        raw = self.data.get(name) if self.is_bound else None
        if raw:
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                return None
        return None

    def _province_value(self):
        raw = self.data.get("province") if self.is_bound else self.initial.get("province")
        province_id = parse_id(raw)
        if province_id is None:
            return None
        return AdministrativeUnit.objects.filter(pk=province_id, level=Level.PROVINCE).first()

    def _post_clean(self):
        """Model validation runs in the service, with the same rules for page and API."""

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in EDITABLE_FIELDS}
        data["tax_code"] = data.get("tax_code") or None
        return data


class FigureForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    revenue = forms.IntegerField(
        label=_("Revenue (VND)"), min_value=0, required=False, validators=[validate_money]
    )
    production_value = forms.IntegerField(
        label=_("Production value (VND)"), min_value=0, required=False, validators=[validate_money]
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)


class MergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are they the same establishment?"), widget=forms.Textarea(attrs={"rows": 3})
    )
