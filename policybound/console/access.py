"""The one place that answers "may this account see or work that" (object-level permissions).

Model-level rights are plain Django permissions checked by the views' decorators; what a handler may
see inside a list depends on the purposes of its role, and that is decided here and nowhere else:
selectors filter by :func:`purposes_in_scope`, views check single objects with
:func:`may_work_purpose`.
"""

from __future__ import annotations

from typing import Any

from policybound.console.roles import WORK_ALL_PURPOSES, perm, purpose_codename
from policybound.policy.schema import Item, Policy


def may_work_purpose(user: Any, purpose_code: str) -> bool:
    """Whether ``user`` may see and work engagements of the purpose ``purpose_code``."""
    return bool(user.has_perm(perm(WORK_ALL_PURPOSES)) or user.has_perm(perm(purpose_codename(purpose_code))))


def purposes_in_scope(user: Any, policy: Policy) -> list[str]:
    """The codes of the policy's purposes ``user`` may work, in the policy's order."""
    return [purpose.code for purpose in policy.purposes if may_work_purpose(user, purpose.code)]


def items_in_scope(user: Any, policy: Policy) -> list[Item]:
    """The items (fields) ``user`` may see: those collected for a purpose in its scope.

    Screens and exports show nothing else, so a role scoped to newsletters never sees the question a
    visitor asked in a consulting request.
    """
    codes: set[str] = set()
    for purpose in policy.purposes:
        if may_work_purpose(user, purpose.code):
            codes.update(purpose.items)
            codes.update(purpose.optional_items)
    return [item for item in policy.items if item.code in codes]
