"""The answer of the exchange app to ``core.provenance``: the imports that wrote a record, or the
records its page shows (a project's indicator actuals, a periodic report's values).

What the viewer reads (they may see the record, not necessarily the import): the file's name and
date always; the link to the import's page only if they may open it (its owner, an administrator);
the importer's name if they may see that batch or work in the same organisation, else the
importer's organisation."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from khuyencong.core.permissions import get_scope
from khuyencong.core.provenance import Origin
from khuyencong.exchange.kinds import KINDS
from khuyencong.exchange.models import ImportedRecord

MAX_FILES = 10


def imports_of(obj: Any, user: Any) -> list[Origin] | None:
    if getattr(obj, "pk", None) is None or user is None or not user.is_authenticated:
        return None
    condition = Q(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)
    for kind in KINDS.values():
        children = kind.records_of(obj)
        if children is not None:
            condition |= Q(
                content_type=ContentType.objects.get_for_model(children.model), object_id__in=children
            )
    records = (
        ImportedRecord.objects.filter(condition)
        .select_related("batch__user__organisation")
        .order_by("-batch__finished_at", "-batch_id", "row")
        .only(
            "row",
            "batch__id",
            "batch__file_name",
            "batch__finished_at",
            "batch__user__id",
            "batch__user__username",
            "batch__user__full_name",
            "batch__user__organisation__id",
            "batch__user__organisation__name",
        )
    )
    scope = get_scope(user)
    origins: dict[int, Origin] = {}
    for record in records[:2000]:
        batch = record.batch
        origin = origins.get(batch.pk)
        if origin is None:
            if len(origins) >= MAX_FILES:
                continue
            importer = batch.user
            own = scope.is_admin or importer.pk == user.pk
            colleague = importer.organisation_id is not None and importer.organisation_id == getattr(
                user, "organisation_id", None
            )
            if own or colleague:
                by = str(importer)
            else:
                by = str(importer.organisation.name) if importer.organisation_id else ""
            origin = origins[batch.pk] = Origin(
                file_name=batch.file_name,
                on=batch.finished_at,
                by=by,
                url=batch.get_absolute_url() if own else "",
            )
        origin.row_count += 1
        origin.rows.append(record.row)
    return list(origins.values())
