"""API permissions: the same scope rules as the pages.

* Reading: views marked ``public_read = True`` (reference data) answer anyone; every other view
  needs an authenticated user whose role may use the workspace.
* Objects: the view's queryset is already restricted to the user's scope, so an object outside
  it is a 404. Writing to an object the user can see but not change is a 403.
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
        if request.method not in SAFE_METHODS:
            check = getattr(view, "can_write", None)
            if check is not None and not check(scope):
                return False
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        model = type(obj)
        return model.objects.restrict(request.user, CHANGE).filter(pk=obj.pk).exists()
