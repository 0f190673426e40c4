from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from policybound.site import views, views_forms

app_name = "site"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/versions/", views.privacy_versions, name="privacy_versions"),
    re_path(
        r"^privacy/versions/(?P<old>[0-9a-f]{1,64})\.\.\.(?P<new>[0-9a-f]{1,64})/$",
        views.privacy_diff,
        name="privacy_diff",
    ),
    path("privacy/versions/<str:ref>/", views.privacy_version, name="privacy_version"),
    path("forms/<slug:purpose>/", views_forms.form, name="form"),
    path("forms/<slug:purpose>/done/", views_forms.form_done, name="form_done"),
]
