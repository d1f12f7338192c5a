"""Sign-in, profile and personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from knox.models import AuthToken

from khuyencong.accounts.forms import LoginForm
from khuyencong.accounts.services import issue_api_token, may_be_token_key, may_use_api_tokens
from khuyencong.core.permissions import get_scope


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The interface language follows the user from machine to machine.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.get_user().language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=self.request.is_secure(),
        )
        return response


@login_required
def profile(request):
    user = request.user
    tokens = AuthToken.objects.filter(user=user).order_by("-created")
    new_token = request.session.pop("kc_new_token", None)
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": user,
            "assignments": user.role_assignments.select_related("province", "organisation"),
            "scope": get_scope(user),
            "tokens": tokens,
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def token_create(request):
    """A personal API token, shown once; stored only as a hash."""
    if not may_use_api_tokens(request.user):
        raise Http404
    _instance, token = issue_api_token(request.user)
    request.session["kc_new_token"] = token
    messages.success(request, _("A new API token was created. Copy it now: it will not be shown again."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, key: str):
    if not may_be_token_key(key):
        raise Http404
    deleted, _details = AuthToken.objects.filter(user=request.user, token_key=key).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("The API token was revoked."))
    return redirect("accounts:profile")
