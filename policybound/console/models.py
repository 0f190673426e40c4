"""The staff console's own records: the permission-change log and the monthly access-log review.

Who may do what is Django's permission system: one ``Group`` per role of the policy (named by the
role's code) holding the permissions below, and ``console.purpose_<code>`` permissions that scope a
handler to the engagements of its purposes. :mod:`policybound.console.roles` maps a policy role onto
them; :mod:`policybound.console.access` is the one place that answers "may this account see that".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _


class Console(models.Model):
    """Carries the console's permissions; it has no table and no rows."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("use_console", "Can sign in to the staff console"),
            ("work_all_purposes", "Can work the engagements of every purpose"),
            ("reveal_personal_data", "Can show a full personal value, with a reason"),
            ("export_personal_data", "Can export a list to CSV, with a reason"),
            ("manage_legal_holds", "Can place and release legal holds"),
            ("view_registers", "Can see the registers and the privacy officer's dashboard"),
            ("review_access_log", "Can review the access log and record the monthly review"),
        ]

    def __str__(self) -> str:
        return "console permissions"


class PermissionChange(models.Model):
    """One grant, change or revocation of a role or permission (권한 부여·변경·말소 내역).

    The 안전성 확보조치 기준 asks for these to be kept at least three years
    (``POLICYBOUND_PERMISSION_LOG_RETENTION_DAYS``). Rows are never updated. ``account`` is the
    account whose access changed; for a change of what a role itself grants (the policy changed),
    ``account`` is empty and ``role`` names the group, so the change reaches everyone in it.
    """

    class Action(models.TextChoices):
        GRANT = "grant", _("granted")
        CHANGE = "change", _("changed")
        REVOKE = "revoke", _("revoked")

    at = models.DateTimeField(db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_by_label = models.CharField(max_length=150, help_text="the account or the CLI user who did it")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    role = models.CharField(max_length=64, blank=True, help_text="the role granted or revoked")
    previous_role = models.CharField(max_length=64, blank=True)
    permission = models.CharField(max_length=150, blank=True, help_text="app_label.codename")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        what = self.permission or self.role
        whom = self.account_username or f"role {self.role}"
        return f"{localtime(self.at):%Y-%m-%d %H:%M} {self.changed_by_label} {self.action} {what} ({whom})"


class AccessReview(models.Model):
    """The monthly review of the access log (접속기록 점검), done by a named reviewer.

    ``findings`` keeps the counts the reviewer saw when recording, so a later reader knows what was
    reviewed even if the thresholds changed since.
    """

    month = models.DateField(help_text="the first day of the reviewed month")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()
    findings = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-month", "-reviewed_at"]

    def __str__(self) -> str:
        return f"access review {self.month:%Y-%m} by {self.reviewed_by_id}"


class DownloadConfirmation(models.Model):
    """A reviewer's confirmation of the reason given for one download of personal data.

    The 안전성 확보조치 기준 asks that a download's reason be confirmed; a download without one is
    listed by the monthly review until somebody confirms it. ``key`` names the download: the export
    id its audit rows share (``export:<id>``), or a single audit row (``event:<sequence>``).
    """

    key = models.CharField(max_length=64, unique=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"download {self.key} confirmed"


class ReplyNote(models.Model):
    """A handler's note that a consulting request or inquiry was answered (the inbox's "reply noted").

    It holds no personal data, only who answered and when; it goes when the engagement is destroyed.
    """

    engagement = models.ForeignKey("collection.Engagement", on_delete=models.CASCADE, related_name="reply_notes")
    noted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    noted_at = models.DateTimeField()

    class Meta:
        ordering = ["-noted_at"]

    def __str__(self) -> str:
        return f"reply to engagement {self.engagement_id} noted"
