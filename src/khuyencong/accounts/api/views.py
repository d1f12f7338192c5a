"""API sign-in (token), sign-out and the current user."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from knox.views import LoginView as KnoxLoginView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from khuyencong.accounts.api.serializers import MeSerializer, UserSerializer
from khuyencong.accounts.models import User
from khuyencong.accounts.services import issue_api_token, may_be_token_key
from khuyencong.core.api.exceptions import form_errors
from khuyencong.core.permissions import VIEW


class LoginView(KnoxLoginView):
    """Exchange a user name and password for an API token (``Authorization: Token …``)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer(
            "TokenResponse", {"expiry": serializers.DateTimeField(), "token": serializers.CharField()}
        ),
    )
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)

    def create_token(self):
        return issue_api_token(self.request.user)  # refuses the public account (403)

    def get_user_serializer_class(self):
        return None


class LogoutView(KnoxLogoutView):
    """Revoke the token used for this request."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


class MeView(APIView):
    """The signed-in user, their roles and the scope the system applies to them."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Accounts: administrators see all, everyone else only themselves."""

    serializer_class = UserSerializer
    filterset_fields = ["is_active", "organisation"]
    search_fields = ["username", "full_name", "email"]
    ordering_fields = ["username", "full_name", "date_joined"]
    workspace_only = False

    def get_queryset(self):
        return (
            User.objects.restrict(self.request.user, VIEW)
            .select_related("organisation")
            .prefetch_related("role_assignments__province", "role_assignments__organisation")
            .order_by("username")
        )


# --- self-service: the profile page's password and tokens ---------------------------------------------


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True, trim_whitespace=False)
    new_password1 = serializers.CharField(write_only=True, trim_whitespace=False)
    new_password2 = serializers.CharField(write_only=True, trim_whitespace=False)


class PasswordChangeView(APIView):
    """Change your own password, as on the page “Đổi mật khẩu”: the current password, the new one
    twice (the same password rules). Every API token of yours is revoked – this one too; sign in
    again. A signed-in browser session stays signed in."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=PasswordChangeSerializer, responses={204: None})
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        form = PasswordChangeForm(
            request.user, {k: v for k, v in data.items() if isinstance(v, str | int | float)}
        )
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        user = form.save()  # User.save revokes every token of the user
        if isinstance(request.successful_authenticator, SessionAuthentication):
            update_session_auth_hash(request._request, user)  # the browser stays signed in
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="token_key", help_text="The token's first characters (to revoke it).")
    current = serializers.SerializerMethodField(help_text="The token of this request.")

    class Meta:
        model = AuthToken
        fields = ["key", "created", "expiry", "current"]
        read_only_fields = fields

    def get_current(self, obj) -> bool:
        request = self.context.get("request")
        auth = getattr(request, "auth", None)
        return isinstance(auth, AuthToken) and auth.pk == obj.pk


class NewTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: copy it now.")
    key = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class TokenViewSet(viewsets.GenericViewSet):
    """Your own API tokens, as on your profile page: list them, create one (shown once; not for the
    public account: 403), revoke one by its ``key`` (another's or unknown: 404)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TokenSerializer
    lookup_field = "token_key"
    lookup_url_kwarg = "key"
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return AuthToken.objects.filter(user=self.request.user).order_by("-created")

    def list(self, request):
        return Response(TokenSerializer(self.get_queryset(), many=True, context={"request": request}).data)

    @extend_schema(request=None, responses={201: NewTokenSerializer})
    def create(self, request):
        instance, token = issue_api_token(request.user)  # PermissionDenied → 403
        return Response(
            {"token": token, "key": instance.token_key, "expiry": instance.expiry},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={204: None})
    def destroy(self, request, key=None):
        if not may_be_token_key(key):
            raise exceptions.NotFound()
        deleted, _details = self.get_queryset().filter(token_key=key).delete()
        if not deleted:
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
