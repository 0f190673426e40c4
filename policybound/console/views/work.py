"""The handler's screens: the inbox per purpose, a subject's page, reveal, export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from policybound.console.decorators import staff_view


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    return redirect("console:inbox")


@staff_view()
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "console/inbox.html", {})
