"""Template helpers of the console."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ purposes|get_item:code }}``: a value of a dict by a variable key (``None`` if absent)."""
    return mapping.get(key)
