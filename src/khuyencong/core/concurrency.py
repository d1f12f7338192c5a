"""Optimistic locking: a save must name the version the user read; a newer one means a conflict."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from khuyencong.core.exceptions import ConflictError


def changed_since(obj, version: int) -> list[str]:
    """Labels of the fields changed by the saves after ``version`` (read from the audit trail)."""
    from django.contrib.contenttypes.models import ContentType

    from khuyencong.core.models import ObjectChange

    saves = obj.version - version
    if saves <= 0:
        return []
    ct = ContentType.objects.get_for_model(type(obj))
    changes = ObjectChange.objects.filter(content_type=ct, object_id=obj.pk, action="update").order_by("-id")[
        :saves
    ]
    editable = {f.attname: str(f.verbose_name) for f in type(obj)._meta.concrete_fields if f.editable}
    labels: list[str] = []
    for change in changes:
        for key in change.after or {}:
            label = editable.get(key)  # derived fields (search keys, version) are not the user's
            if label is not None and label not in labels:
                labels.append(label)
    return labels


def check_version(obj, version: int | None) -> None:
    """Raise unless ``version`` is the object's current one (``obj`` is locked by the caller)."""
    if version is None:
        raise ValidationError(
            {"version": [_("The version you edited is required, so that no change is lost.")]}
        )
    if obj.version != int(version):
        raise ConflictError(current_version=obj.version, changed_fields=changed_since(obj, int(version)))
