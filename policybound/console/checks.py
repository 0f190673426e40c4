"""System checks: a bad ``POLICYBOUND_REVIEW_*`` value stops start-up, not the monthly review."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register()
def review_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from policybound.console.review import ReviewSettingInvalid, working_time

    try:
        working_time()
    except ReviewSettingInvalid as error:
        return [Error(str(error), id="policybound.console.E001")]
    return []
