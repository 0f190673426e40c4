"""The audit log: one hash-chained row per access to or change of personal data (접속기록).

Rows are only ever appended (``audit.services.audit_record``) and, after the retention period, removed
oldest first (``audit_truncate_before``), leaving a :class:`ChainAnchor`. ``audit_verify`` proves the
rest unaltered, complete and in order.

There is no single hot row: the log is several chains (``POLICYBOUND_AUDIT_CHAINS``, 16 by default),
each with its own :class:`ChainHead`; a writer takes whichever head is free, so writers queue only when
more of them write at once than there are chains. ``sequence`` is one global order drawn from a
database sequence (gaps are allowed: a rolled-back transaction burns its numbers); within a chain each
row names the previous row (``prev_sequence``, ``prev_hash``). A :class:`AuditCheckpoint` commits all
heads together (a Merkle root, HMAC-signed, each checkpoint naming the previous one), so rolling one
chain back is found even though nothing else in that chain changed.
"""

from __future__ import annotations

from django.db import models

from policybound.audit.actors import ActorKind

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    """What was done. The first six are the 접속기록's own words (열람, 입력, 수정, 삭제, 출력, 다운로드)."""

    VIEW = "view", "view (열람)"
    ENTER = "enter", "enter (입력)"
    CHANGE = "change", "change (수정)"
    DELETE = "delete", "delete (삭제)"
    PRINT = "print", "print (출력)"
    DOWNLOAD = "download", "download (다운로드)"
    REVEAL = "reveal", "reveal a masked value (마스킹 해제)"
    EXPORT = "export", "export (내보내기)"
    IMPORT = "import", "import (가져오기)"
    CONSENT = "consent", "consent given (동의)"
    WITHDRAW = "withdraw", "consent withdrawn (동의 철회)"
    RESTRICT = "restrict", "processing suspended (처리정지)"
    REQUEST = "request", "data-subject request (정보주체 요구)"
    PUBLISH = "publish", "policy published (방침 공개)"
    GRANT = "grant", "permission granted (권한 부여)"
    REVOKE = "revoke", "permission revoked (권한 말소)"
    END = "end", "service ended (이용 종료)"
    HOLD = "hold", "legal hold placed (보존 조치)"
    RELEASE = "release", "legal hold released (보존 해제)"
    ARCHIVE = "archive", "moved to the archive (분리 보관)"
    DESTROY = "destroy", "destroyed (파기)"
    SHARE = "share", "provided to a third party (제3자 제공)"
    ROTATE = "rotate", "keys rotated (키 교체)"
    LOGIN = "login", "signed in (로그인)"
    LOGIN_FAILED = "login_failed", "sign-in failed (로그인 실패)"
    LOGOUT = "logout", "signed out (로그아웃)"
    REVIEW = "review", "access log reviewed (접속기록 점검)"


class AuditEvent(models.Model):
    """One 접속기록 row: who (account, IP), when, whose data (pseudonymous subject id), what was done.

    ``subject_id`` is the subject's pseudonymous UUID and ``target`` a short reference such as
    ``engagement:<id>`` or ``field:email``; ``detail`` is JSON that never holds personal data. ``hash`` is
    an HMAC over this row's fields and ``prev_hash`` (the previous row's ``hash``), keyed by a key the
    database does not hold, so an altered, removed or reordered row is found by ``audit verify`` and a
    database administrator cannot recompute the chain.
    """

    sequence = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    ip = models.CharField(max_length=45, blank=True, help_text="empty when unknown")
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    subject_id = models.UUIDField(null=True, blank=True, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    chain = models.PositiveSmallIntegerField(default=1, help_text="which chain (ChainHead) this row extends")
    prev_sequence = models.BigIntegerField(
        default=0, help_text="the previous row of the same chain (0: none)"
    )

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["actor_kind", "actor_id", "at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return (
            f"#{self.sequence} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_kind}:{self.actor_label} {self.action}"
        )


class ChainHead(models.Model):
    """The last row (sequence and hash) of one chain (``id`` is the chain's number, from 1).

    An appender locks one free head for the rest of its transaction. Heads also catch removal of a
    chain's newest rows (``audit verify`` compares each with its chain's last row), and checkpoints catch
    a head rolled back together with its rows.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain {self.id} head #{self.sequence}"


class AuditCheckpoint(models.Model):
    """All chain heads at one moment, committed together: ``root`` is the Merkle root over the heads.

    ``signature`` is an HMAC over (``at``, ``heads``, ``root``, ``prev_signature``) with a key the database
    does not hold, and each checkpoint names the previous one's root (unique, so two checkpoints
    written at once cannot fork). ``audit verify`` checks every signature and link, that no chain went
    backwards between checkpoints, and that the newest checkpoint's heads are still rows of their
    chains; the monthly review records the checkpoint it verified.
    """

    at = models.DateTimeField()
    heads = models.JSONField(help_text="[[chain, sequence, hash], ...] sorted by chain")
    root = models.CharField(max_length=64)
    prev_signature = models.CharField(max_length=64, unique=True)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"audit checkpoint {self.pk} {self.root[:16]}"


class ChainAnchor(models.Model):
    """Where the chain now starts after its oldest rows were destroyed at the end of their retention.

    ``sequence`` and ``hash`` are those of the last destroyed row, ``chains`` the last destroyed row of
    each chain; the first kept row of a chain must follow its entry. The truncation itself is an audit event that names this anchor, so an anchor
    forged to hide removed rows does not verify.
    """

    sequence = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    chains = models.JSONField(
        default=dict, help_text='{"chain": [sequence, hash]}: last destroyed row of each'
    )
    before = models.DateTimeField(help_text="rows older than this were destroyed")
    destroyed = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"audit chain anchor #{self.sequence}"
