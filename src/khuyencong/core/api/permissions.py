"""API permissions: the same scope rules as the pages.

* Reading: views marked ``public_read = True`` (reference data) answer anyone; every other view
  needs an authenticated user whose role may use the workspace.
* Objects: the view's queryset is already restricted to the user's scope, so an object outside
  it is a 404. Writing to an object the user can see but not change is a 403. The view's
  ``can_write(scope)`` (may this role write here at all?) is asked only of requests on the collection
  (create, collection actions): on one record the lookup comes first, so that a record outside the
  scope answers 404 whatever the role, and only then the role and the record decide (403).
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from khuyencong.core.permissions import CHANGE, get_scope


class ScopedPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS and getattr(view, "public_read", False):
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        scope = get_scope(user)
        if getattr(view, "workspace_only", True) and not scope.can_use_workspace:
            return False
        if request.method not in SAFE_METHODS and not getattr(view, "detail", False):
            check = getattr(view, "can_write", None)
            if check is not None and not check(scope):
                return False
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        model = type(obj)
        return model.objects.restrict(request.user, CHANGE).filter(pk=obj.pk).exists()
