"""The API's JSON parser: django-ninja's, plus the one rule for text entering the system."""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser

from policybound.lib.text import first_unstorable


class UnstorableText(Exception):
    """A JSON body holds a NUL byte or a lone surrogate at ``field`` (a dotted path)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class CheckedJsonParser(Parser):
    """Parses the body as ninja does, then refuses it whole if any string breaks :mod:`policybound.lib.text`."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        field = first_unstorable(data)
        if field is not None:
            raise UnstorableText(field)
        return cast(dict[str, Any], data)
