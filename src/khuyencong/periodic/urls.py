from django.urls import path

from khuyencong.periodic import views

app_name = "periodic"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("lap-bao-cao/", views.report_open_view, name="open"),
    path("tinh-hinh-nop/", views.completeness_view, name="completeness"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/sua/", views.report_edit, name="edit"),
    path("<int:pk>/thao-tac/<slug:action>/", views.report_action, name="action"),
    path("<int:pk>/tai-ve.<slug:fmt>", views.report_export, name="export"),
]
