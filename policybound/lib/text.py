"""The one rule for all text entering the system: no character that cannot be stored.

A NUL byte cannot be stored in a PostgreSQL text column, and a lone UTF-16 surrogate (``"\\ud800"`` in a
JSON string) cannot be encoded as UTF-8 by either database; left alone, both surface as a 500 after
part of a request's work is done. Every way in applies this rule before anything else runs: the
middleware :class:`policybound.core.middleware.UnstorableTextMiddleware` for query strings and forms,
and the API's parser (:class:`policybound.api.parser.CheckedJsonParser`) for JSON bodies. What each field
may hold beyond that (line breaks, lengths, control characters) is the field's own rule
(:mod:`policybound.collection.validation`, the forms).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = _("This text holds a character that cannot be stored (a NUL byte or a broken character); remove it.")


def text_storable(value: str) -> bool:
    """True when ``value`` holds no NUL byte and no lone surrogate."""
    return UNSTORABLE.search(value) is None


def first_unstorable(data: Any, path: str = "") -> str | None:
    """The dotted path of the first string (key or value) in JSON-like ``data`` that breaks the rule.

    A bad key is named by its parent's path (the key itself cannot be printed back safely).
    """
    if isinstance(data, str):
        return None if text_storable(data) else (path or "__all__")
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and not text_storable(key):
                return path or "__all__"
            found = first_unstorable(value, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
        return None
    if isinstance(data, list):
        for value in data:
            found = first_unstorable(value, path)
            if found is not None:
                return found
    return None


def first_unstorable_pair(pairs: Iterable[tuple[str, list[str]]]) -> str | None:
    """The name of the first field of a query string or form (``QueryDict.lists()``) that breaks the rule."""
    for name, values in pairs:
        if not text_storable(name):
            return "__all__"
        if any(not text_storable(value) for value in values):
            return name
    return None
