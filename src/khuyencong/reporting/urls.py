from django.urls import path

from khuyencong.reporting import catalogue as _catalogue
from khuyencong.reporting import views

app_name = "reporting"

urlpatterns = [
    path("tong-hop/", views.consolidation_view, name="consolidation"),
    path("ke-hoach/", views.plan_view, name="plan"),
]

# the dashboard has its own address (``/bang-dieu-khien/``, see ``khuyencong/urls.py``)
dashboard_urlpatterns = [path("", views.dashboard_view, name="dashboard")]

# the standard reports of the catalogue, mounted at /bao-cao/ (khuyencong.urls)
report_patterns = (
    [
        path("", views.report_index, name="index"),
        path("tong-hop-tu-chon/", views.pivot_view, name="pivot"),
        path("<slug:slug>/", views.report_view, name="report"),
        # each report's own name too, for the menu (same view, same address)
        *[path(f"{slug}/", views.report_view, {"slug": slug}, name=slug) for slug in _catalogue.REPORTS],
        # published snapshots of a report
        path("<slug:slug>/cong-bo/", views.published_list, name="published_list"),
        path("<slug:slug>/cong-bo/moi/", views.publish_confirm, name="publish"),
        path("<slug:slug>/cong-bo/<str:pk>/", views.published_view, name="published"),
    ],
    "reports",
)
