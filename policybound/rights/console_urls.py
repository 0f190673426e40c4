from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from policybound.rights import console_views

app_name = "rights_console"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", console_views.queue, name="queue"),
    path("<uuid:request_id>/", console_views.detail, name="detail"),
    path("<uuid:request_id>/<slug:action>/", console_views.act, name="act"),
]
