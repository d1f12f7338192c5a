"""Request id and audit context for every request."""

from __future__ import annotations

import time
import uuid

from django.conf import settings

from khuyencong.core.audit import audit_context


def client_ip(request) -> str | None:
    """The client's address; behind ``KC_PROXY_COUNT`` trusted proxies, from X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        try:
            request.id = uuid.UUID(incoming)
        except ValueError:
            request.id = uuid.uuid4()
        response = self.get_response(request)
        response["X-Request-ID"] = str(request.id)
        return response


class AuditContextMiddleware:
    """Every write during the request is recorded with this user, address and request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        origin = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
        with audit_context(
            origin=origin,
            request=request,
            user=None,
            ip_address=client_ip(request),
            request_id=getattr(request, "id", None),
            reason="",
        ):
            return self.get_response(request)


class SessionActivityMiddleware:
    """Idle sessions expire, without a session write on every page view.

    A session's expiry (``SESSION_COOKIE_AGE``) counts from its last save. Instead of saving on
    every request (``SESSION_SAVE_EVERY_REQUEST``, a serialised write on SQLite), the time of the
    last activity is stored at most once every ``KC_SESSION_REFRESH_SECONDS``, which saves the
    session and so pushes its expiry back: a session expires after between
    ``SESSION_COOKIE_AGE - KC_SESSION_REFRESH_SECONDS`` and ``SESSION_COOKIE_AGE`` without use.
    Placed after ``SessionMiddleware`` (its response is seen first).
    """

    KEY = "_kc_active"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or response.status_code >= 500:
            return response  # no session (anonymous visitor without cookie) or a failed request
        last = session.get(self.KEY)  # loads the session if the request has not
        if session.session_key is None:
            return response  # the cookie named no live session: do not start one
        now = int(time.time())
        if not isinstance(last, int) or now - last >= settings.KC_SESSION_REFRESH_SECONDS or last > now:
            session[self.KEY] = now
        return response
