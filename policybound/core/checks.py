"""Deploy check: with TLS declared, the links policybound mails out must be https:// too.

``POLICYBOUND_HTTPS=true`` makes the site redirect plain http and send HSTS, but the confirmation and
unsubscribe links in mails are built from ``POLICYBOUND_SITE_URL``: left at an ``http://`` address they
would send people over plain http first (or to the development default, which is nobody's site).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register(deploy=True)
def check_site_url_https(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "HTTPS", False) or str(settings.SITE_URL).startswith("https://"):
        return []
    return [
        Warning(
            f"POLICYBOUND_HTTPS is true but POLICYBOUND_SITE_URL is {settings.SITE_URL}: links in mails would not use https.",
            hint="Set POLICYBOUND_SITE_URL to the site's https:// address.",
            id="core.W001",
        )
    ]
