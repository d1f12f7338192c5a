from django.urls import path

from khuyencong.establishments import views

app_name = "establishments"

urlpatterns = [
    path("", views.EstablishmentListView.as_view(), name="list"),
    path("them/", views.establishment_create, name="create"),
    path("co-the-trung/", views.duplicates, name="duplicates"),
    path("xa-phuong/", views.commune_options, name="communes"),
    path("kiem-tra-ma-so-thue/", views.tax_code_check, name="tax_code_check"),
    path("chon/", views.choose, name="choose"),
    path("<int:pk>/", views.EstablishmentDetailView.as_view(), name="detail"),
    path("<int:pk>/sua/", views.establishment_edit, name="edit"),
    path("<int:pk>/so-lieu/", views.figure_save, name="figure_save"),
    path("<int:pk>/gop/<int:other>/", views.merge, name="merge"),
]
