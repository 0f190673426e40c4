"""Homepage postings (게시): the notice on the public home page for those the mail cannot reach.

A posting starts when it is made and ends after the set number of days (breach:
``POLICYBOUND_BREACH_POSTING_DAYS``, transfer: ``POLICYBOUND_TRANSFER_POSTING_DAYS``, 30 by default,
시행령 29② / 40③); the site shows every posting whose period covers now. It is never removed early.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from policybound.incidents.models import HomepagePosting
from policybound.lib import clock


def postings_live(*, as_of: dt.datetime | None = None) -> QuerySet[HomepagePosting]:
    """The postings the home page shows now, newest first."""
    moment = as_of or clock.now()
    return HomepagePosting.objects.filter(starts_at__lte=moment, ends_at__gt=moment)
