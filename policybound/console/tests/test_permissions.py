"""Where a console account without the second factor or without purposes lands.

The whole matrix (every URL and API operation × every kind of caller) is
``test_authorization_matrix.py``.
"""

from __future__ import annotations

import pytest
from django.test import Client

from policybound.console.tests.conftest import signed_in

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def test_a_signed_in_account_without_the_second_factor_is_sent_to_the_code_page(make_staff, hong):
    client = Client()
    client.force_login(make_staff("bob", "marketing"))
    assert client.get("/console/inbox/consulting/")["Location"].startswith("/console/login/code/")


def test_a_role_without_purposes_sees_an_empty_inbox(make_staff, published):
    response = signed_in(make_staff("erin", "other")).get("/console/inbox/")
    assert "console/inbox_empty.html" in [t.name for t in response.templates]
