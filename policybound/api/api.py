"""The JSON API, ``/api/v1``: one django-ninja instance; each app contributes a router.

The OpenAPI document is served at ``/api/v1/openapi.json`` and browsable at ``/api/v1/docs``.
"""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="policybound API",
    version="1",
    description="Intake, rights and processor access, enforced by the published privacy policy.",
    urls_namespace="api",
)

from policybound.policy.api import router as policy_router  # noqa: E402 - routers mount after api exists

api.add_router("/policy", policy_router)

from policybound.collection.api import router as collection_router  # noqa: E402 - routers mount after api exists

api.add_router("/", collection_router)

from policybound.retention.api import router as retention_router  # noqa: E402 - routers mount after api exists

api.add_router("/", retention_router)
