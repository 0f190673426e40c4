"""The privacy officer's screens: the dashboard and the monthly access-log review."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policybound.console.decorators import staff_view
from policybound.console.roles import REVIEW_ACCESS_LOG, VIEW_REGISTERS


@staff_view(VIEW_REGISTERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "console/dashboard.html", {})


@staff_view(REVIEW_ACCESS_LOG)
def review(request: HttpRequest) -> HttpResponse:
    return render(request, "console/review.html", {})
