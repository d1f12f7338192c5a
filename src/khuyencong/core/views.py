"""Shell pages: home dashboard, language switch, history, health check, error pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_POST

from khuyencong import __version__
from khuyencong.core import history
from khuyencong.core.models import ObjectChange
from khuyencong.core.navigation import cards_for, home_page_for
from khuyencong.core.permissions import get_scope, role_assignments

logger = logging.getLogger("khuyencong")


def home(request):
    scope = get_scope(request.user)
    page = home_page_for(request, scope)  # e.g. the leaders' dashboard, in place of the cards
    if page is not None:
        return page
    context = {
        "cards": cards_for(request, scope),
        "today": timezone.localdate(),
        # the role badges, with the names they show, as the scope read them
        "role_assignments": role_assignments(request.user) if request.user.is_authenticated else [],
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request):
    """Liveness and database status for load balancers and monitoring (JSON, no login)."""
    database = {"vendor": connection.vendor}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database["status"] = "ok"
    except Exception as exc:  # any failure to reach the database is "down"
        logger.warning("health check: database unavailable: %s", exc)
        database["status"] = "unavailable"
        status = 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "degraded",
            "database": database,
            "version": __version__,
            "time": timezone.now().isoformat(),
        },
        status=status,
    )


@require_POST
def set_language(request):
    """Switch the interface language; remembered in a cookie and on the user's account."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=request.is_secure(),
        )
        user = request.user
        if user.is_authenticated and user.language != language:
            user.language = language
            user.save(update_fields=["language"])
    return response


def object_history(request, app_label: str, model_name: str, pk: int):
    """The history of one record (and of its parts), for workspace users who may see the record."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not history.may_view_history(request.user):
        raise PermissionDenied(_("Your account has no role in the management workspace."))
    obj = history.visible_subject(request.user, app_label, model_name, pk)
    model = type(obj)
    changes = history.changes_visible(obj, request.user).select_related("content_type", "user")
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/object_history.html",
        {
            "object": obj,
            "page_obj": page,
            "rows": history.present(page.object_list, request.user, subject=obj),
            "model_name": model._meta.verbose_name,
        },
    )


def audit_log(request):
    """All changes, for ministry administrators: filter by user, kind of record, action, dates."""
    scope = get_scope(request.user)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not scope.is_admin:
        raise PermissionDenied(_("Only ministry administrators can read the whole change log."))
    params = request.GET
    changes = history.audit_log_changes(params)
    page = Paginator(changes, 100).get_page(params.get("page"))
    models = ContentType.objects.filter(
        pk__in=ObjectChange.objects.values("content_type").distinct()
    ).order_by("model")
    return render(
        request,
        "core/audit_log.html",
        {
            "page_obj": page,
            "rows": history.present(page.object_list, request.user),
            "models": models,
            "actions": ObjectChange.ACTIONS,
            "origins": ObjectChange.ORIGINS,
        },
    )


# --- error pages ------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.META.get("HTTP_ACCEPT", "")


def _error(request, status: int, title: str, message: str):
    if _wants_json(request):
        from khuyencong.core.api.exceptions import error_body

        codes = {400: "bad_request", 403: "permission_denied", 404: "not_found", 500: "server_error"}
        return JsonResponse(error_body(status, codes[status], message, request=request), status=status)
    template = loader.get_template("errors/error.html")
    html = template.render(
        {"status": status, "title": title, "message": message, "request_id": getattr(request, "id", None)},
        request,
    )
    from django.http import HttpResponse

    return HttpResponse(html, status=status)


@requires_csrf_token
def error_400(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


@requires_csrf_token
def error_403(request, exception=None):
    message = str(exception) if exception and str(exception) else _("You do not have the right to do this.")
    return _error(request, 403, _("Access denied"), message)


@requires_csrf_token
def error_404(request, exception=None):
    return _error(
        request,
        404,
        _("Page not found"),
        _("The page or record does not exist, or is outside the area your account covers."),
    )


@requires_csrf_token
def error_500(request):
    return _error(
        request,
        500,
        _("Something went wrong"),
        _("An unexpected error occurred. It has been logged; please try again or contact the administrator."),
    )
