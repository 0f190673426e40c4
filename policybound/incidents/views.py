"""The public refusal page of a business transfer: GET shows what refusing means, POST refuses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policybound.audit.actors import Actor, client_ip
from policybound.incidents.errors import IncidentRefused
from policybound.incidents.services_read import refusal_page
from policybound.incidents.transfers import transfer_refuse as refuse_service


def transfer_refuse(request: HttpRequest, token: str) -> HttpResponse:
    page = refusal_page(token)
    if page is None:
        return render(request, "incidents/refuse_invalid.html", status=404)
    if request.method != "POST":
        return render(request, "incidents/refuse.html", {"transfer": page})
    try:
        refusal = refuse_service(token=token, actor=Actor.public(ip=client_ip(request)))
    except IncidentRefused as refused:
        return render(request, "incidents/refuse_invalid.html", {"error": refused.errors["token"][0]}, status=400)
    return render(request, "incidents/refused.html", {"transfer": refusal.transfer, "refusal": refusal})
