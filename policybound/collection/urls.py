from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from policybound.collection import views

app_name = "collection"
urlpatterns: list[URLPattern | URLResolver] = [
    path("mail/confirm/<str:token>/", views.link_confirm, name="mail_confirm"),
    path("mail/unsubscribe/<str:token>/", views.link_unsubscribe, name="mail_unsubscribe"),
]
