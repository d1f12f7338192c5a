from django.urls import path

from khuyencong.projects.views import appraisal, cycle, decisions, norms, projects

app_name = "projects"

urlpatterns = [
    path("", projects.ProjectListView.as_view(), name="list"),
    path("them/", projects.project_create, name="create"),
    path("<int:pk>/", projects.project_detail, name="detail"),
    path("<int:pk>/sua/", projects.project_edit, name="edit"),
    path("<int:pk>/thao-tac/<str:action>/", projects.project_action, name="action"),
    path("<int:pk>/tep/", projects.attachment_upload, name="attachment_upload"),
    path("<int:pk>/tep/<int:attachment_id>/", projects.attachment_download, name="attachment"),
    path("<int:pk>/ket-qua/<int:report_id>/duyet/", projects.result_review, name="result_review"),
    path("dot-dang-ky/", cycle.round_list, name="round_list"),
    path("dot-dang-ky/<int:pk>/", cycle.round_detail, name="round_detail"),
    path("dot-dang-ky/<int:pk>/chuyen-cuc/", cycle.round_forward, name="round_forward"),
    path("hoi-dong/", appraisal.council_list, name="council_list"),
    path("hoi-dong/<int:pk>/", appraisal.council_detail, name="council_detail"),
    path("cham-diem/", appraisal.my_reviews, name="my_reviews"),
    path("cham-diem/<int:pk>/", appraisal.review, name="review"),
    path("quyet-dinh/", decisions.decision_list, name="decision_list"),
    path("quyet-dinh/<int:pk>/", decisions.decision_detail, name="decision_detail"),
    path("quyet-dinh/<int:pk>/ban-hanh/", decisions.decision_issue, name="decision_issue"),
    path(
        "quyet-dinh/<int:pk>/dong/<int:line_id>/xoa/",
        decisions.decision_line_remove,
        name="decision_line_remove",
    ),
    path("dinh-muc/", norms.norm_list, name="norms"),
]
