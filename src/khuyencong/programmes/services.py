"""Writes with a rule on programme reference data: a province adds its own legal documents.

The registry of legal documents holds the ministry's documents (loaded by ``load-reference``) and
the provinces' own: the resolution of the People's Council, the People's Committee's decision
approving the provincial programme of khuyến công, the regulation on managing its funds. A
provincial officer adds and corrects the documents of their province (and of the provinces it was
formed from); administrators any document. The periodic reports' legal section names these
documents by number and links to them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.permissions import CHANGE, Scope, get_scope
from khuyencong.programmes.models import PROVINCIAL_DOCUMENT_KINDS, LegalDocument

EDITABLE_FIELDS = [
    "number",
    "kind",
    "title",
    "issuer",
    "issued_on",
    "effective_from",
    "effective_until",
    "province",
    "url",
    "note",
]


def may_add(scope: Scope) -> bool:
    return scope.is_admin or bool(scope.province_write)


def may_add_documents(user) -> bool:
    return may_add(get_scope(user))


def _check(user, document: LegalDocument) -> None:
    scope = get_scope(user)
    errors: dict[str, list[str]] = {}
    provincial = document.kind in PROVINCIAL_DOCUMENT_KINDS
    if not scope.is_admin:
        if not provincial:
            errors["kind"] = [
                _(
                    "A province adds only its own documents: resolutions of its People's Council, "
                    "decisions of its People's Committee, its programme and its regulations."
                )
            ]
        if document.province_id not in scope.province_write:
            errors["province"] = [_("Choose your province (or one it was formed from).")]
    if provincial and document.province_id is None:
        errors.setdefault("province", [_("A provincial document names its province.")])
    today = timezone.localdate()
    if document.issued_on and document.issued_on > today:
        errors["issued_on"] = [_("This date is in the future.")]
    start = document.effective_from or document.issued_on
    if document.effective_until and start and document.effective_until < start:
        errors["effective_until"] = [_("A document cannot stop being in force before it comes into force.")]
    if errors:
        raise ValidationError(errors)


def document_save(*, user, data: dict[str, Any], document: LegalDocument | None = None) -> LegalDocument:
    """Add a document to the registry, or change one (``document``) the user may change."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    reason = _("legal document changed") if document else _("legal document added")
    with transaction.atomic(), audit_context(user=user, reason=reason):
        if document is None:
            if not may_add_documents(user):
                raise PermissionDenied(_("Your role cannot add legal documents."))
            current = LegalDocument()
        else:
            found = (
                LegalDocument.objects.select_for_update()
                .restrict(user, CHANGE)
                .filter(pk=document.pk)
                .first()
            )
            if found is None:
                raise PermissionDenied(_("You cannot change this legal document."))
            current = found
        for name, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(current, name, "" if value is None and name in ("url", "note") else value)
        current.full_clean(exclude=["search_name"])
        _check(user, current)
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:  # the same number saved by someone else a moment ago
            raise ValidationError(
                {"number": [_("This issuer already has a document with this number.")]}
            ) from None
    return current
