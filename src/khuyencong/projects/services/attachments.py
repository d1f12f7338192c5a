"""Dossier files: size- and type-checked (by content, not by name), stored under random names."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from khuyencong.core.permissions import VIEW, get_scope
from khuyencong.projects.models import Attachment, Project
from khuyencong.projects.services.roles import owner_doit_or_agency

MAX_BYTES = 20 * 1024 * 1024
SIGNATURES = {
    ".pdf": [b"%PDF-"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".doc": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    ".xls": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}
IMAGES = {".png", ".jpg", ".jpeg"}


def check_upload(upload, images_only: bool = False) -> str:
    """The file's extension if it is acceptable; ValidationError with the reason otherwise."""
    name = getattr(upload, "name", "") or ""
    ext = Path(name).suffix.lower()
    allowed = IMAGES if images_only else set(SIGNATURES)
    if ext not in allowed:
        raise ValidationError(
            {
                "file": [
                    _("“%(name)s”: only %(types)s files are accepted.")
                    % {"name": name, "types": ", ".join(sorted(e.lstrip(".").upper() for e in allowed))}
                ]
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": [_("“%(name)s” is empty.") % {"name": name}]})
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("“%(name)s” is larger than %(max)s MB.")
                    % {"name": name, "max": MAX_BYTES // (1024 * 1024)}
                ]
            }
        )
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[ext]):
        raise ValidationError(
            {
                "file": [
                    _("“%(name)s” is not really a %(type)s file.")
                    % {"name": name, "type": ext.lstrip(".").upper()}
                ]
            }
        )
    return ext


def attach(
    *,
    user,
    project: Project,
    kind: str,
    upload,
    description: str = "",
    progress_report=None,
    images_only: bool = False,
) -> Attachment:
    if not Project.objects.restrict(user, VIEW).filter(pk=project.pk).exists():
        raise PermissionDenied(_("This project is outside your scope."))
    if not owner_doit_or_agency(get_scope(user), project):
        raise PermissionDenied(_("Your role cannot add files to this project."))
    ext = check_upload(upload, images_only=images_only)
    attachment = Attachment(
        project=project,
        kind=kind,
        file=upload,
        original_name=Path(upload.name).name[:255],
        size=upload.size,
        content_type=CONTENT_TYPES[ext],
        description=description,
        progress_report=progress_report,
    )
    attachment.full_clean(exclude=["file"])
    attachment.save()
    return attachment
