from __future__ import annotations

from django.urls import URLPattern, path

from policybound.incidents import views

app_name = "incidents"
urlpatterns: list[URLPattern] = [
    path("notices/transfer/refuse/<str:token>/", views.transfer_refuse, name="transfer_refuse"),
]
