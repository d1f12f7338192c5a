from django.urls import path

from khuyencong.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("datapackage.json", views.datapackage, name="datapackage"),
    path("du-lieu-mo.zip", views.package_zip, name="zip"),
    path("data/<slug:name>.csv", views.resource_csv, name="csv"),
    path("data/<slug:name>.json", views.resource_json, name="json"),
]
