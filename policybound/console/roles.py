"""How a role of the policy becomes Django permissions (least privilege, 안전성 확보조치 기준 5조).

Each role the policy names (``roles:``, seed article 11.2: marketing handlers, the privacy officer and
staff, others with narrow grants) is a ``Group`` named by the role's code. Every role may use the
console and work the engagements of its purposes: one ``console.purpose_<code>`` permission per
purpose, or ``console.work_all_purposes`` for ``purposes: all``. Within that scope it may show a full
value or export a list, each with a recorded reason. ``registers: true`` adds the registers, the
dashboard and the access-log review. Anything narrower or wider is an explicit per-account grant
(``policybound user grant``), recorded like a role change.
"""

from __future__ import annotations

from policybound.policy.schema import Policy, Role

APP_LABEL = "console"
USE_CONSOLE = "use_console"
WORK_ALL_PURPOSES = "work_all_purposes"
REVEAL = "reveal_personal_data"
EXPORT = "export_personal_data"
LEGAL_HOLDS = "manage_legal_holds"
VIEW_REGISTERS = "view_registers"
REVIEW_ACCESS_LOG = "review_access_log"
PURPOSE_PREFIX = "purpose_"

EVERY_ROLE = (USE_CONSOLE, REVEAL, EXPORT, LEGAL_HOLDS)
REGISTER_ROLES = (VIEW_REGISTERS, REVIEW_ACCESS_LOG)


def perm(codename: str) -> str:
    """``use_console`` → ``console.use_console``, the form ``has_perm`` takes."""
    return f"{APP_LABEL}.{codename}"


def purpose_codename(purpose_code: str) -> str:
    return PURPOSE_PREFIX + purpose_code


def role_codenames(role: Role) -> set[str]:
    """The console permissions (codenames) a role grants."""
    names = set(EVERY_ROLE)
    if role.purposes == "all":
        names.add(WORK_ALL_PURPOSES)
    else:
        names.update(purpose_codename(code) for code in role.purposes)
    if role.registers:
        names.update(REGISTER_ROLES)
    return names


def role_find(policy: Policy, code: str) -> Role | None:
    return next((role for role in policy.roles if role.code == code), None)
