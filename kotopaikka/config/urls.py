from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from kotopaikka.audit import views as audit_views
from kotopaikka.portal import views as portal

urlpatterns = [
    path("", portal.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("role/", portal.switch_role, name="switch_role"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
    path("health/", portal.health, name="health"),
    path("accessibility/", portal.accessibility_statement, name="accessibility_statement"),
    path(
        "favicon.ico",
        login_not_required(
            RedirectView.as_view(url=static("kotopaikka/favicon.svg"), permanent=True)
        ),
    ),
    path("persons/", include("kotopaikka.people.urls")),
    path("placement/", include("kotopaikka.placement.urls")),
    path("integration/", include("kotopaikka.integration.urls")),
    path("registry/", include("kotopaikka.registry.urls")),
    path("rules/", include("kotopaikka.rules.urls")),
    path("statistics/", include("kotopaikka.reporting.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("kotopaikka.config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

# Error answers: translated pages, and the JSON error body under /api/ (core.errorpages).
handler400 = "kotopaikka.core.errorpages.bad_request"
handler403 = "kotopaikka.core.errorpages.permission_denied"
handler404 = "kotopaikka.core.errorpages.page_not_found"
handler500 = "kotopaikka.core.errorpages.server_error"
