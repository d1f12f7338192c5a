from django.urls import path

from khuyencong.reporting import views

app_name = "reporting"

urlpatterns = [
    path("tong-hop/", views.consolidation_view, name="consolidation"),
    path("ke-hoach/", views.plan_view, name="plan"),
]
