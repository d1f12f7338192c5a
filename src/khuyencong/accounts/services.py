"""Writes on accounts that carry a rule: personal API tokens.

* only accounts of the management workspace obtain a token (the public account does not);
* every token of a user is revoked when their password changes or is reset, whoever sets it
  (:meth:`khuyencong.accounts.models.User.save` calls :func:`revoke_api_tokens`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings

from khuyencong.core.permissions import get_scope

if TYPE_CHECKING:
    from khuyencong.accounts.models import User


def may_use_api_tokens(user: User) -> bool:
    """API tokens are for the management workspace: not for the public account."""
    return bool(user.is_active and get_scope(user).can_use_workspace)


def may_be_token_key(key: str | None) -> bool:
    """Whether ``key`` (from an address) can be a token's key at all: a NUL byte or a text longer
    than the column is no key (PostgreSQL refuses NUL in a query: without this, an error page)."""
    return key is not None and 0 < len(key) <= CONSTANTS.TOKEN_KEY_LENGTH and "\x00" not in key


def issue_api_token(user: User) -> tuple[AuthToken, str]:
    """A new token for ``user``: the stored record and the token itself (shown once, kept hashed)."""
    if not may_use_api_tokens(user):
        raise PermissionDenied(
            _("This account cannot obtain an API token: tokens are for the management workspace.")
        )
    return AuthToken.objects.create(
        user=user, expiry=knox_settings.TOKEN_TTL, prefix=knox_settings.TOKEN_PREFIX
    )


def revoke_api_tokens(user: User) -> int:
    """Revoke every API token of ``user``; the number revoked."""
    deleted, _details = AuthToken.objects.filter(user=user).delete()
    return deleted
