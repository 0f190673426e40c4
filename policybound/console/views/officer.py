"""The privacy officer's screens: the dashboard and the monthly access-log review."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from policybound.audit.actors import actor_from_request
from policybound.console import dashboard as dashboard_reads
from policybound.console import review as access_review
from policybound.console.decorators import staff_view
from policybound.console.roles import REVIEW_ACCESS_LOG, VIEW_REGISTERS
from policybound.policy.selectors import policy_in_force


@staff_view(VIEW_REGISTERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"board": dashboard_reads.dashboard_read(policy=policy_in_force())}
    return render(request, "console/dashboard.html", context)


def _month(request: HttpRequest, text: str | None) -> dt.date:
    """The month asked for; a month that cannot be reviewed shows the previous month with a message."""
    if text:
        try:
            return access_review.month_parse(text)
        except ValueError:
            messages.error(
                request,
                _("Month: enter a month from %(first)s to %(last)s as YYYY-MM; showing the last month instead.")
                % {"first": f"{access_review.FIRST_MONTH:%Y-%m}", "last": f"{access_review.LAST_MONTH:%Y-%m}"},
            )
    return access_review.previous_month()


@staff_view(REVIEW_ACCESS_LOG)
def review(request: HttpRequest) -> HttpResponse:
    """GET: the month's findings. POST: confirm a download's reason, or record the review as done."""
    month = _month(request, request.POST.get("month") or request.GET.get("month"))
    if request.method == "POST":
        actor = actor_from_request(request)
        if request.POST.get("confirm"):
            access_review.download_confirm(
                key=request.POST["confirm"], reviewer=request.user, actor=actor, note=request.POST.get("note", "")
            )
            messages.success(request, _("Reason confirmed."))
        elif request.POST.get("record"):
            access_review.access_review_record(
                month=month, reviewer=request.user, actor=actor, note=request.POST.get("note", "")[:2000]
            )
            messages.success(request, _("The review of %(month)s is recorded.") % {"month": f"{month:%Y-%m}"})
        return redirect(reverse("console:review") + f"?month={month:%Y-%m}")
    findings = access_review.review_findings(month=month)
    previous = access_review.previous_month(dt.datetime(month.year, month.month, 1))
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    context = {"findings": findings, "month": month, "previous": previous, "following": following}
    return render(request, "console/review.html", context)
