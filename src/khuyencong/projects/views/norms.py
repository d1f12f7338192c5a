from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from khuyencong.projects.models import AdvanceRule, SupportNorm


def norm_list(request):
    """Support norms and advance rules, with their legal source (public reference data)."""
    return render(
        request,
        "projects/norms.html",
        {
            "norms": SupportNorm.objects.select_related("content", "legal_basis"),
            "rules": AdvanceRule.objects.select_related("content", "legal_basis"),
            "today": timezone.localdate(),
        },
    )
