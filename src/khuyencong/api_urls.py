"""``/api/v1/``: one router for every app's endpoints."""

from django.urls import include, path

from khuyencong.accounts.api import views as account_api
from khuyencong.core.api import history as history_api
from khuyencong.core.api.jobs import JobViewSet
from khuyencong.core.api.routers import PublicRootRouter
from khuyencong.establishments.api import views as establishments_api
from khuyencong.exchange import api as exchange_api
from khuyencong.geo.api import views as geo_api
from khuyencong.opendata import api as opendata_api
from khuyencong.orgs.api import views as orgs_api
from khuyencong.periodic import api as periodic_api
from khuyencong.periodic import completeness_api
from khuyencong.programmes.api import views as programmes_api
from khuyencong.projects.api import councils as councils_api
from khuyencong.projects.api import rounds as rounds_api
from khuyencong.projects.api import views as projects_api
from khuyencong.reporting import api as reporting_api

router = PublicRootRouter()
router.register("users", account_api.UserViewSet, basename="user")
router.register("units", geo_api.UnitViewSet, basename="unit")
router.register("regions", geo_api.RegionViewSet, basename="region")
router.register("organisations", orgs_api.OrganisationViewSet, basename="organisation")
router.register("legal-documents", programmes_api.LegalDocumentViewSet, basename="legal-document")
router.register("contents", programmes_api.ContentViewSet, basename="content")
router.register("indicators", programmes_api.IndicatorViewSet, basename="indicator")
router.register("programmes", programmes_api.ProgrammeViewSet, basename="programme")
router.register("establishments", establishments_api.EstablishmentViewSet, basename="establishment")
router.register("projects", projects_api.ProjectViewSet, basename="project")
router.register("decisions", projects_api.DecisionViewSet, basename="decision")
router.register("reviews", projects_api.ReviewViewSet, basename="review")
router.register("councils", councils_api.CouncilViewSet, basename="council")
router.register("rounds", rounds_api.RoundViewSet, basename="round")
router.register("norms", rounds_api.SupportNormViewSet, basename="norm")
router.register("advance-rules", rounds_api.AdvanceRuleViewSet, basename="advance-rule")
router.register("reports", reporting_api.ReportViewSet, basename="report")
router.register("reports/pivot", reporting_api.PivotViewSet, basename="report-pivot")
router.register("periodic/forms", periodic_api.ReportFormViewSet, basename="periodic-form")
router.register("periodic/reports", periodic_api.PeriodicReportViewSet, basename="periodic-report")
router.register("imports", exchange_api.ImportBatchViewSet, basename="import")
router.register("jobs", JobViewSet, basename="job")

urlpatterns = [
    path("auth/login/", account_api.LoginView.as_view(), name="api-login"),
    path("auth/logout/", account_api.LogoutView.as_view(), name="api-logout"),
    path("me/", account_api.MeView.as_view(), name="api-me"),
    path("me/password/", account_api.PasswordChangeView.as_view(), name="api-password-change"),
    path(
        "me/tokens/",
        account_api.TokenViewSet.as_view({"get": "list", "post": "create"}),
        name="api-tokens",
    ),
    path(
        "me/tokens/<str:key>/",
        account_api.TokenViewSet.as_view({"delete": "destroy"}),
        name="api-token",
    ),
    path(
        "periodic/completeness/",
        completeness_api.CompletenessView.as_view(),
        name="api-periodic-completeness",
    ),
    path("history/", history_api.AuditLogView.as_view(), name="api-audit-log"),
    path(
        "history/<str:app_label>/<str:model_name>/<int:pk>/",
        history_api.ObjectHistoryView.as_view(),
        name="api-object-history",
    ),
    path("open-data/", opendata_api.OpenDataView.as_view(), name="api-open-data"),
    path("open-data/<str:resource>/", opendata_api.OpenDataRowsView.as_view(), name="api-open-data-rows"),
    path("", include(router.urls)),
    # after the router: /reports/consolidation/ and /reports/plan/ are its actions
    path("reports/<slug:name>/", reporting_api.StandardReportView.as_view(), name="api-standard-report"),
    path(
        "reports/<slug:name>/published/",
        reporting_api.PublishedReportsView.as_view(),
        name="api-published-reports",
    ),
    path(
        "reports/<slug:name>/published/<str:pk>/",
        reporting_api.PublishedReportView.as_view(),
        name="api-published-report",
    ),
]
