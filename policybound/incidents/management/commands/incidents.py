"""``policybound incidents list|notify|post|export``: the breach and transfer steps an operator may script.

Recording an incident needs the officer's words and is done in the console; from the shell an
operator lists incidents with their clock, sends the notices of one, posts it for bounced mails (run
after ``policybound mail send`` has given up on some), and writes the incident file for an inspector.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from policybound.core.commands import Arg, Options, Verb, VerbCommand, operator_actor
from policybound.incidents import breaches, selectors, transfers
from policybound.incidents.errors import IncidentRefused
from policybound.incidents.export import incident_export
from policybound.policy.schema import Policy
from policybound.policy.selectors import policy_in_force

KIND = Arg("kind", choices=["breach", "transfer"])
ID = Arg("id", type=int)


class Command(VerbCommand):
    help = (
        "Breaches (PIPA 34: notices and the PIPC/KISA report within 72 hours of discovery) and business "
        "transfers (PIPA 27: advance notice with a way to refuse). 'list' shows each with its clock and "
        "notices; 'post' puts the notice on the home page for people whose mail bounced; run 'list' daily "
        "while an incident is open."
    )
    errors = (IncidentRefused,)
    verbs = {
        "list": Verb("_list", "every breach with its 72-hour clock, every transfer with its notices"),
        "notify": Verb("_notify", "send the notices of a breach or transfer", KIND, ID),
        "post": Verb("_post", "post the notice on the home page for bounced mails", KIND, ID),
        "export": Verb(
            "_export", "write the incident file (no names or addresses)", KIND, ID,
            Arg("--format", choices=["json", "csv"], default="json"), Arg("--output", required=True),
        ),
    }

    def _policy(self) -> Policy:
        policy = policy_in_force()
        if policy is None:
            raise CommandError("no policy is in force: publish one first")
        return policy

    def _list(self, options: Options) -> None:
        for breach in selectors.breaches():
            clock = selectors.breach_clock(breach)
            progress = selectors.breach_progress(breach)
            report = ",".join(breach.report_reasons) or "-"
            self.stdout.write(
                f"breach {breach.pk}\tfound {breach.discovered_at:%Y-%m-%d %H:%M}\t{clock.state}\t"
                f"deadline {clock.deadline:%Y-%m-%d %H:%M}\tpeople {progress.people}\tsent {progress.sent}\t"
                f"bounced {progress.bounced}\tno address {progress.unreachable}\treport {report}"
            )
        for transfer in selectors.transfers():
            progress = selectors.transfer_progress(transfer)
            refused = transfer.affected.exclude(refused_at=None).count()
            self.stdout.write(
                f"transfer {transfer.pk}\ton {transfer.transfer_date}\tpeople {progress.people}\tsent {progress.sent}"
                f"\tbounced {progress.bounced}\tno address {progress.unreachable}\trefused {refused}"
            )

    def _notify(self, options: Options) -> None:
        actor, policy = operator_actor(), self._policy()
        if options["kind"] == "breach":
            breaches.breach_notify(breach_id=options["id"], policy=policy, actor=actor)
        else:
            transfers.transfer_notify(transfer_id=options["id"], policy=policy, actor=actor)
        self.stdout.write(f"{options['kind']} {options['id']}: notices queued")

    def _post(self, options: Options) -> None:
        actor, policy = operator_actor(), self._policy()
        if options["kind"] == "breach":
            posting = breaches.breach_post(breach_id=options["id"], policy=policy, actor=actor)
        else:
            posting = transfers.transfer_post(transfer_id=options["id"], policy=policy, actor=actor)
        self.stdout.write(f"posted from {posting.starts_at:%Y-%m-%d %H:%M} to {posting.ends_at:%Y-%m-%d %H:%M}")

    def _export(self, options: Options) -> None:
        name, _type, text = incident_export(
            kind=options["kind"], incident_id=options["id"], fmt=options["format"], actor=operator_actor()
        )
        Path(options["output"]).write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {name} to {options['output']}")
