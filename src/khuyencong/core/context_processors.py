from __future__ import annotations

from django.conf import settings

from khuyencong import __version__
from khuyencong.core.permissions import get_scope


def shell(request):
    """What the page shell needs on every page: the user's scope, profile, version (the menu is
    the ``main_menu`` tag's)."""
    scope = get_scope(getattr(request, "user", None))
    return {
        "scope": scope,
        "kc_profile": settings.PROFILE,
        "kc_version": __version__,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
