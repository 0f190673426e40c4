from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from policybound.rights import views

app_name = "rights"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.center, name="center"),
    path("code/", views.code, name="code"),
    path("mine/", views.mine, name="mine"),
    path("mine/download.<str:fmt>", views.download, name="download"),
    path("mine/withdraw/", views.withdraw, name="withdraw"),
    path("mine/suspend/", views.suspend, name="suspend"),
    path("mine/delete/", views.delete, name="delete"),
    path("mine/correct/<int:submission_id>/", views.correct, name="correct"),
    path("sign-out/", views.sign_out, name="sign_out"),
]
