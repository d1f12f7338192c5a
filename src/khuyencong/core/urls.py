from django.urls import path

from khuyencong.core import job_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ngon-ngu/", views.set_language, name="set_language"),
    path("lich-su/", views.audit_log, name="audit_log"),
    path("cong-viec/", job_views.job_list, name="jobs"),
    path("cong-viec/<str:pk>/", job_views.job_detail, name="job"),
    path("cong-viec/<str:pk>/tep/", job_views.job_file, name="job_file"),
    path("lich-su/<str:app_label>/<str:model_name>/<int:pk>/", views.object_history, name="object_history"),
]
