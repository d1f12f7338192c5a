from rest_framework import permissions
from rest_framework.routers import APIRootView, DefaultRouter


class PublicAPIRootView(APIRootView):
    """Khuyến công API v1. Reference data is public; everything else needs a token or a session."""

    permission_classes = [permissions.AllowAny]


class PublicRootRouter(DefaultRouter):
    APIRootView = PublicAPIRootView
