"""The JSON API, ``/api/v1``: one django-ninja instance; each app contributes a router.

The OpenAPI document is served at ``/api/v1/openapi.json`` and browsable at ``/api/v1/docs``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError

from policybound.api.parser import CheckedJsonParser, UnstorableText
from policybound.lib.text import UNSTORABLE_MESSAGE

api = NinjaAPI(
    title="policybound API",
    version="1",
    description="Intake, rights and processor access, enforced by the published privacy policy.",
    urls_namespace="api",
    parser=CheckedJsonParser(),
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """ninja's answer to an ``HttpError``, except for a body the parser refused as unstorable text.

    ninja wraps every parser exception in ``HttpError(400, "Cannot parse request body")``; a body with a
    NUL byte or a lone surrogate gets the API's documented 400 instead, naming the field.
    """
    if isinstance(error.__cause__, UnstorableText):
        body = {"errors": {error.__cause__.field: [str(UNSTORABLE_MESSAGE)]}}
        return api.create_response(request, body, status=400)
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)

from policybound.policy.api import router as policy_router  # noqa: E402 - routers mount after api exists

api.add_router("/policy", policy_router)

from policybound.collection.api import router as collection_router  # noqa: E402 - routers mount after api exists

api.add_router("/", collection_router)

from policybound.retention.api import router as retention_router  # noqa: E402 - routers mount after api exists

api.add_router("/", retention_router)

from policybound.retention.api_health import router as health_router  # noqa: E402 - routers mount after api exists

api.add_router("/", health_router)
from policybound.rights.api import router as rights_router  # noqa: E402 - routers mount after api exists

api.add_router("/", rights_router)
