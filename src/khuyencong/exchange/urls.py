from django.urls import path

from khuyencong.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.start, name="start"),
    path("mau/<slug:kind>.<slug:fmt>", views.template, name="template"),
    path("xuat/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/nhap/", views.confirm, name="confirm"),
]
