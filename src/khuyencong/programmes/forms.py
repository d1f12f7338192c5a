"""The form a provincial officer (or an administrator) fills to add a legal document to the registry."""

from __future__ import annotations

from typing import Any

from django import forms

from khuyencong.core.forms import style_form
from khuyencong.core.permissions import get_scope
from khuyencong.core.text import lower_first
from khuyencong.geo.forms import ProvinceField
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.programmes.models import PROVINCIAL_DOCUMENT_KINDS, DocumentKind, LegalDocument
from khuyencong.programmes.services import EDITABLE_FIELDS


class LegalDocumentForm(forms.ModelForm):
    province = ProvinceField(AdministrativeUnit.objects.none(), required=False)
    url = forms.URLField(
        label=LegalDocument._meta.get_field("url").verbose_name, required=False, assume_scheme="https"
    )

    class Meta:
        model = LegalDocument
        fields = EDITABLE_FIELDS
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "effective_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "title": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = get_scope(user)
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        if not scope.is_admin:
            provinces = provinces.filter(pk__in=scope.province_write)
            self.fields["kind"].choices = [
                c for c in DocumentKind.choices if c[0] in PROVINCIAL_DOCUMENT_KINDS
            ]
            self.fields["province"].required = True
            if not self.instance.pk and not self.is_bound:
                today = [p for p in provinces if p.valid_until is None]
                if len(today) == 1:
                    self.initial["province"] = today[0].pk
                    self.initial.setdefault("issuer", f"UBND {lower_first(today[0].full_name)}")
        self.fields["province"].queryset = provinces.order_by("name")
        self.fields["province"].label = LegalDocument._meta.get_field("province").verbose_name
        self.fields["province"].help_text = LegalDocument._meta.get_field("province").help_text
        style_form(self)

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}
