"""The zip of the whole package, built once per version of the data and kept under
``KC_DATA_DIR/opendata/`` (it reads every published record: rebuilding it for each download would let
a few anonymous requests occupy the server).

The version is a fingerprint of what the package reads: the latest change of the audit trail (every
write of a record goes through the services, which write it), the latest project, movement and
project event, the reference tables (provinces, contents, organisations – loaded by commands), the
package's own description (a new release may add a column) and the day – so that even a change
made outside the services is published by the next day. A new version builds a new file; older
files are removed once it is there."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from khuyencong.opendata import package


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "opendata"


def data_version() -> str:
    from khuyencong.core.models import ObjectChange
    from khuyencong.geo.models import AdministrativeUnit
    from khuyencong.orgs.models import Organisation
    from khuyencong.programmes.models import Content
    from khuyencong.projects.models import LedgerEntry, Project, ProjectEvent

    parts: list[object] = [timezone.localdate().isoformat()]
    for model in (ObjectChange, Project, LedgerEntry, ProjectEvent):
        parts.append(model.objects.aggregate(last=Max("pk"))["last"])
    for model in (AdministrativeUnit, Content, Organisation):
        parts.append(tuple(model.objects.aggregate(n=Count("pk"), last=Max("pk")).values()))
    parts.append(json.dumps(package.descriptor(), sort_keys=True, default=str))
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:24]


def package_zip() -> Path:
    """The zip of the current version, built now if it is not there yet."""
    folder = cache_dir()
    target = folder / f"{package.PACKAGE_NAME}-{data_version()}.zip"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as output:
            package.write_zip(output)
        os.replace(temporary, target)  # two requests building at once: the last one wins, both whole
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for older in folder.glob(f"{package.PACKAGE_NAME}-*.zip"):
        if older != target:
            older.unlink(missing_ok=True)
    return target


def clear() -> int:
    """Remove every cached zip (and left-over partial files); returns how many."""
    count = 0
    for path in cache_dir().glob("*"):
        if path.suffix in (".zip", ".part"):
            path.unlink(missing_ok=True)
            count += 1
    return count
