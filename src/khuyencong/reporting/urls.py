from django.urls import path

from khuyencong.reporting import views

app_name = "reporting"

urlpatterns = [
    path("tong-hop/", views.consolidation_view, name="consolidation"),
    path("ke-hoach/", views.plan_view, name="plan"),
]

# the dashboard has its own address (``/bang-dieu-khien/``, see ``khuyencong/urls.py``)
dashboard_urlpatterns = [path("", views.dashboard_view, name="dashboard")]
