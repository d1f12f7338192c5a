"""Public pages: programmes with their targets, the catalogue of contents and indicators, legal documents."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.generic import ObjectDetailView, ObjectListView, workspace_required
from khuyencong.core.permissions import CHANGE, VIEW
from khuyencong.core.tables import Column
from khuyencong.programmes import services
from khuyencong.programmes.filters import LegalDocumentFilterSet
from khuyencong.programmes.forms import LegalDocumentForm
from khuyencong.programmes.models import Content, Indicator, LegalDocument, Programme


class ProgrammeListView(ObjectListView):
    public = True
    model = Programme
    title = _("Programmes")
    export_name = "chuong-trinh"
    default_sort = "-start_year"
    columns = [
        Column("name", _("Programme"), sort="name", link=True),
        Column("level", _("Level"), kind="choice", sort="level"),
        Column("province", _("Province"), accessor="province.name"),
        Column("period", _("Period"), sort="start_year"),
        Column("legal_basis", _("Approved by"), accessor="legal_basis"),
        Column(
            "planned_state_funds",
            _("Planned state funds (million VND)"),
            kind="money",
            unit="trieu",
            export_label=_("Planned state funds (VND)"),
        ),
    ]

    def base_queryset(self):
        return Programme.objects.select_related("province", "legal_basis")


class ProgrammeDetailView(ObjectDetailView):
    public = True
    model = Programme
    template_name = "programmes/programme_detail.html"

    def base_queryset(self):
        return Programme.objects.select_related("province", "legal_basis")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.object
        targets = {t.indicator_id: t for t in programme.targets.select_related("indicator")}
        groups = OrderedDict()
        for pc in programme.programme_contents.select_related("content").order_by("order"):
            indicators = pc.content.indicators.order_by("order")
            groups[pc.content] = [(i, targets.get(i.pk)) for i in indicators]
        context["groups"] = groups
        context["target_count"] = len(targets)
        return context


def content_catalogue(request):
    """Contents (sub-programmes) and their result indicators, with validity."""
    contents = Content.objects.select_related("legal_basis").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order"))
    )
    return render(
        request,
        "programmes/content_catalogue.html",
        {"contents": contents, "today": timezone.localdate()},
    )


class LegalDocumentListView(ObjectListView):
    public = True
    model = LegalDocument
    filterset_class = LegalDocumentFilterSet
    title = _("Legal documents")
    export_name = "van-ban-phap-ly"
    create_url_name = "programmes:document_create"
    default_sort = "-issued_on"
    columns = [
        Column("number", _("Number"), sort="number", link=True),
        Column("kind", _("Kind"), kind="choice", sort="kind"),
        Column("title", _("Subject")),
        Column("issuer", _("Issuer"), sort="issuer"),
        Column("issued_on", _("Issued"), kind="date", sort="issued_on"),
        Column("effective_from", _("In force from"), kind="date", sort="effective_from"),
    ]

    def base_queryset(self):
        return LegalDocument.objects.select_related("province")

    def can_create(self) -> bool:
        return self.request.user.is_authenticated and services.may_add_documents(self.request.user)


class LegalDocumentDetailView(ObjectDetailView):
    public = True
    model = LegalDocument
    template_name = "programmes/document_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        doc = self.object
        context["relations_out"] = doc.relations_out.select_related("target")
        context["relations_in"] = doc.relations_in.select_related("source")
        context["programmes"] = doc.programmes.all()
        return context


def _document_form(request, document: LegalDocument | None):
    form = LegalDocumentForm(request.POST or None, instance=document, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.document_save(user=request.user, data=form.service_data(), document=document)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, texts in error.message_dict.items():
                    for text in texts:
                        form.add_error(name if name in form.fields else None, text)
            else:
                for text in error.messages:
                    form.add_error(None, text)
        else:
            messages.success(
                request,
                gettext("Changes saved.") if document else gettext("The document was added to the registry."),
            )
            return redirect(saved)
    return render(
        request,
        "programmes/document_form.html",
        {"form": form, "object": document, "active_menu": "programmes"},
        status=400 if form.errors else 200,
    )


@workspace_required
def document_create(request):
    if not services.may_add_documents(request.user):
        raise PermissionDenied(gettext("Your role cannot add legal documents."))
    return _document_form(request, None)


@workspace_required
def document_edit(request, pk: int):
    document = get_object_or_404(LegalDocument.objects.restrict(request.user, VIEW), pk=pk)
    if not LegalDocument.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied(gettext("You can read this document but not change it."))
    return _document_form(request, document)
