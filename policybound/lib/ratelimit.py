"""A fixed-window rate limit on Django's cache, so a bot cannot flood the database through a form.

Each ``(scope, key)`` pair, typically a form and the client's IP address, may act ``limit`` times per
window of ``window`` seconds; windows are aligned to multiples of ``window`` on the policybound clock
(:func:`policybound.lib.clock.now`), so tests move time with ``clock.frozen`` instead of sleeping. A
fixed window is the simplest counter that bounds the rate: at most ``2 * limit`` hits can land in any
``window`` seconds that straddle a boundary, which is enough to stop a flood.

The key is never stored as given: an IP address is personal data, so the cache holds only a keyed
hash of it (``salted_hmac`` under ``SECRET_KEY``).

Deployment: the counter lives in the ``default`` cache. A process-local cache (``LocMemCache``) counts
per process, so with N web processes a client gets N times the limit; a multi-process or multi-host
deployment needs a shared cache, such as the database cache (``DatabaseCache``, which policybound's
settings use, with its table created by ``policybound migrate``) or Redis/Memcached. The database
cache's ``incr`` is a read then a write, so two simultaneous requests may both count as one; a rate
limit can live with that, it only needs to be right to within a request or two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from policybound.lib import clock

_SALT = "policybound.lib.ratelimit"


@dataclass(frozen=True)
class RateLimit:
    """The outcome of one hit: whether it is allowed, the count so far and when the window ends."""

    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the current window ends


def _cache_key(scope: str, key: str, window_index: int) -> str:
    digest = salted_hmac(_SALT, f"{scope}\x00{key}", algorithm="sha256").hexdigest()[:40]
    return f"pb:ratelimit:{scope}:{window_index}:{digest}"


def rate_limit_hit(
    *, scope: str, key: str, limit: int, window: int, as_of: dt.datetime | None = None
) -> RateLimit:
    """Count one hit of ``key`` in ``scope``; ``allowed`` is False once ``limit`` hits are exceeded."""
    if limit < 1 or window < 1:
        raise ValueError("a rate limit needs limit >= 1 and window >= 1 second")
    moment = (as_of or clock.now()).timestamp()
    window_index = int(moment // window)
    retry_after = max(1, int((window_index + 1) * window - moment))
    cache_key = _cache_key(scope, key, window_index)
    # add() is a no-op when the counter exists; the timeout outlives the window so it can be counted.
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr(): this hit starts a new count
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    return RateLimit(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)
