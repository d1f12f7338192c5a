from django.urls import path

from khuyencong.geo import views

app_name = "geo"

urlpatterns = [
    path("", views.UnitListView.as_view(), name="unit_list"),
    path("<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("vung/", views.region_list, name="region_list"),
    path("ban-do/", views.province_map, name="province_map"),
]
