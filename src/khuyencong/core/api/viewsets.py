"""Base viewsets: every queryset is restricted to the caller's scope (404 outside it)."""

from __future__ import annotations

from rest_framework import viewsets

from khuyencong.core.permissions import VIEW


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve within the caller's scope. Set ``public_read`` for reference data."""

    base_queryset = None

    def get_base_queryset(self):
        return self.base_queryset.all()

    def get_queryset(self):
        return self.get_base_queryset().restrict(self.request.user, VIEW)


class ReferenceViewSet(ScopedReadOnlyViewSet):
    """Reference data is public: anyone may read it, signed in or not."""

    public_read = True
    workspace_only = False
