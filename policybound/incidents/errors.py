"""The one refusal of the incidents services: ``errors`` maps a field to its messages (active language)."""

from __future__ import annotations


class IncidentRefused(Exception):
    """Bad input or a step out of order; nothing was stored. ``errors``: {field: [message, ...]}."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors


def refuse(field: str, message: str) -> IncidentRefused:
    return IncidentRefused({field: [message]})
