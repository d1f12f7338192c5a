from __future__ import annotations

from django.conf import settings

from khuyencong import __version__
from khuyencong.core.navigation import menu_for
from khuyencong.core.permissions import get_scope


def shell(request):
    """What the page shell needs on every page: the user's scope and menu, profile, version."""
    scope = get_scope(getattr(request, "user", None))
    return {
        "scope": scope,
        "menu": menu_for(scope),
        "kc_profile": settings.PROFILE,
        "kc_version": __version__,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
