from __future__ import annotations

from django.urls import include, path

from policybound.api.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("console/rights/", include("policybound.rights.console_urls")),
    path("console/", include("policybound.console.urls")),
    path("privacy-center/", include("policybound.rights.urls")),
    path("", include("policybound.collection.urls")),
    path("", include("policybound.incidents.urls")),
    path("", include("policybound.site.urls")),
]
