"""Published versions of the privacy policy (개인정보처리방침).

A version is the exact YAML text that was published, with the dates it was announced (공고일자) and
takes effect (시행일자). Versions are never changed or deleted: consent receipts point at a version's
sha256, and a data subject may ask to see the text they agreed to (PIPA 시행령 41①5), so every past
version stays readable for as long as anything points at it.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from django.db import models

from policybound.policy.loader import policy_parse
from policybound.policy.schema import Policy

_parsed: dict[str, Policy] = {}
_parsed_lock = threading.Lock()


def text_sha256(text: str) -> str:
    """The identity of a policy text: the SHA-256 of its UTF-8 bytes, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PolicyVersionImmutable(Exception):
    """A published version was about to be changed or deleted; published text is final."""


class PolicyVersionQuerySet(models.QuerySet["PolicyVersion"]):
    """Bulk ``update()`` and ``delete()`` would bypass the model's guard; they are refused too."""

    def update(self, **kwargs: Any) -> int:
        raise PolicyVersionImmutable("published policy versions are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PolicyVersionImmutable("published policy versions are never deleted")


class PolicyVersion(models.Model):
    """One published version of the policy: its text, exactly as published, and its dates."""

    text = models.TextField(help_text="the policy file's YAML text, byte for byte as published")
    sha256 = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300, help_text="the document's Korean title")
    announced = models.DateField(help_text="공고일자: the day the version was announced")
    effective = models.DateField(help_text="시행일자: the day the version takes effect")
    published_at = models.DateTimeField()
    published_by = models.CharField(max_length=200, help_text="who published it (a person or a system job)")

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ("-effective", "-published_at", "-id")
        indexes = [models.Index(fields=("effective", "published_at"), name="policy_version_effective")]

    def __str__(self) -> str:
        return f"{self.title} ({self.effective}, {self.sha256[:12]})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PolicyVersionImmutable("a published policy version is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PolicyVersionImmutable("a published policy version is never deleted")

    @property
    def policy(self) -> Policy:
        """The parsed policy; parsed once per process and sha256, since the text never changes."""
        cached = _parsed.get(self.sha256)
        if cached is None:
            cached = policy_parse(self.text).policy
            with _parsed_lock:
                _parsed[self.sha256] = cached
        return cached

    @property
    def short_sha(self) -> str:
        return self.sha256[:12]
