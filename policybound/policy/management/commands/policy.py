"""``policybound policy check|render|publish|versions|diff``: the policy file from the shell.

``check`` is the compiler: every problem as ``FILE:LINE: message``, exit status 1 on any error (warnings
alone exit 0). ``publish`` runs the same checks and stores nothing when they fail. The handlers only
parse arguments and print; the work is in :mod:`policybound.policy.services` and ``selectors``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError

from policybound.core.commands import Arg, Options, Verb, VerbCommand, operator_actor
from policybound.lib import clock
from policybound.policy.assessment import CRITERIA, policy_assess
from policybound.policy.diff import needs_consent, policy_diff
from policybound.policy.lint import policy_errors, policy_lint
from policybound.policy.loader import PolicyInvalid, Problem, policy_load
from policybound.policy.models import PolicyVersion, text_sha256
from policybound.policy.render import RenderError, policy_render, policy_title
from policybound.policy.schema import Policy
from policybound.policy.selectors import (
    policy_version_by_sha256,
    policy_version_find,
    policy_version_in_force,
    policy_versions,
)
from policybound.policy.services import policy_publish


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date such as 2024-03-01") from None


class Command(VerbCommand):
    help = (
        "The privacy policy file: check it (PIPA lint, FILE:LINE: messages), render it, publish it as "
        "an immutable version with its announcement and effective dates, list the published versions."
    )

    # A policy check is a compiler run; the site's deployment checks are not its business.
    requires_system_checks: list[str] = []

    list_verbs_in_errors = True
    verbs = {
        "check": Verb(
            "_check",
            "validate a policy file; exit 1 on any error",
            Arg("file", type=Path),
            Arg(
                "--report",
                action="store_true",
                help="also print a self-assessment on the PIPC's yardstick (적정성, 가독성, 접근성)",
            ),
        ),
        "render": Verb(
            "_render",
            "print a policy file, or the version in force",
            Arg("file", type=Path, nargs="?", help="default: the published version in force"),
            Arg("--lang", choices=("ko", "en"), default="ko"),
            Arg("--format", dest="fmt", choices=("md", "html"), default="md"),
        ),
        "publish": Verb(
            "_publish",
            "publish a policy file as a new version",
            Arg("file", type=Path),
            Arg("--announced", type=_date, help="공고일자 (must equal the file's announced:)"),
            Arg("--effective", type=_date, help="시행일자 (must equal the file's effective:)"),
        ),
        "versions": Verb("_versions", "list the published versions"),
        "diff": Verb(
            "_diff",
            "what changed between two versions (ids, sha256 prefixes or files), and what needs new consent",
            Arg("old", help="the earlier version: an id, a sha256 prefix or a policy file"),
            Arg("new", help="the later version: an id, a sha256 prefix or a policy file"),
            Arg("--lang", choices=("ko", "en"), default="ko"),
        ),
    }

    def _report(self, filename: str, problems: list[Problem]) -> None:
        for problem in problems:
            self.stderr.write(problem.format(filename), style_func=lambda line: line)

    def _fail(self, filename: str, problems: list[Problem], what: str) -> CommandError:
        self._report(filename, problems)
        errors = len(policy_errors(problems))
        return CommandError(f"{filename}: {errors} error(s); {what}", returncode=1)

    def _check(self, options: Options) -> None:
        path: Path = options["file"]
        try:
            problems = policy_lint(policy_load(path))
        except PolicyInvalid as invalid:
            raise self._fail(str(path), invalid.problems, "the policy is invalid") from None
        if options["report"]:
            self._assessment(path)
        if policy_errors(problems):
            raise self._fail(str(path), problems, "the policy is invalid")
        self._report(str(path), problems)
        warnings = f" ({len(problems)} warning(s))" if problems else ""
        self.stdout.write(f"{path}: valid{warnings}")

    def _assessment(self, path: Path) -> None:
        """The PIPC-style self-assessment: each criterion, each requirement met or not, with lines."""
        from policybound.site.reachability import pages_assess

        loaded = policy_load(path)
        findings = [*policy_assess(loaded), *pages_assess(loaded)]
        for criterion, title in CRITERIA.items():
            mine = [finding for finding in findings if finding.criterion == criterion]
            failed = sum(not finding.ok for finding in mine)
            self.stdout.write(f"{title}: {len(mine) - failed} of {len(mine)} met")
            for finding in mine:
                self.stdout.write(finding.format(str(path)))

    def _render(self, options: Options) -> None:
        path: Path | None = options["file"]
        if path is None:
            version = policy_version_in_force()
            if version is None:
                raise CommandError("no policy is published yet; give a FILE or publish one first")
            policy = version.policy
        else:
            try:
                policy = policy_load(path).policy
            except PolicyInvalid as invalid:
                raise self._fail(str(path), invalid.problems, "cannot render it") from None
        try:
            rendered = policy_render(policy, lang=options["lang"], fmt=options["fmt"])
        except RenderError as error:
            raise CommandError(f"{path or 'the version in force'}: cannot render it: {error}") from None
        self.stdout.write(rendered, ending="")

    def _publish(self, options: Options) -> None:
        path: Path = options["file"]
        try:
            loaded = policy_load(path)
        except PolicyInvalid as invalid:
            raise self._fail(str(path), invalid.problems, "nothing was published") from None
        existing = policy_version_by_sha256(sha256=text_sha256(loaded.text))
        if existing is not None:
            self.stdout.write(
                f"{path}: this exact text is already published as version {existing.pk} "
                f"({existing.short_sha}, effective {existing.effective}); nothing to do"
            )
            return
        try:
            version = policy_publish(
                text=loaded.text,
                announced=options["announced"] or loaded.policy.announced,
                effective=options["effective"] or loaded.policy.effective,
                actor=operator_actor(),
            )
        except PolicyInvalid as invalid:
            raise self._fail(str(path), invalid.problems, "nothing was published") from None
        self._report(str(path), policy_lint(loaded))
        self.stdout.write(
            f"Published version {version.pk} ({version.short_sha}): announced {version.announced}, "
            f"effective {version.effective}"
        )

    def _diff(self, options: Options) -> None:
        old, new = self._policy_at(options["old"]), self._policy_at(options["new"])
        changes = policy_diff(old, new)
        lang = options["lang"]
        if not changes:
            self.stdout.write("No changes." if lang == "en" else "변경 사항이 없습니다.")
            return
        for change in changes:
            self.stdout.write(change.format(lang))
        consent = len(needs_consent(changes))
        if consent:
            self.stdout.write(
                f"{consent} change(s) need new consent." if lang == "en" else f"새 동의가 필요한 변경 {consent}건"
            )

    def _policy_at(self, ref: str) -> Policy:
        """A policy named on the command line: a file if one exists at that path, else a version."""
        path = Path(ref)
        if path.is_file():
            try:
                return policy_load(path).policy
            except PolicyInvalid as invalid:
                raise self._fail(ref, invalid.problems, "cannot compare it") from None
        version = policy_version_find(ref=ref, as_of=dt.date.max)
        if version is None:
            raise CommandError(f"{ref}: no such file and no published version with that id or sha256 prefix")
        return version.policy

    def _versions(self, options: Options) -> None:
        versions = list(policy_versions())
        if not versions:
            self.stdout.write("No policy is published yet.")
            return
        in_force = policy_version_in_force()
        today = clock.today()
        self.stdout.write(f"{'id':>4}  {'sha256':12}  {'announced':10}  {'effective':10}  {'status':10}  title")
        for version in versions:
            self.stdout.write(
                f"{version.pk:>4}  {version.short_sha}  {version.announced}  {version.effective}  "
                f"{_status(version, in_force, today):10}  {policy_title(version.policy, lang='ko')}"
            )


def _status(version: PolicyVersion, in_force: PolicyVersion | None, today: dt.date) -> str:
    if in_force is not None and version.pk == in_force.pk:
        return "in force"
    if version.effective > today:
        return "upcoming" if version.announced <= today else "scheduled"
    return "superseded"
