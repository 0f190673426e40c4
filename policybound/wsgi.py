"""The WSGI application gunicorn serves; each web process checks the vault's keys as it starts.

A process with a missing or wrong key must not come up at all (``KeysRefused``, see
:mod:`policybound.vault.keycheck`): gunicorn then reports that its worker failed to boot and stops.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybound.settings")
application = get_wsgi_application()

from policybound.vault.keys import vault_keys_ensure  # noqa: E402  (needs the apps loaded above)

vault_keys_ensure()
