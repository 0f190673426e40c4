"""Publishing the privacy policy: the only way a :class:`PolicyVersion` comes to exist.

A text is published only when it parses and its lint finds no error (warnings are the maintainer's to
weigh), and only with the dates the text itself states: the page prints the file's 공고일자 and 시행일자,
so a version published under other dates would contradict its own text. Publishing the same text twice
is a no-op that returns the existing version. Every publication writes an audit row in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import IntegrityError, transaction

from policybound.audit.actors import Actor
from policybound.audit.services import audit_record
from policybound.lib import clock
from policybound.policy.lint import policy_errors, policy_lint
from policybound.policy.loader import LoadedPolicy, PolicyInvalid, Problem, policy_load, policy_parse
from policybound.policy.models import PolicyVersion, text_sha256
from policybound.policy.render import policy_title

BUNDLED_PUBLISHER = "bundled-policy"


def policy_validate(*, text: str) -> tuple[LoadedPolicy, list[Problem]]:
    """Parse and lint ``text``: the parsed policy and its warnings; :class:`PolicyInvalid` on any error."""
    loaded = policy_parse(text)
    problems = policy_lint(loaded)
    errors = policy_errors(problems)
    if errors:
        raise PolicyInvalid(errors)
    return loaded, problems


def _date_mismatches(loaded: LoadedPolicy, announced: dt.date, effective: dt.date) -> list[Problem]:
    policy, lines = loaded.policy, loaded.lines
    problems = []
    for key, given, stated in (("announced", announced, policy.announced), ("effective", effective, policy.effective)):
        if given != stated:
            problems.append(
                Problem(
                    lines.line_of((key,)),
                    f"the file says {key}: {stated}, but it is being published as {key} {given}; "
                    f"change the file so that the published text states the date it is published with",
                )
            )
    return problems


def policy_publish(*, text: str, announced: dt.date, effective: dt.date, actor: Actor) -> PolicyVersion:
    """Publish ``text`` as a version announced on ``announced`` and in force from ``effective``.

    Raises :class:`PolicyInvalid` (storing nothing) when the text has errors or states other dates.
    The same text published again returns the version already stored, unchanged.
    """
    sha256 = text_sha256(text)
    existing = PolicyVersion.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    loaded, _warnings = policy_validate(text=text)
    mismatches = _date_mismatches(loaded, announced, effective)
    if mismatches:
        raise PolicyInvalid(mismatches)
    try:
        with transaction.atomic():
            version = PolicyVersion.objects.create(
                text=text,
                sha256=sha256,
                title=policy_title(loaded.policy, lang="ko")[:300],
                announced=announced,
                effective=effective,
                published_at=clock.now(),
                published_by=f"{actor.kind}:{actor.label}"[:200],
            )
            audit_record(
                actor=actor,
                action="publish",
                target=f"policy_version:{version.pk}",
                detail={"sha256": sha256, "announced": str(announced), "effective": str(effective)},
            )
    except IntegrityError:
        # Another process published the same text between our check and our insert.
        return PolicyVersion.objects.get(sha256=sha256)
    return version


def policy_publish_bundled_if_none(*, path: Path | str) -> PolicyVersion | None:
    """First start: publish the bundled policy file under its own dates, unless a version exists."""
    if PolicyVersion.objects.exists():
        return None
    loaded = policy_load(path)
    return policy_publish(
        text=loaded.text,
        announced=loaded.policy.announced,
        effective=loaded.policy.effective,
        actor=Actor.system(BUNDLED_PUBLISHER),
    )
