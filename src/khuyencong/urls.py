from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from khuyencong.core import views as core_views
from khuyencong.reporting import urls as reporting_urls

admin.site.site_header = "Khuyến công – Quản trị hệ thống"
admin.site.site_title = "Khuyến công"

urlpatterns = [
    path("", include("khuyencong.core.urls")),
    path("tai-khoan/", include("khuyencong.accounts.urls")),
    path("danh-muc/dia-gioi/", include("khuyencong.geo.urls")),
    path("danh-muc/co-quan/", include("khuyencong.orgs.urls")),
    path("danh-muc/", include("khuyencong.programmes.urls")),
    path("co-so/", include("khuyencong.establishments.urls")),
    path("bang-dieu-khien/", include(reporting_urls.dashboard_urlpatterns)),
    path("de-an/", include("khuyencong.reporting.urls")),  # the reports keep their addresses
    path("de-an/", include("khuyencong.projects.urls")),
    path("bao-cao/", include(reporting_urls.report_patterns)),
    path("bao-cao-dinh-ky/", include("khuyencong.periodic.urls")),
    path("nhap-du-lieu/", include("khuyencong.exchange.urls")),
    path("du-lieu-mo/", include("khuyencong.opendata.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("khuyencong.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

# Uploaded files are never served from MEDIA_URL: each is downloaded through its record's page,
# which checks the user's scope (e.g. ``projects:attachment``).

handler400 = core_views.error_400
handler403 = core_views.error_403
handler404 = core_views.error_404
handler500 = core_views.error_500
