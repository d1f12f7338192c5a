"""Pages of the establishment registry."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.generic import ObjectDetailView, ObjectListView, workspace_required
from khuyencong.core.models import SystemParameter
from khuyencong.core.parsing import parse_id
from khuyencong.core.permissions import CHANGE, VIEW, get_scope
from khuyencong.core.tables import Column
from khuyencong.core.text import sort_key
from khuyencong.establishments import services
from khuyencong.establishments.eligibility import check_eligibility
from khuyencong.establishments.extensions import DETAIL_PAGE, EXPORT_COLUMNS
from khuyencong.establishments.filters import EstablishmentFilterSet
from khuyencong.establishments.forms import EstablishmentForm, FigureForm, MergeForm, communes_of
from khuyencong.establishments.models import Establishment, Status
from khuyencong.establishments.queries import duplicate_candidates, possible_duplicates_of
from khuyencong.establishments.validators import normalise_tax_code
from khuyencong.geo.models import AdministrativeUnit, Level


class EstablishmentListView(ObjectListView):
    model = Establishment
    filterset_class = EstablishmentFilterSet
    template_name = "establishments/establishment_list.html"
    title = gettext_lazy("Rural industrial establishments")
    export_name = "co-so-cnnt"
    default_sort = "name"
    create_url_name = "establishments:create"
    columns = [
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("tax_code", gettext_lazy("Tax code"), sort="tax_code"),
        Column("kind", gettext_lazy("Kind"), kind="choice", sort="kind"),
        Column("commune", gettext_lazy("Commune / ward"), accessor="commune.full_name"),
        Column("province", gettext_lazy("Province (as registered)"), accessor="province.name"),
        Column(
            "province_now",
            gettext_lazy("Province today"),
            accessor="province_now.name",
            sort="province_now__name",
        ),
        Column("vsic_code", gettext_lazy("VSIC"), sort="vsic_code"),
        Column("products", gettext_lazy("Main products"), accessor=lambda e: e.products[:80]),
        Column("employees", gettext_lazy("Employees"), kind="number", sort="employees"),
        Column("status", gettext_lazy("Status"), kind="choice", sort="status"),
    ]

    def export_columns(self):
        for columns in EXPORT_COLUMNS.results():
            return columns
        return super().export_columns()

    def base_queryset(self):
        if self.request.GET.get("export") in {"csv", "xlsx"} and EXPORT_COLUMNS.results():
            return Establishment.objects.select_related("commune", "province", "province_now")
        # the columns shown, not the thirty of a record: a page builds 200 model instances
        return Establishment.objects.select_related("commune", "province", "province_now").only(
            "name",
            "tax_code",
            "kind",
            "vsic_code",
            "products",
            "employees",
            "status",
            "commune__full_name",
            "province__name",
            "province_now__name",
        )

    def can_create(self) -> bool:
        return services.can_create_establishments(self.request.user)


class EstablishmentDetailView(ObjectDetailView):
    model = Establishment
    template_name = "establishments/establishment_detail.html"

    def base_queryset(self):
        return Establishment.objects.select_related(
            "commune__parent", "province", "province_now", "division__section", "merged_into"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        establishment = self.object
        on = timezone.localdate()
        if self.request.GET.get("on"):
            try:
                on = datetime.date.fromisoformat(self.request.GET["on"])
            except ValueError:
                messages.warning(self.request, _("The date is not valid; today's rules are shown."))
        scope = get_scope(self.request.user)
        context.update(
            eligibility=check_eligibility(establishment, on),
            eligibility_on=on,
            figures=establishment.figures.order_by("-year"),
            figure_form=FigureForm(initial={"year": on.year - 1}),
            duplicates=possible_duplicates_of(establishment, scope)
            if establishment.status != Status.MERGED
            else [],
            merges=establishment.merges.select_related("absorbed"),
            merged_away=getattr(establishment, "merged_away", None),
            repeat_years=SystemParameter.get("repeat_support_years", 3),
            active_menu="establishments",
        )
        context.update(DETAIL_PAGE.context(establishment, scope))
        return context


def _form_page(request, form, establishment=None, conflict=None):
    import json

    return render(
        request,
        "establishments/establishment_form.html",
        {
            "form": form,
            "object": establishment,
            "conflict": conflict,
            "active_menu": "establishments",
            "pk_vals": json.dumps({"pk": establishment.pk}) if establishment else None,
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                for message in e.messages:
                    form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@workspace_required
def establishment_create(request):
    if not services.can_create_establishments(request.user):
        raise PermissionDenied(_("Your role cannot register establishments."))
    if request.htmx:
        return _htmx_options(request)
    form = EstablishmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            establishment = services.establishment_create(user=request.user, data=form.service_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The establishment “%(name)s” was registered.") % {"name": establishment.name}
            )
            return redirect(establishment)
    return _form_page(request, form)


@workspace_required
def establishment_edit(request, pk: int):
    establishment = get_object_or_404(Establishment.objects.restrict(request.user, VIEW), pk=pk)
    if not Establishment.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied(_("You can read this establishment but not change it."))
    if establishment.status == Status.MERGED:
        messages.warning(request, _("This record was merged; change the record it was merged into."))
        return redirect(establishment.merged_into)
    if request.htmx:
        return _htmx_options(request)
    form = EstablishmentForm(
        request.POST or None,
        instance=establishment,
        user=request.user,
        initial={"version": establishment.version},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            establishment = services.establishment_update(
                user=request.user,
                establishment=establishment,
                data=form.service_data(),
                version=form.cleaned_data.get("version"),
            )
        except ConflictError as error:
            conflict = error
            data = request.POST.copy()
            data["version"] = error.current_version  # saving again now overwrites knowingly
            form = EstablishmentForm(data, instance=Establishment.objects.get(pk=pk), user=request.user)
            form.is_valid()
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(establishment)
    return _form_page(request, form, establishment, conflict)


def _htmx_options(request):
    if request.GET.get("provinces_on"):
        return province_options(request)
    return commune_options(request)


def _date_param(request, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


@workspace_required
def province_options(request):
    """``<option>``s of the provinces valid on the address date that the user may write to."""
    from khuyencong.establishments.forms import provinces_for
    from khuyencong.geo.forms import province_label

    provinces = sorted(
        provinces_for(request.user, _date_param(request, "address_as_of") or timezone.localdate()),
        key=lambda unit: sort_key(province_label(unit)),
    )
    html = render_to_string("establishments/_province_options.html", {"provinces": provinces})
    return HttpResponse(html)


@workspace_required
def commune_options(request):
    """``<option>``s of the communes of a province valid on a date (for the form, via htmx)."""
    province_id = parse_id(request.GET.get("province"))
    province = AdministrativeUnit.objects.filter(pk=province_id, level=Level.PROVINCE).first()
    options = communes_of(province, _date_param(request, "address_as_of") or timezone.localdate())
    html = render_to_string("establishments/_commune_options.html", {"communes": options})
    return HttpResponse(html)


@workspace_required
def tax_code_check(request):
    """Live check of a tax code while typing (htmx): format, check digit, already registered among
    the records the user may read."""
    value = request.GET.get("tax_code", "")
    exclude = parse_id(request.GET.get("pk"))  # the record being edited; anything else excludes none
    if not value.strip():
        return HttpResponse("")
    try:
        code = normalise_tax_code(value)
    except ValidationError as error:
        return HttpResponse(format_html('<div class="invalid-feedback d-block">{}</div>', error.messages[0]))
    # only within the user's scope: a duplicate in another province is for the agency to see (the
    # service names it, without details, when the record is saved)
    existing = Establishment.objects.restrict(request.user, VIEW).filter(tax_code=code)
    if exclude:
        existing = existing.exclude(pk=exclude)
    if existing.exists():
        return HttpResponse(
            format_html(
                '<div class="invalid-feedback d-block">{}</div>', _("This tax code is already registered.")
            )
        )
    return HttpResponse(
        format_html('<div class="valid-feedback d-block">{} {}</div>', "✓", _("Valid tax code."))
    )


@workspace_required
@require_POST
def figure_save(request, pk: int):
    establishment = get_object_or_404(Establishment.objects.restrict(request.user, VIEW), pk=pk)
    if not Establishment.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied(_("You can read this establishment but not change it."))
    form = FigureForm(request.POST)
    if form.is_valid():
        try:
            services.figure_save(user=request.user, establishment=establishment, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Figures of %(year)s saved.") % {"year": form.cleaned_data["year"]})
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}")
    return redirect(reverse("establishments:detail", args=[pk]) + "#figures")


@workspace_required
def duplicates(request):
    scope = get_scope(request.user)
    pairs = duplicate_candidates(scope)
    ids = {r.pk for p in pairs for r in (p.first, p.second)}
    # the merge is offered where the user may change both records (a leader reads the list only)
    changeable = set(
        Establishment.objects.restrict(request.user, CHANGE).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return render(
        request,
        "establishments/duplicates.html",
        {"pairs": pairs, "changeable": changeable, "active_menu": "establishments"},
    )


@workspace_required
def merge(request, pk: int, other: int):
    """Merge ``other`` into ``pk`` after the user confirms, with a reason."""
    visible = Establishment.objects.restrict(request.user, VIEW).select_related("commune", "province_now")
    survivor = get_object_or_404(visible, pk=pk)
    absorbed = get_object_or_404(visible, pk=other)
    if not services.may_merge(request.user, survivor, absorbed):  # seen, not theirs to change: 403
        raise PermissionDenied(services.MERGE_REFUSED)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.establishment_merge(
                user=request.user, survivor=survivor, absorbed=absorbed, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("“%(absorbed)s” was merged into this record.") % {"absorbed": absorbed.name}
            )
            return redirect(survivor)
    return render(
        request,
        "establishments/merge.html",
        {
            "survivor": survivor,
            "absorbed": absorbed,
            "form": form,
            "active_menu": "establishments",
            "fields": _compare(survivor, absorbed),
        },
    )


def _compare(a: Establishment, b: Establishment) -> list[tuple[str, str, str, bool]]:
    rows = []
    for name in (
        "name",
        "tax_code",
        "kind",
        "representative",
        "address",
        "commune",
        "province",
        "vsic_code",
        "products",
        "employees",
        "status",
        "registration_date",
    ):
        field = Establishment._meta.get_field(name)
        left = getattr(a, f"get_{name}_display", lambda n=name: getattr(a, n))()
        right = getattr(b, f"get_{name}_display", lambda n=name: getattr(b, n))()
        rows.append((str(field.verbose_name), left, right, str(left) != str(right)))
    return rows


@workspace_required
def choose(request):
    """``<option>``s of establishments in the user's scope matching ``?q=`` (pickers, via htmx)."""
    from khuyencong.establishments.queries import search

    text = request.GET.get("q", "").strip()
    found = []
    if len(text) >= 2:
        found = list(
            search(Establishment.objects.restrict(request.user, VIEW).exclude(status=Status.MERGED), text)
            .select_related("province_now")
            .order_by("name", "id")[:30]
        )
    return render(request, "establishments/_choose_options.html", {"found": found, "query": text})
