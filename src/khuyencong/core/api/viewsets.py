"""Base viewsets: every queryset is restricted to the caller's scope (404 outside it)."""

from __future__ import annotations

from rest_framework import generics, viewsets

from khuyencong.core.permissions import VIEW


class VisibleObjectMixin:
    """For actions on one record that check the caller's right themselves: fetch it exactly as the
    standard ``get_object`` does – the view's scoped queryset and its lookup, so a record outside
    the scope and an id that cannot be one (``abc``) are both a 404 – but without the generic
    "may change" check, so that the service answers with its own reason (403) when the caller may
    see the record but not do this to it."""

    def get_visible_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        return generics.get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup_url_kwarg]})


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
