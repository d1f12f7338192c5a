"""Request id and audit context for every request."""

from __future__ import annotations

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
