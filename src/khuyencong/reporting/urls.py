from django.urls import path

from khuyencong.reporting import views

app_name = "reporting"

urlpatterns = [
    path("tong-hop/", views.consolidation_view, name="consolidation"),
    path("ke-hoach/", views.plan_view, name="plan"),
]

# the standard reports of the catalogue, mounted at /bao-cao/ (khuyencong.urls)
report_patterns = (
    [
        path("", views.report_index, name="index"),
        path("<slug:slug>/", views.report_view, name="report"),
    ],
    "reports",
)
