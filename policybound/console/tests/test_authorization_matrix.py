"""The authorization matrix: every URL the resolver knows × every kind of caller, allowed or refused.

Rows: every URL pattern of ``ROOT_URLCONF`` (console, public pages, mail links) and every operation of
the JSON API's OpenAPI document; a pattern or operation without a row fails
:func:`test_every_url_and_api_operation_has_a_row`, so a new URL cannot go live unreviewed. Columns:
each console role of the test policy (the bundled roles plus narrower marketing desks), an account with
no role, a password-only session (no second factor yet), a disabled account, a visitor, and a bearer
token of each API scope. A cell is *allowed* (2xx, or a redirect anywhere but the sign-in pages) or
*refused* (401, 403, 404, or a redirect to the sign-in pages); anything else (a 500) fails the test.

Bounded run time: one test per caller, each sending every request of the matrix with one set of
fixtures, every request inside a savepoint rolled back after it (so a close, a hold or an export
leaves nothing behind for the next row) and with the caller's cookies restored.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from policybound.api.models import TokenScope
from policybound.api.services import api_token_create
from policybound.collection.models import Engagement
from policybound.collection.tokens import confirm_token_make, unsubscribe_token_make
from policybound.console import accounts
from policybound.console.tests.conftest import OPERATOR, scoped, signed_in, submit
from policybound.incidents.breaches import breach_record
from policybound.incidents.models import BreachCause
from policybound.incidents.tokens import refusal_token_make
from policybound.incidents.transfers import transfer_record
from policybound.lib import clock
from policybound.lib.testing import alice_fields
from policybound.policy.models import PolicyVersion
from policybound.retention.services import legal_hold_place
from policybound.rights.services import rights_request_open
from policybound.site.forms.receipt import DoneReceipt, done_token_make
from policybound.subjects.models import Subject

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

ROLES = ["other", "newsletter_desk", "marketing_desk", "marketing", "privacy_staff", "privacy_officer"]
TOKENS = ["token_intake", "token_staff", "token_processor"]
PRINCIPALS = ["anonymous", "no_role", "password_only", "disabled", *ROLES, *TOKENS]

EVERYONE = frozenset(PRINCIPALS)
CONSOLE_USERS = frozenset(ROLES)
CONSULTING = frozenset({"marketing", "privacy_staff", "privacy_officer"})
HONG = CONSULTING | {"marketing_desk"}  # 홍길동 asked for consulting and consented to marketing
OFFICERS = frozenset({"privacy_staff", "privacy_officer"})


@dataclass(frozen=True)
class Row:
    """One request of the matrix and who may make it."""

    method: str
    url: Callable[[Any], str]
    allowed: frozenset[str]
    data: Callable[[Any], dict[str, Any]] = field(default=lambda _w: {})
    json: bool = False
    sign_in_page: bool = False  # the sign-in page and sign-out: open to all, a redirect is their answer
    refused_to: str = ""  # a redirect to this path is a refusal (the privacy center sends strangers back)
    answered: frozenset[int] = frozenset()  # statuses that mean the door opened and the content was judged


def _c(url: str) -> Callable[[Any], str]:
    return lambda _w: url


# (route as the resolver spells it, HTTP method) → Row. API routes use the OpenAPI path.
MATRIX: dict[tuple[str, str], Row] = {
    ("i18n/setlang/", "POST"): Row("post", _c("/i18n/setlang/"), EVERYONE, lambda _w: {"language": "en", "next": "/"}),
    ("", "GET"): Row("get", _c("/"), EVERYONE),
    ("privacy/", "GET"): Row("get", _c("/privacy/"), EVERYONE),
    ("privacy/versions/", "GET"): Row("get", _c("/privacy/versions/"), EVERYONE),
    ("privacy/versions/<str:ref>/", "GET"): Row("get", lambda w: f"/privacy/versions/{w.version.pk}/", EVERYONE),
    ("forms/<slug:purpose>/", "GET"): Row("get", _c("/forms/consulting/"), EVERYONE),
    ("forms/<slug:purpose>/done/", "GET"): Row("get", lambda w: f"/forms/consulting/done/?r={w.done}", EVERYONE),
    ("^privacy/versions/(?P<old>[0-9a-f]{1,64})\\.\\.\\.(?P<new>[0-9a-f]{1,64})/$", "GET"): Row(
        "get", lambda w: f"/privacy/versions/{w.version.short_sha}...{w.version.short_sha}/", EVERYONE
    ),
    ("notices/transfer/refuse/<str:token>/", "GET"): Row(
        "get", lambda w: f"/notices/transfer/refuse/{w.refusal}/", EVERYONE
    ),
    ("mail/confirm/<str:token>/", "GET"): Row("get", lambda w: f"/mail/confirm/{w.confirm}/", EVERYONE),
    ("mail/unsubscribe/<str:token>/", "GET"): Row("get", lambda w: f"/mail/unsubscribe/{w.unsubscribe}/", EVERYONE),
    # the privacy center: open to everyone, a person's own pages only to a session verified by a code,
    # which no staff role and no token replaces
    ("privacy-center/", "GET"): Row("get", _c("/privacy-center/"), EVERYONE),
    ("privacy-center/code/", "GET"): Row("get", _c("/privacy-center/code/"), EVERYONE),
    **{
        (route, method): Row(method.lower(), _c("/" + route.replace("<str:fmt>", "json").replace("<int:submission_id>", "1")),
                             frozenset(), refused_to="/privacy-center/")
        for route, method in (
            ("privacy-center/mine/", "GET"),
            ("privacy-center/mine/download.<str:fmt>", "GET"),
            ("privacy-center/mine/withdraw/", "POST"),
            ("privacy-center/mine/suspend/", "POST"),
            ("privacy-center/mine/delete/", "POST"),
            ("privacy-center/mine/correct/<int:submission_id>/", "POST"),
            ("privacy-center/sign-out/", "POST"),
        )
    },
    # the console
    ("console/", "GET"): Row("get", _c("/console/"), CONSOLE_USERS),
    ("console/login/", "GET"): Row("get", _c("/console/login/"), EVERYONE, sign_in_page=True),
    ("console/login/code/", "GET"): Row("get", _c("/console/login/code/"), CONSOLE_USERS | {"password_only", "no_role"}),
    ("console/logout/", "POST"): Row("post", _c("/console/logout/"), EVERYONE, sign_in_page=True),
    ("console/inbox/", "GET"): Row("get", _c("/console/inbox/"), CONSOLE_USERS),
    ("console/inbox/<slug:purpose>/", "GET"): Row("get", _c("/console/inbox/consulting/"), CONSULTING),
    ("console/inbox/<slug:purpose>/export/", "GET"): Row("get", _c("/console/inbox/consulting/export/"), CONSULTING),
    ("console/inbox/<slug:purpose>/export/", "POST"): Row(
        "post", _c("/console/inbox/consulting/export/"), CONSULTING, lambda _w: {"reason": "월간 상담 현황 보고"}
    ),
    ("console/subjects/<uuid:subject_id>/", "GET"): Row("get", lambda w: f"/console/subjects/{w.hong.subject_id}/", HONG),
    ("console/subjects/<uuid:subject_id>/reveal/<int:submission_id>/<slug:item>/", "GET"): Row(
        "get", lambda w: f"/console/subjects/{w.hong.subject_id}/reveal/{w.hong.submission_id}/name/", HONG
    ),
    ("console/subjects/<uuid:subject_id>/reveal/<int:submission_id>/<slug:item>/", "POST"): Row(
        "post",
        lambda w: f"/console/subjects/{w.hong.subject_id}/reveal/{w.hong.submission_id}/name/",
        HONG,
        lambda _w: {"reason": "고객 회신 전화"},
    ),
    ("console/subjects/<uuid:subject_id>/holds/", "POST"): Row(
        "post",
        lambda w: f"/console/subjects/{w.hong.subject_id}/holds/",
        HONG,
        lambda _w: {"rule": "commercial_act_books", "reason": "사건 2026-17"},
    ),
    ("console/subjects/<uuid:subject_id>/holds/<int:hold_id>/release/", "POST"): Row(
        "post", lambda w: f"/console/subjects/{w.hong.subject_id}/holds/{w.hold.pk}/release/", HONG
    ),
    ("console/engagements/<int:engagement_id>/reply/", "POST"): Row(
        "post", lambda w: f"/console/engagements/{w.hong.engagement_id}/reply/", CONSULTING
    ),
    ("console/engagements/<int:engagement_id>/close/", "POST"): Row(
        "post", lambda w: f"/console/engagements/{w.hong.engagement_id}/close/", CONSULTING, lambda _w: {"event": "closed"}
    ),
    ("console/dashboard/", "GET"): Row("get", _c("/console/dashboard/"), OFFICERS),
    ("console/incidents/", "GET"): Row("get", _c("/console/incidents/"), OFFICERS),
    ("console/incidents/breaches/new/", "GET"): Row("get", _c("/console/incidents/breaches/new/"), OFFICERS),
    ("console/incidents/breaches/<int:breach_id>/", "GET"): Row(
        "get", lambda w: f"/console/incidents/breaches/{w.breach}/", OFFICERS
    ),
    ("console/incidents/transfers/new/", "GET"): Row("get", _c("/console/incidents/transfers/new/"), OFFICERS),
    ("console/incidents/transfers/<int:transfer_id>/", "GET"): Row(
        "get", lambda w: f"/console/incidents/transfers/{w.transfer}/", OFFICERS
    ),
    ("console/incidents/<str:kind>/<int:incident_id>/export.<str:fmt>", "POST"): Row(
        "post", lambda w: f"/console/incidents/breach/{w.breach}/export.json", OFFICERS
    ),
    ("console/rights/", "GET"): Row("get", _c("/console/rights/"), OFFICERS),
    ("console/rights/<uuid:request_id>/", "GET"): Row("get", lambda w: f"/console/rights/{w.rights_request}/", OFFICERS),
    ("console/rights/<uuid:request_id>/<slug:action>/", "POST"): Row(
        "post",
        lambda w: f"/console/rights/{w.rights_request}/answer/",
        OFFICERS,
        lambda _w: {"outcome": "done", "reason": ""},
    ),
    ("console/review/", "GET"): Row("get", _c("/console/review/"), OFFICERS),
    ("console/review/", "POST"): Row(
        "post", _c("/console/review/"), OFFICERS, lambda _w: {"record": "1", "month": "2026-11"}
    ),
    # the JSON API (its document and every operation)
    ("api/v1/", "GET"): Row("get", _c("/api/v1/"), frozenset()),  # no page at the root
    ("api/v1/openapi.json", "GET"): Row("get", _c("/api/v1/openapi.json"), EVERYONE),
    ("api/v1/docs", "GET"): Row("get", _c("/api/v1/docs"), EVERYONE),
    ("/api/v1/policy", "GET"): Row("get", _c("/api/v1/policy"), EVERYONE),
    # no worker beats in a test: the health check answers 503, which is its answer, not a refusal
    ("/api/v1/health", "GET"): Row("get", _c("/api/v1/health"), EVERYONE, answered=frozenset({503})),
    ("/api/v1/rights/verifications", "POST"): Row(
        "post", _c("/api/v1/rights/verifications"), EVERYONE, lambda _w: {"email": "nobody@example.com"}, json=True
    ),
    ("/api/v1/rights/verifications/confirm", "POST"): Row(
        "post",
        _c("/api/v1/rights/verifications/confirm"),
        EVERYONE,
        lambda _w: {"verification": "x", "code": "000000"},
        json=True,
        answered=frozenset({400}),
    ),
    ("/api/v1/rights/me", "GET"): Row("get", _c("/api/v1/rights/me"), frozenset()),
    ("/api/v1/rights/me/withdrawals", "POST"): Row(
        "post", _c("/api/v1/rights/me/withdrawals"), frozenset(), lambda _w: {"purposes": ["marketing"]}, json=True
    ),
    ("/api/v1/rights/me/deletion", "POST"): Row("post", _c("/api/v1/rights/me/deletion"), frozenset(), json=True),
    ("/api/v1/rights-requests", "GET"): Row("get", _c("/api/v1/rights-requests"), frozenset({"token_staff"})),
    ("/api/v1/rights-requests/{request_id}", "GET"): Row(
        "get", lambda w: f"/api/v1/rights-requests/{w.rights_request}", frozenset({"token_staff"})
    ),
    ("/api/v1/rights-requests/{request_id}/answer", "POST"): Row(
        "post",
        lambda w: f"/api/v1/rights-requests/{w.rights_request}/answer",
        frozenset({"token_staff"}),
        lambda _w: {"outcome": "done"},
        json=True,
    ),
    ("/api/v1/rights-requests/{request_id}/extend", "POST"): Row(
        "post",
        lambda w: f"/api/v1/rights-requests/{w.rights_request}/extend",
        frozenset({"token_staff"}),
        lambda _w: {"until": "2099-01-01", "reason": "자료 확인"},
        json=True,
        answered=frozenset({400}),
    ),
    ("/api/v1/submissions", "POST"): Row(
        "post",
        _c("/api/v1/submissions"),
        frozenset({"token_intake"}),
        lambda _w: {"purpose": "consulting", "fields": alice_fields(), "consents": {"consulting": True}},
        json=True,
    ),
    ("/api/v1/engagements/{engagement_id}/end", "POST"): Row(
        "post", lambda w: f"/api/v1/engagements/{w.api_engagement}/end", frozenset({"token_intake", "token_staff"}), json=True
    ),
    ("/api/v1/subjects/{subject_id}/legal-holds", "GET"): Row(
        "get", lambda w: f"/api/v1/subjects/{w.hong.subject_id}/legal-holds", frozenset({"token_staff"})
    ),
    ("/api/v1/subjects/{subject_id}/legal-holds", "POST"): Row(
        "post",
        lambda w: f"/api/v1/subjects/{w.hong.subject_id}/legal-holds",
        frozenset({"token_staff"}),
        lambda _w: {"rule": "commercial_act_books", "reason": "사건 2026-18"},
        json=True,
    ),
    ("/api/v1/subjects/{subject_id}/legal-holds/{hold_id}", "DELETE"): Row(
        "delete", lambda w: f"/api/v1/subjects/{w.hong.subject_id}/legal-holds/{w.hold.pk}", frozenset({"token_staff"})
    ),
    ("/api/v1/destruction-register", "GET"): Row("get", _c("/api/v1/destruction-register"), frozenset({"token_staff"})),
}

API_PREFIX = "api/v1/"
API_PAGES = {"api/v1/", "api/v1/openapi.json", "api/v1/docs"}


def resolver_routes() -> set[str]:
    """Every URL pattern of the site, as one string per pattern (the API's operations aside)."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> list[str]:
        found: list[str] = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found.extend(walk(pattern.url_patterns, prefix + str(pattern.pattern)))
            else:
                found.append(prefix + str(pattern.pattern))
        return found

    routes = set(walk(get_resolver().url_patterns, ""))
    return {r for r in routes if not r.startswith(API_PREFIX) or r in API_PAGES}


def api_operations(client: Client) -> set[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json").json()
    return {(path, method.upper()) for path, item in document["paths"].items() for method in item}


def test_every_url_and_api_operation_has_a_row(client, published_policy):
    rows = set(MATRIX)
    web = {route for route, _method in rows if not route.startswith("/api/")}
    api = {key for key in rows if key[0].startswith("/api/")}
    assert web == resolver_routes(), "a URL pattern without a row in MATRIX, or a row for none"
    assert api == api_operations(client), "an API operation without a row in MATRIX, or a row for none"


def test_every_role_of_the_policy_is_a_column(published_policy):
    assert {role.code for role in scoped(published_policy.policy).roles} == set(ROLES)


@dataclass
class World:
    version: PolicyVersion
    hong: Any
    hold: Any
    confirm: str
    unsubscribe: str
    done: str
    rights_request: str
    breach: int
    transfer: int
    refusal: str
    api_engagement: str = ""


def outcome(response: Any, row: Row) -> str:
    code = response.status_code
    if code in row.answered:
        return "allowed"
    if row.refused_to and code == 302 and response["Location"] == row.refused_to:
        return "refused"
    if code in (401, 403, 404) or (code == 302 and response["Location"].startswith("/console/login/")):
        return "refused"
    if 200 <= code < 400:
        return "allowed"
    raise AssertionError(f"unexpected status {code}")


def caller(principal: str, make_staff: Callable[..., Any]) -> tuple[Client, dict[str, Any]]:
    """A client for ``principal`` and the headers it sends with every request."""
    if principal == "anonymous":
        return Client(), {}
    if principal in TOKENS:
        scope = TokenScope(principal.removeprefix("token_"))
        with transaction.atomic():
            _token, plain = api_token_create(name=principal, scope=scope, actor=OPERATOR)
        return Client(), {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    if principal == "no_role":
        return signed_in(make_staff("nobody", None)), {}
    if principal == "password_only":
        client = Client()
        client.force_login(make_staff("bob", "marketing"))
        return client, {}
    if principal == "disabled":
        user = make_staff("bob", "marketing")
        client = signed_in(user)
        accounts.staff_disable(username="bob", actor=OPERATOR)
        return client, {}
    return signed_in(make_staff(principal.replace("_", "-"), principal)), {}


def send(client: Client, row: Row, world: World, headers: dict[str, Any]) -> Any:
    url, data = row.url(world), row.data(world)
    if row.json:
        return getattr(client, row.method)(url, data, content_type="application/json", **headers)
    if row.method == "get":
        return client.get(url, **headers)
    return getattr(client, row.method)(url, data, **headers)


@pytest.fixture
def world(published: PolicyVersion, make_staff: Callable[..., Any]) -> World:
    hong = submit("consulting", n=1, marketing=True)
    hold = legal_hold_place(subject_id=hong.subject_id, rule="commercial_act_books", reason="사건 2026-16", actor=OPERATOR)
    news = submit("newsletter", n=2)
    engagement = Engagement.objects.get(pk=news.engagement_id)
    breach = breach_record(
        policy=published.policy, discovered_at=clock.now(), cause=BreachCause.MISDELIVERY, items=["name"],
        description="메일 오발송", company_actions="회수 요청", subject_actions="주의", actor=OPERATOR,
    )
    transfer = transfer_record(
        policy=published.policy, transferee_name="주식회사 인수", transferee_address="서울특별시 중구 세종대로 1",
        transferee_phone="02-000-0000", transferee_contact="privacy@transferee.example", what_moves="상담 기록",
        purposes=["consulting"], transfer_date=(clock.now() + dt.timedelta(days=40)).date(), actor=OPERATOR,
    )
    return World(
        version=published, hong=hong, hold=hold,
        breach=breach.pk, transfer=transfer.pk,
        refusal=refusal_token_make(transfer_id=transfer.pk, subject_id=hong.subject_id),
        confirm=confirm_token_make(engagement), unsubscribe=unsubscribe_token_make(engagement),
        done=done_token_make(DoneReceipt(purpose="consulting", version=published.sha256, items=list(hong.items))),
        rights_request=str(
            rights_request_open(
                subject=Subject.objects.get(pk=hong.subject_id),
                kind="access",
                channel="phone",
                identity_method="staff_checked",
                identity_note="전화로 생년월일 확인",
                policy=published.policy,
                actor=OPERATOR,
                lang="ko",
            ).pk
        ),
    )


def own_engagement(client: Client, headers: dict[str, Any], principal: str) -> str:
    """An engagement the caller may end if any: for an intake token, one its own submission started."""
    submitter = headers if principal == "token_intake" else caller("token_intake", lambda *_a: None)[1]
    body = {"purpose": "consulting", "fields": alice_fields(), "consents": {"consulting": True}}
    response = Client().post("/api/v1/submissions", body, content_type="application/json", **submitter)
    return str(response.json()["engagement_id"])


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_the_authorization_matrix(principal, world, make_staff):
    client, headers = caller(principal, make_staff)
    world.api_engagement = own_engagement(client, headers, principal)
    cookies = copy.deepcopy(client.cookies)
    unexpected = []
    for key, row in MATRIX.items():
        client.cookies = copy.deepcopy(cookies)
        with transaction.atomic():
            response = send(client, row, world, headers)
            transaction.set_rollback(True)
        expected = "allowed" if principal in row.allowed else "refused"
        got = "allowed" if row.sign_in_page and response.status_code in (200, 302) else outcome(response, row)
        if got != expected:
            unexpected.append(f"{key[1]} {key[0]}: {got} (expected {expected}, {response.status_code})")
    assert not unexpected, "\n".join(unexpected)
