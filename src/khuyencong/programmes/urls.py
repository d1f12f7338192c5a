from django.urls import path

from khuyencong.programmes import views

app_name = "programmes"

urlpatterns = [
    path("chuong-trinh/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("chuong-trinh/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("noi-dung/", views.content_catalogue, name="content_list"),
    path("van-ban/", views.LegalDocumentListView.as_view(), name="document_list"),
    path("van-ban/them/", views.document_create, name="document_create"),
    path("van-ban/<int:pk>/", views.LegalDocumentDetailView.as_view(), name="document_detail"),
    path("van-ban/<int:pk>/sua/", views.document_edit, name="document_edit"),
]
