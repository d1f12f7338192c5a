from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from khuyencong.core.generic import ObjectDetailView, ObjectListView
from khuyencong.core.tables import Column
from khuyencong.orgs.filters import OrganisationFilterSet
from khuyencong.orgs.models import Organisation


class OrganisationListView(ObjectListView):
    public = True
    model = Organisation
    filterset_class = OrganisationFilterSet
    title = _("Organisations")
    export_name = "co-quan-don-vi"
    default_sort = "name"
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("short_name", _("Short name")),
        Column("kind", _("Kind"), kind="choice", sort="kind"),
        Column("province", _("Province"), accessor="province.name", sort="province__name"),
        Column("valid_from", _("Valid from"), kind="date", sort="valid_from"),
        Column("valid_until", _("Valid until"), kind="date", sort="valid_until"),
        Column("name_verified", _("Name verified"), kind="bool"),
    ]

    def base_queryset(self):
        return Organisation.objects.select_related("province")


class OrganisationDetailView(ObjectDetailView):
    public = True
    model = Organisation
    template_name = "orgs/organisation_detail.html"

    def base_queryset(self):
        return Organisation.objects.select_related("province", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.object
        context["names"] = org.names.all()
        context["predecessors"] = org.predecessions.select_related("predecessor")
        context["successors"] = org.successions.select_related("successor")
        context["children"] = org.children.order_by("name")
        return context
