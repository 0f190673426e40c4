from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from policybound.console.views import auth, officer, work

app_name = "console"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", work.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/code/", auth.otp_view, name="otp"),
    path("logout/", auth.logout_view, name="logout"),
    path("inbox/", work.inbox, name="inbox"),
    path("dashboard/", officer.dashboard, name="dashboard"),
    path("review/", officer.review, name="review"),
]
