"""The fixed-window counter behind the forms' per-IP rate limit (policybound.lib.ratelimit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from policybound.lib.ratelimit import rate_limit_hit

NOON = dt.datetime(2025, 5, 1, 12, 0, 0, tzinfo=dt.UTC)


def hit(key: str = "192.0.2.1", *, at: dt.datetime = NOON, limit: int = 2, window: int = 60) -> Any:
    return rate_limit_hit(scope="test", key=key, limit=limit, window=window, as_of=at)


def test_it_allows_up_to_the_limit(db: Any) -> None:
    assert [hit().allowed for _ in range(3)] == [True, True, False]


def test_it_counts_keys_apart(db: Any) -> None:
    hit("192.0.2.1"), hit("192.0.2.1")
    assert hit("192.0.2.2").allowed


def test_it_counts_scopes_apart(db: Any) -> None:
    hit(), hit()
    assert rate_limit_hit(scope="other", key="192.0.2.1", limit=2, window=60, as_of=NOON).allowed


def test_it_starts_again_in_the_next_window(db: Any) -> None:
    hit(), hit(), hit()
    assert hit(at=NOON + dt.timedelta(seconds=60)).count == 1


def test_it_says_when_the_window_ends(db: Any) -> None:
    assert hit(at=NOON + dt.timedelta(seconds=45)).retry_after == 15


def test_it_refuses_a_meaningless_limit(db: Any) -> None:
    with pytest.raises(ValueError):
        hit(limit=0)
