from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from policybound.console.views import auth, officer, work
from policybound.incidents import console_views as incidents

app_name = "console"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", work.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/code/", auth.otp_view, name="otp"),
    path("logout/", auth.logout_view, name="logout"),
    path("inbox/", work.inbox_first, name="inbox"),
    path("inbox/<slug:purpose>/", work.inbox, name="inbox_purpose"),
    path("inbox/<slug:purpose>/export/", work.export, name="export"),
    path("subjects/<uuid:subject_id>/", work.subject, name="subject"),
    path("subjects/<uuid:subject_id>/reveal/<int:submission_id>/<slug:item>/", work.reveal, name="reveal"),
    path("subjects/<uuid:subject_id>/holds/", work.hold_place, name="hold_place"),
    path("subjects/<uuid:subject_id>/holds/<int:hold_id>/release/", work.hold_release, name="hold_release"),
    path("engagements/<int:engagement_id>/reply/", work.reply, name="reply"),
    path("engagements/<int:engagement_id>/close/", work.close, name="close"),
    path("dashboard/", officer.dashboard, name="dashboard"),
    path("review/", officer.review, name="review"),
    path("incidents/", incidents.incidents, name="incidents"),
    path("incidents/breaches/new/", incidents.breach_new, name="breach_new"),
    path("incidents/breaches/<int:breach_id>/", incidents.breach, name="breach"),
    path("incidents/transfers/new/", incidents.transfer_new, name="transfer_new"),
    path("incidents/transfers/<int:transfer_id>/", incidents.transfer, name="transfer"),
    path("incidents/<str:kind>/<int:incident_id>/export.<str:fmt>", incidents.export, name="incident_export"),
]
