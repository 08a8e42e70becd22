from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core.accounts import AuditedPasswordChangeView
from core.twofactor import two_factor_setup, two_factor_verify

from . import audit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/password_change/",
        AuditedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/2fa/setup/", two_factor_setup, name="two_factor_setup"),
    path("accounts/2fa/", two_factor_verify, name="two_factor_verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("community/", include("community.urls")),
    path("buildings/", include("buildings.urls")),
    path("households/", include("households.urls")),
    path("services/monitoring/", include("services.monitoring.urls")),
    path("services/", include("services.urls")),
    path("owners/", include("ownersassoc.urls")),
    path("m/", include("tonglowan.urls_mobile")),
    path("jobs/", include("core.urls")),
    path("reports/", include("services.reports.urls")),
    path("audit/", audit_views.audit_log_page, name="audit_log"),
]
