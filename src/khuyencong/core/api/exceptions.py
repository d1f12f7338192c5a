"""Every API error is JSON of one shape, with field-level messages:

    {"error": {"status": 400, "code": "invalid", "message": "…",
               "fields": {"tax_code": ["…"]}, "request_id": "…"}}

Django ``ValidationError`` raised by services (the rules live there) becomes a 400 like a
serializer error; ``PermissionDenied`` a 403; ``Http404`` a 404; anything unexpected a 500 that
still answers in JSON (the traceback goes to the log, never to the client).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("khuyencong.api")


def validation_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (field if field != "__all__" else "non_field_errors"): [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def _flatten(detail) -> dict[str, list[str]] | list[str] | str:
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def error_body(status_code: int, code: str, message: str, fields=None, request=None) -> dict:
    body = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    request_id = getattr(getattr(request, "_request", request), "id", None)
    if request_id:
        body["request_id"] = str(request_id)
    return {"error": body}


def exception_handler(exc, context):
    request = context.get("request")
    from khuyencong.core.exceptions import ConflictError

    if isinstance(exc, ConflictError):
        body = error_body(409, "conflict", str(exc.message), request=request)
        body["error"]["current_version"] = exc.current_version
        body["error"]["changed_fields"] = exc.changed_fields
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_fields(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            error_body(
                500, "server_error", _("An unexpected error occurred. It has been logged."), request=request
            ),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = error_body(
            response.status_code, "invalid", _("The data is not valid. See the fields."), fields, request
        )
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        message = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = error_body(
            response.status_code, codes if isinstance(codes, str) else "error", str(message), request=request
        )
    return response


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors as the API answers them: by field, the form's own under
    ``non_field_errors`` (an action's form on the API of projects and of periodic reports)."""
    return {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }
