"""Notices the law owes people when something happens to their data: a breach and a business transfer.

A :class:`Breach` is a 유출등 (PIPA 34, 시행령 39-40): the officer records what items leaked, whose,
when it was found and how; the system works out who is affected (:class:`BreachSubject`, one row per
person, pseudonymous), whether the PIPC/KISA must be told, and runs the 72-hour clock from discovery
until the person notices and the report are sent and the officer has signed off.

A :class:`Transfer` is a 영업양도·합병 (PIPA 27, 시행령 29): the transferee's particulars, what
moves and when. Each affected person (:class:`TransferSubject`) is mailed in advance with a signed
refusal link; a refusal before the transfer date keeps that person out of what moves.

Where people cannot be reached, a :class:`HomepagePosting` puts the notice on the public home page
for a set number of days. The posting's period and the mails in the outbox are the evidence.

Nothing here is personal data in plaintext: people are subject ids, their addresses stay sealed in
their submissions and in the outbox. The transferee's particulars are a company's, published anyway.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from policybound.mailer.models import OutboundMail
from policybound.subjects.models import Subject


class BreachCause(models.TextChoices):
    """How it happened; an outside attack alone makes the report to the PIPC/KISA due (시행령 40①)."""

    ATTACK = "attack", pgettext_lazy("breach cause", "outside attack (hacking, malware)")
    INSIDER = "insider", pgettext_lazy("breach cause", "insider misuse")
    MISDELIVERY = "misdelivery", pgettext_lazy("breach cause", "sent to the wrong recipient")
    LOSS = "loss", pgettext_lazy("breach cause", "loss or theft of a device or document")
    OTHER = "other", pgettext_lazy("breach cause", "other")


class ScopeKind(models.TextChoices):
    """How the officer says whose data leaked."""

    DATA = "data", pgettext_lazy("breach scope", "values of the items, by purpose and collection period")
    SUBJECTS = "subjects", pgettext_lazy("breach scope", "the people named")
    ACCESS = "access", pgettext_lazy("breach scope", "the people a staff account touched in a period")


class ReportAuthority(models.TextChoices):
    PIPC = "pipc", pgettext_lazy("authority", "Personal Information Protection Commission (PIPC)")
    KISA = "kisa", pgettext_lazy("authority", "Korea Internet & Security Agency (KISA)")


class Breach(models.Model):
    """One 개인정보 유출등 incident and the state of what the law asks after it.

    ``items`` and ``purposes`` are policy codes; ``deadline`` is discovery plus the notice period
    (``POLICYBOUND_BREACH_NOTICE_HOURS``, 72). ``report_reasons`` are why the PIPC/KISA report is
    required (``threshold``, ``sensitive``, ``attack``), empty if it is not. ``completed_at`` is the
    officer's sign-off once the notices (and the report, if required) are out.
    """

    discovered_at = models.DateTimeField()
    occurred_from = models.DateTimeField(null=True, blank=True)
    occurred_until = models.DateTimeField(null=True, blank=True)
    cause = models.CharField(max_length=20, choices=BreachCause.choices)
    description = models.TextField(help_text="when and how it happened, in the words the notice uses")
    company_actions = models.TextField(help_text="what the company does to contain it and limit the harm")
    subject_actions = models.TextField(help_text="what a person can do to limit the harm")
    items = models.JSONField(default=list)
    scope = models.CharField(max_length=20, choices=ScopeKind.choices)
    purposes = models.JSONField(default=list, help_text="empty: every purpose")
    collected_from = models.DateTimeField(null=True, blank=True)
    collected_until = models.DateTimeField(null=True, blank=True)
    access_account = models.CharField(max_length=150, blank=True)
    access_from = models.DateTimeField(null=True, blank=True)
    access_until = models.DateTimeField(null=True, blank=True)
    affected_count = models.PositiveIntegerField(default=0)
    unreachable_count = models.PositiveIntegerField(default=0)
    report_reasons = models.JSONField(default=list)
    deadline = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True, help_text="person notices queued and posted")
    report_sent_at = models.DateTimeField(null=True, blank=True)
    report_authority = models.CharField(max_length=10, choices=ReportAuthority.choices, blank=True)
    report_reference = models.CharField(max_length=100, blank=True, help_text="the receipt number given")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ("-discovered_at", "-id")

    def __str__(self) -> str:
        return f"breach {self.pk}"

    @property
    def report_required(self) -> bool:
        return bool(self.report_reasons)


class BreachSubject(models.Model):
    """A person whose data the breach reached; ``mail`` is their notice in the outbox (none: unreachable)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="affected")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    items = models.JSONField(default=list, help_text="the item codes of theirs that leaked")
    language = models.CharField(max_length=10, default="ko")
    mail = models.ForeignKey(OutboundMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reachable = models.BooleanField(null=True, help_text="unknown until notified")

    class Meta:
        constraints = [models.UniqueConstraint(fields=("breach", "subject"), name="breach_subject_once")]

    def __str__(self) -> str:
        return f"breach {self.breach_id}: subject {self.subject_id}"


class Transfer(models.Model):
    """One 영업양도·합병: who receives the data, what moves, when; and the notices sent before."""

    transferee_name = models.CharField(max_length=200)
    transferee_address = models.CharField(max_length=300)
    transferee_phone = models.CharField(max_length=40)
    transferee_contact = models.CharField(max_length=200, help_text="the transferee's contact point")
    what_moves = models.TextField(help_text="what moves, in the words of the notice")
    purposes = models.JSONField(default=list, help_text="the purposes whose people move")
    transfer_date = models.DateField()
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-transfer_date", "-id")

    def __str__(self) -> str:
        return f"transfer {self.pk}"


class TransferSubject(models.Model):
    """A person whose data the transfer moves; ``refused_at`` set when they refused before the date."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="affected")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10, default="ko")
    mail = models.ForeignKey(OutboundMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reachable = models.BooleanField(null=True, help_text="unknown until notified")
    refused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("transfer", "subject"), name="transfer_subject_once")]

    def __str__(self) -> str:
        return f"transfer {self.transfer_id}: subject {self.subject_id}"


class HomepagePosting(models.Model):
    """A notice on the public home page (게시) from ``starts_at`` until ``ends_at``, for the people
    the mail could not reach. One per breach or transfer; it is never deleted (the period is evidence)."""

    breach = models.OneToOneField(Breach, on_delete=models.PROTECT, null=True, blank=True, related_name="posting")
    transfer = models.OneToOneField(
        Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="posting"
    )
    title_ko = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    body_ko = models.TextField()
    body_en = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    posted_by = models.CharField(max_length=150)

    class Meta:
        ordering = ("-starts_at",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(breach__isnull=False) ^ models.Q(transfer__isnull=False),
                name="posting_for_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"posting {self.pk}"

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_ko

    def body(self, lang: str) -> str:
        return self.body_en if lang == "en" else self.body_ko
