"""Public pages of the geography: units on a date, a unit's history, regions."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.generic import ObjectDetailView, ObjectListView, workspace_required
from khuyencong.core.permissions import get_scope
from khuyencong.core.tables import Column
from khuyencong.geo.extensions import PROVINCE_MAP_MEASURES, PROVINCE_PAGE
from khuyencong.geo.filters import UnitFilterSet
from khuyencong.geo.forms import CURRENT, FORMER, ProvinceMapForm
from khuyencong.geo.maps import rows_for
from khuyencong.geo.models import (
    AdministrativeUnit,
    Level,
    Region,
    RegionMembership,
    RegionScheme,
    Succession,
)
from khuyencong.geo.queries import LAST_DAY_OF_63, REORGANISATION_2025


def _region(unit, scheme):
    for m in unit.region_memberships.all():
        if m.region.scheme == scheme:
            return m.region.name
    return None


def _successors(unit):
    return ", ".join(s.successor.name for s in unit.successions.all()) or None


def _predecessors(unit):
    return ", ".join(p.predecessor.name for p in unit.predecessions.all()) or None


class UnitListView(ObjectListView):
    public = True
    model = AdministrativeUnit
    filterset_class = UnitFilterSet
    template_name = "geo/unit_list.html"
    title = _("Administrative units")
    export_name = "don-vi-hanh-chinh"
    default_sort = "code"
    columns = [
        Column("code", _("Code"), sort="code"),
        Column("full_name", _("Name"), sort="name", link=True),
        Column("kind", _("Kind"), kind="choice", sort="kind"),
        Column("parent", _("Province"), accessor="parent.name"),
        Column("economic", _("Socio-economic region"), accessor=lambda u: _region(u, RegionScheme.ECONOMIC)),
        Column("conference", _("Conference area"), accessor=lambda u: _region(u, RegionScheme.CONFERENCE)),
        Column("predecessors", _("Formed from"), accessor=_predecessors),
        Column("successors", _("Became"), accessor=_successors),
        Column("valid_from", _("Valid from"), kind="date", sort="valid_from"),
        Column("valid_until", _("Valid until"), kind="date", sort="valid_until"),
    ]

    paginate_by = 100

    def get_columns(self):
        communes = self.request.GET.get("level") == Level.COMMUNE
        hidden = {"economic", "conference", "predecessors", "successors"} if communes else {"parent"}
        return [c for c in self.columns if c.key not in hidden]

    def base_queryset(self):
        return AdministrativeUnit.objects.select_related("parent").prefetch_related(
            Prefetch("region_memberships", queryset=RegionMembership.objects.select_related("region")),
            Prefetch("successions", queryset=Succession.objects.select_related("successor")),
            Prefetch("predecessions", queryset=Succession.objects.select_related("predecessor")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["date_63"] = LAST_DAY_OF_63
        context["date_34"] = REORGANISATION_2025
        context["today"] = timezone.localdate()
        return context


class UnitDetailView(ObjectDetailView):
    public = True
    model = AdministrativeUnit
    template_name = "geo/unit_detail.html"

    def base_queryset(self):
        return AdministrativeUnit.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        context["memberships"] = unit.region_memberships.select_related("region").order_by("-region__scheme")
        context["predecessors"] = unit.predecessions.select_related("predecessor").order_by(
            "-is_seat", "predecessor__name"
        )
        context["successors"] = unit.successions.select_related("successor")
        if unit.level == Level.PROVINCE:
            children = unit.children.all()
            context["child_counts"] = sorted(Counter(c.get_kind_display() for c in children).items())
            context["children"] = children.order_by("name")
            context.update(PROVINCE_PAGE.context(unit))
        return context


def region_list(request):
    """The regions and the provinces in each, in the 63- and the 34-province geography."""
    on = {
        "63": LAST_DAY_OF_63,
        "34": REORGANISATION_2025,
    }
    regions = Region.objects.annotate(size=Count("memberships")).order_by("scheme", "order")
    rows = []
    for region in regions:
        members = region.memberships.select_related("unit").order_by("unit__name")
        rows.append(
            {
                "region": region,
                "old": [m.unit for m in members if m.unit.valid_on(on["63"])],
                "new": [m for m in members if m.unit.valid_on(on["34"])],
            }
        )
    return render(request, "geo/region_list.html", {"rows": rows, "on": on, "today": datetime.date.today()})


@workspace_required
def province_map(request):
    """The provinces coloured by a figure offered by an app, in the 34 or the 63 geography."""
    scope = get_scope(request.user)
    measures = PROVINCE_MAP_MEASURES.results(scope)
    form = ProvinceMapForm(request.GET or None, measures=measures)
    form.is_valid()  # the valid choices are kept, an unknown one is named in an error
    choice = getattr(form, "cleaned_data", {})
    measure = next((m for m in measures if m.key == choice.get("measure")), measures[0] if measures else None)
    context = {
        "form": form,
        "measure": measure,
        "geography": choice.get("geo") or CURRENT,
        "scale": choice.get("scale") or "continuous",
    }
    if measure is not None:
        figures = {geography: measure.figures(geography) for geography in (CURRENT, FORMER)}
        context["rows34"] = rows_for(CURRENT, figures[CURRENT], measure.decimals)
        context["rows63"] = rows_for(FORMER, figures[FORMER], measure.decimals)
        context["notes"] = {geography: f.notes for geography, f in figures.items()}
        context["no_province"] = figures[CURRENT].covered == set()
    return render(request, "geo/province_map.html", context)
