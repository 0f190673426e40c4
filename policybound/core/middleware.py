"""Middleware of the whole site."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from policybound.lib.text import UNSTORABLE_MESSAGE, first_unstorable_pair


class UnstorableTextMiddleware:
    """Refuses a query string or form holding a NUL byte or a lone surrogate, before any view runs.

    The answer is a 400 naming the field, in the visitor's language (it runs after ``LocaleMiddleware``):
    ``{"errors": {field: [message]}}`` under ``/api/``, a page elsewhere. Nothing has been read or
    written yet, so nothing is half-stored; see :mod:`policybound.lib.text`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = first_unstorable_pair(request.GET.lists())
        if field is None and request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            field = first_unstorable_pair(request.POST.lists())
        if field is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"errors": {field: [str(UNSTORABLE_MESSAGE)]}}, status=400)
        context = {"field": field, "message": UNSTORABLE_MESSAGE}
        return render(request, "site/unstorable_text.html", context, status=400)
