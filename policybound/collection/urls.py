from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from policybound.collection import views

app_name = "collection"
urlpatterns: list[URLPattern | URLResolver] = [
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter_confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.newsletter_unsubscribe, name="newsletter_unsubscribe"),
]
