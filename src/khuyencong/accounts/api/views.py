"""API sign-in (token), sign-out and the current user."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from knox.views import LoginView as KnoxLoginView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import permissions, serializers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from khuyencong.accounts.api.serializers import MeSerializer, UserSerializer
from khuyencong.accounts.models import User
from khuyencong.accounts.services import issue_api_token
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
