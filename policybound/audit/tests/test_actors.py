from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from policybound.audit.actors import Actor, actor_from_request, client_ip


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="correct horse 7", is_staff=True)


def request_from(remote="198.51.100.4", forwarded=None, user=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)
    request.user = user or AnonymousUser()
    return request


def test_it_makes_a_public_actor():
    assert Actor.public(ip="203.0.113.9") == Actor(kind="public", ident="", label="public", ip="203.0.113.9")


def test_it_makes_a_token_actor():
    actor = Actor.token("tok_42", "crm-intake", ip="203.0.113.9")
    assert (actor.kind, actor.ident, actor.label) == ("token", "tok_42", "crm-intake")


def test_it_makes_a_system_actor():
    assert Actor.system("retention sweep").ip is None


def test_it_normalizes_the_ip():
    assert Actor.public(ip="2001:DB8:0::1").ip == "2001:db8::1"


def test_it_drops_a_malformed_ip():
    assert Actor.public(ip="not-an-ip").ip is None


def test_it_rejects_an_unknown_kind():
    with pytest.raises(ValueError):
        Actor(kind="robot", ident="", label="")  # type: ignore[arg-type]


@pytest.mark.django_db
def test_it_makes_a_staff_actor_for_a_signed_in_user(alice):
    actor = actor_from_request(request_from(user=alice))
    assert (actor.kind, actor.ident, actor.label, actor.ip) == (
        "staff",
        str(alice.pk),
        "alice",
        "198.51.100.4",
    )


def test_it_makes_a_public_actor_for_a_visitor():
    assert actor_from_request(request_from()).kind == "public"


def test_it_ignores_forwarded_for_without_trusted_proxies(settings):
    settings.POLICYBOUND_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from(forwarded="203.0.113.66")) == "198.51.100.4"


def test_it_takes_the_address_the_trusted_proxy_saw(settings):
    settings.POLICYBOUND_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(forwarded="10.9.9.9, 203.0.113.66")) == "203.0.113.66"


def test_it_skips_addresses_a_client_could_forge(settings):
    settings.POLICYBOUND_TRUSTED_PROXY_COUNT = 2
    request = request_from(forwarded="1.2.3.4, 203.0.113.66, 192.0.2.10")
    assert client_ip(request) == "203.0.113.66"


def test_it_falls_back_to_remote_addr_for_a_malformed_header(settings):
    settings.POLICYBOUND_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(forwarded="garbage")) == "198.51.100.4"
