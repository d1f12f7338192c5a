"""The addresses of the reports under ``/bao-cao/``."""

from django.urls import path

from khuyencong.reporting import views

app_name = "reports"

urlpatterns = [
    path("tong-hop-tu-chon/", views.pivot_view, name="pivot"),
]
