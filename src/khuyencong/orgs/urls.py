from django.urls import path

from khuyencong.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation_list"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
]
