"""Token authentication for machines (hashed, expiring tokens from django-rest-knox)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <token>``. Tokens are stored hashed and expire (KC_API_TOKEN_DAYS)."""


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "khuyencong.core.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>` – lấy token tại POST /api/v1/auth/login/ hoặc trang Tài khoản.",
        }
