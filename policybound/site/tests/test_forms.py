"""The public forms: generated from the policy in force, strict as the policy, kind to the visitor.

Alice Kim sends a consulting request from Hanbit Corp.; every value below is made up.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

from policybound.collection.models import ConsentReceipt, Engagement, ReceiptEvent, Submission
from policybound.collection.notices import consent_notice
from policybound.lib import clock
from policybound.lib.testing import EXAMPLE_POLICIES, policy_publish_file, policy_publish_text
from policybound.policy.loader import policy_load
from policybound.policy.models import PolicyVersion
from policybound.policy.schema import ItemKind, Policy
from policybound.site.forms.receipt import MAX_AGE_SECONDS
from policybound.subjects.models import Subject

BUNDLED = Path(settings.POLICYBOUND_BUNDLED_POLICY)
EXAMPLES = EXAMPLE_POLICIES
BUNDLED_FORMS = [purpose.code for purpose in policy_load(BUNDLED).policy.form_purposes()]
ALICE = {
    "name": "Alice Kim",
    "phone": "010-2000-3000",
    "email": "alice.kim@hanbit-corp.example",
    "company": "Hanbit Corp.",
    "message": "We would like advice on moving our call centre to the cloud.",
}
RESIDENT_NUMBER = "900101-1234568"  # a made-up number that passes the check digit


def in_force_day(policy: Policy) -> dt.datetime:
    return dt.datetime.combine(policy.effective, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=1)


@pytest.fixture
def bundled(published_policy: PolicyVersion) -> PolicyVersion:
    return published_policy


def form_data(client: Client, purpose: str, **overrides: Any) -> dict[str, Any]:
    """What a visitor posts: the page's notice digest, the fields of the purpose and its consent."""
    page = client.get(f"/forms/{purpose}/").content.decode()
    digest = re.search(r'name="form-notice" value="([0-9a-f]+)"', page)
    assert digest is not None
    fields = {name: value for name, value in ALICE.items() if f'name="{name}"' in page}
    data: dict[str, Any] = {"form-notice": digest.group(1), **fields, f"consent-{purpose}": "yes"}
    if 'name="interests"' in page:
        data["interests"] = ["cloud", "security"]
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def control(page: str, control_id: str) -> str:
    """The opening tag of the control with ``id``."""
    match = re.search(rf'<(input|textarea)[^>]*\bid="{control_id}"[^>]*>', page)
    assert match is not None, control_id
    return match.group(0)


def notice_of(receipt: ConsentReceipt) -> str:
    assert receipt.notice is not None
    return receipt.notice.text


def notice_shown(page: str, code: str) -> str:
    match = re.search(rf'<div class="consent__notice" id="notice-{code}">(.*?)</div>', page, re.S)
    assert match is not None
    return html.unescape(match.group(1))


# --- the form is the policy -------------------------------------------------------------------


@pytest.mark.parametrize("purpose", BUNDLED_FORMS)
def test_it_renders_every_form_of_the_bundled_policy(client: Client, bundled: PolicyVersion, purpose: str) -> None:
    policy = bundled.policy
    page = client.get(f"/forms/{purpose}/").content.decode()
    for code in policy.purpose(purpose).items:
        item = policy.item(code)
        first = f"field-{code}"
        assert f'for="{first}"' in page or item.kind is ItemKind.CHOICES
        assert item.label.ko in page
        if item.kind is not ItemKind.CHOICES:
            assert " required" in control(page, first)
    form = page[page.index('<form class="pb-form"'):]
    form = form[: form.index("</form>")]
    names = set(re.findall(r'<(?:input|textarea)[^>]*\bname="([^"]+)"', form))
    names -= {"csrfmiddlewaretoken", "form-notice", "company-website"}
    consents = {name for name in names if name.startswith("consent-")}
    assert names - consents == set(policy.purpose(purpose).items)
    assert consents == {f"consent-{purpose}", "consent-marketing"}


def test_it_lists_the_forms_of_the_bundled_policy() -> None:
    assert BUNDLED_FORMS == ["consulting", "inquiry", "newsletter", "report_download"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_it_renders_every_form_of_an_example_policy(client: Client, db: Any, path: Path) -> None:
    version = policy_publish_file(path)
    policy = version.policy
    with clock.frozen(in_force_day(policy)):
        for purpose in policy.form_purposes():
            page = client.get(f"/forms/{purpose.code}/").content.decode()
            for code in [*purpose.items, *purpose.optional_items]:
                assert policy.item(code).label.ko in page
            for code in purpose.optional_items:
                assert " required" not in control(page, f"field-{code}")
            for offered in policy.optional_purposes_offered_with(purpose.code):
                assert " checked" not in control(page, f"consent-{offered.code}")
        for purpose in policy.purposes:
            if not purpose.web_form:
                assert client.get(f"/forms/{purpose.code}/").status_code == 404


def example_with_provision() -> Path:
    """The shipped example policy that provides data to a third party under a consent (never skipped)."""
    found = [p for p in EXAMPLES if any(t.consent_purpose for t in policy_load(p).policy.third_parties)]
    assert found, "policies/examples/ must hold a policy with a consented third-party provision"
    return found[0]


def test_it_shows_a_third_party_provision_beside_its_consent(client: Client, db: Any) -> None:
    path = example_with_provision()
    policy = policy_publish_file(path).policy
    provision = next(p for p in policy.third_parties if p.consent_purpose)
    code = provision.consent_purpose
    assert code is not None
    purpose = next(p for p in policy.form_purposes() if p.code in policy.purpose(code).offered_with)
    with clock.frozen(in_force_day(policy)):
        page = client.get(f"/forms/{purpose.code}/").content.decode()
    notice = notice_shown(page, code)
    assert provision.recipient.ko in notice
    assert provision.retention.ko in notice
    assert " required" not in control(page, f"consent-{code}")


def test_it_keeps_a_third_party_provision_in_the_receipt(client: Client, db: Any) -> None:
    path = example_with_provision()
    policy = policy_publish_file(path).policy
    code = next(p.consent_purpose for p in policy.third_parties if p.consent_purpose)
    assert code is not None
    purpose = next(p for p in policy.form_purposes() if p.code in policy.purpose(code).offered_with)
    fill = {"name": "Alice Kim", "email": ALICE["email"], "phone": ALICE["phone"], "organization": "Hanbit Corp.",
            "short_text": "Head of HR", "free_text": ALICE["message"]}
    with clock.frozen(in_force_day(policy)):
        page = client.get(f"/forms/{purpose.code}/").content.decode()
        data = form_data(client, purpose.code, **{f"consent-{code}": "yes"})
        data.update({c: fill[policy.item(c).kind.value] for c in purpose.items if policy.item(c).kind.value in fill})
        assert client.post(f"/forms/{purpose.code}/", data).status_code == 302
    receipt = ConsentReceipt.objects.get(purpose=code)
    assert receipt.event == ReceiptEvent.GIVEN
    assert notice_of(receipt) == notice_shown(page, code)


def test_it_gives_a_purpose_added_to_the_policy_its_form(client: Client, db: Any) -> None:
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    webinar = dict(data["purposes"][0], code="webinar", items=["name", "email"], optional_items=["company"])
    webinar["label"] = {"ko": "웨비나 신청", "en": "Webinar registration"}
    data["purposes"].append(webinar)
    policy_publish_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    page = client.get("/forms/webinar/").content.decode()
    assert "웨비나 신청" in page
    assert " required" in control(page, "field-email") and " required" not in control(page, "field-company")
    assert 'name="phone"' not in page
    data = form_data(client, "webinar", company="")
    assert client.post("/forms/webinar/", data).status_code == 302
    assert Submission.objects.get().purpose == "webinar"


def test_it_answers_404_for_an_unknown_purpose(client: Client, bundled: PolicyVersion) -> None:
    assert client.get("/forms/astrology/").status_code == 404


def test_it_answers_404_for_a_purpose_without_a_form(client: Client, bundled: PolicyVersion) -> None:
    assert client.get("/forms/marketing/").status_code == 404


def test_it_answers_404_while_no_policy_is_in_force(client: Client, db: Any) -> None:
    assert client.get("/forms/consulting/").status_code == 404


def test_it_picks_widgets_by_item_kind(client: Client, bundled: PolicyVersion) -> None:
    page = client.get("/forms/newsletter/").content.decode()
    assert 'type="email"' in control(page, "field-email")
    assert 'autocomplete="email"' in control(page, "field-email")
    phone = control(page, "field-phone")
    assert 'type="tel"' in phone and 'autocomplete="tel"' in phone and 'inputmode="tel"' in phone
    assert 'autocomplete="name"' in control(page, "field-name")
    assert 'autocomplete="organization"' in control(page, "field-company")
    assert 'type="checkbox"' in control(page, "field-interests")
    assert 'value="security"' in control(page, "field-interests-security")


def test_it_bounds_the_question_by_the_policy(client: Client, bundled: PolicyVersion) -> None:
    page = client.get("/forms/inquiry/").content.decode()
    textarea = control(page, "field-message")
    assert textarea.startswith("<textarea") and 'maxlength="2000"' in textarea


def test_it_shows_the_consent_notice_of_the_policy(client: Client, bundled: PolicyVersion) -> None:
    page = client.get("/forms/consulting/").content.decode()
    assert notice_shown(page, "consulting") == consent_notice(bundled.policy, "consulting", lang="ko")
    assert notice_shown(page, "marketing") == consent_notice(bundled.policy, "marketing", lang="ko")


def test_it_asks_the_required_consent_unticked(client: Client, bundled: PolicyVersion) -> None:
    box = control(client.get("/forms/consulting/").content.decode(), "consent-consulting")
    assert " checked" not in box and " required" in box


def test_it_offers_marketing_unticked_and_optional(client: Client, bundled: PolicyVersion) -> None:
    box = control(client.get("/forms/consulting/").content.decode(), "consent-marketing")
    assert " checked" not in box and " required" not in box


def test_it_renders_in_english(client: Client, bundled: PolicyVersion) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/forms/consulting/").content.decode()
    assert "Phone number" in page and "연락처" not in page
    assert notice_shown(page, "consulting") == consent_notice(bundled.policy, "consulting", lang="en")
    assert '<html lang="en">' in page


def test_it_puts_a_honeypot_out_of_reach(client: Client, bundled: PolicyVersion) -> None:
    page = client.get("/forms/consulting/").content.decode()
    trap = control(page, "hp-company-website")
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert '<div class="hp-field" aria-hidden="true">' in page


# --- sending ----------------------------------------------------------------------------------


def test_it_stores_a_request_and_redirects_to_its_confirmation(client: Client, bundled: PolicyVersion) -> None:
    response = client.post("/forms/consulting/", form_data(client, "consulting"))
    assert response.status_code == 302
    assert response["Location"].startswith("/forms/consulting/done/?r=")
    submission = Submission.objects.get()
    assert submission.purpose == "consulting" and submission.channel == "web"


def test_it_keeps_the_notice_shown_in_the_receipt(client: Client, bundled: PolicyVersion) -> None:
    page = client.get("/forms/consulting/").content.decode()
    client.post("/forms/consulting/", form_data(client, "consulting", **{"consent-marketing": "yes"}))
    receipts = {r.purpose: r for r in ConsentReceipt.objects.select_related("notice")}
    assert notice_of(receipts["consulting"]) == notice_shown(page, "consulting")
    assert notice_of(receipts["marketing"]) == notice_shown(page, "marketing")


def test_it_keeps_the_english_notice_in_the_receipt(client: Client, bundled: PolicyVersion) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/forms/inquiry/").content.decode()
    client.post("/forms/inquiry/", form_data(client, "inquiry"))
    receipt = ConsentReceipt.objects.select_related("notice").get(purpose="inquiry")
    assert notice_of(receipt) == notice_shown(page, "inquiry")


def test_it_records_marketing_left_unticked_as_refused(client: Client, bundled: PolicyVersion) -> None:
    client.post("/forms/report_download/", form_data(client, "report_download"))
    assert ConsentReceipt.objects.get(purpose="marketing").event == ReceiptEvent.REFUSED
    assert not Engagement.objects.filter(purpose="marketing").exists()


def test_it_refuses_a_foreign_field(client: Client, bundled: PolicyVersion) -> None:
    response = client.post("/forms/report_download/", form_data(client, "report_download", fax="02-0000-0000"))
    assert response.status_code == 200
    assert "fax" in response.content.decode()
    assert not Submission.objects.exists() and not Subject.objects.exists()


def test_it_refuses_a_consent_the_form_does_not_ask(client: Client, bundled: PolicyVersion) -> None:
    data = form_data(client, "report_download", **{"consent-newsletter": "yes"})
    page = client.post("/forms/report_download/", data).content.decode()
    assert 'class="error-summary"' in page and "newsletter" in page
    assert not Submission.objects.exists()


def test_it_refuses_without_the_required_consent(client: Client, bundled: PolicyVersion) -> None:
    response = client.post("/forms/consulting/", form_data(client, "consulting", **{"consent-consulting": None}))
    page = response.content.decode()
    assert 'id="error-consent-consulting"' in page
    assert "error-consent-consulting" in control(page, "consent-consulting")
    assert not Submission.objects.exists()


def test_it_ties_each_error_to_its_field(client: Client, bundled: PolicyVersion) -> None:
    page = client.post("/forms/consulting/", form_data(client, "consulting", phone="12345")).content.decode()
    phone = control(page, "field-phone")
    assert 'aria-invalid="true"' in phone and 'aria-describedby="error-phone"' in phone
    assert '<p class="field__error" id="error-phone">' in page
    assert 'href="#field-phone"' in page
    assert 'aria-invalid' not in control(page, "field-email")


def test_it_shows_an_error_summary_first(client: Client, bundled: PolicyVersion) -> None:
    page = client.post("/forms/consulting/", form_data(client, "consulting", email="")).content.decode()
    summary = page.index('class="error-summary"')
    assert summary < page.index('id="field-name"')
    assert 'href="#field-email"' in page


def test_it_keeps_what_was_typed(client: Client, bundled: PolicyVersion) -> None:
    data = form_data(client, "newsletter", phone="010-12", **{"consent-marketing": "yes"})
    page = client.post("/forms/newsletter/", data).content.decode()
    assert 'value="Hanbit Corp."' in control(page, "field-company")
    assert 'value="010-12"' in control(page, "field-phone")
    assert " checked" in control(page, "field-interests-cloud")
    assert " checked" not in control(page, "field-interests-ai")
    assert " checked" in control(page, "consent-marketing")


def test_it_answers_in_english_when_the_visitor_reads_english(client: Client, bundled: PolicyVersion) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post("/forms/consulting/", form_data(client, "consulting", phone="12345")).content.decode()
    assert "Enter a phone number" in page


def test_it_refuses_a_resident_number_and_does_not_echo_it(client: Client, bundled: PolicyVersion) -> None:
    question = f"My number is {RESIDENT_NUMBER}, please check my contract."
    response = client.post("/forms/inquiry/", form_data(client, "inquiry", message=question))
    page = response.content.decode()
    assert RESIDENT_NUMBER not in page and "check my contract" not in page
    assert "주민등록번호" in page
    assert re.search(r'id="field-message"[^>]*></textarea>', page)
    assert not Submission.objects.exists()


def test_it_requires_the_csrf_token(bundled: PolicyVersion) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/forms/consulting/", dict(ALICE, **{"consent-consulting": "yes"}))
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_it_reshows_the_form_when_the_notice_changed(client: Client, bundled: PolicyVersion) -> None:
    response = client.post("/forms/consulting/", form_data(client, "consulting", **{"form-notice": "0" * 32}))
    assert response.status_code == 200
    assert "class=\"error-summary\"" in response.content.decode()
    assert not Submission.objects.exists()


# --- bots -------------------------------------------------------------------------------------


def test_it_turns_a_bot_away_silently(client: Client, bundled: PolicyVersion) -> None:
    data = form_data(client, "consulting", **{"company-website": "http://spam.example"})
    response = client.post("/forms/consulting/", data)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert not Submission.objects.exists() and not Subject.objects.exists()


@override_settings(POLICYBOUND_FORM_RATE_LIMIT=2, POLICYBOUND_FORM_RATE_WINDOW_SECONDS=600)
def test_it_rate_limits_one_address(client: Client, bundled: PolicyVersion) -> None:
    data = form_data(client, "consulting", phone="1")
    with clock.frozen(dt.datetime(2025, 5, 1, 10, 0, 30, tzinfo=dt.UTC)):
        assert client.post("/forms/consulting/", data).status_code == 200
        assert client.post("/forms/consulting/", data).status_code == 200
        response = client.post("/forms/consulting/", data)
    assert response.status_code == 429
    assert response["Retry-After"] == "570"
    assert "10분 후에" in response.content.decode()


@override_settings(POLICYBOUND_FORM_RATE_LIMIT=1)
def test_it_rate_limits_in_english(client: Client, bundled: PolicyVersion) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = form_data(client, "consulting", phone="1")
    client.post("/forms/consulting/", data)
    response = client.post("/forms/consulting/", data)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


@override_settings(POLICYBOUND_FORM_RATE_LIMIT=1)
def test_it_counts_each_address_apart(client: Client, bundled: PolicyVersion) -> None:
    data = form_data(client, "consulting", phone="1")
    assert client.post("/forms/consulting/", data, REMOTE_ADDR="192.0.2.10").status_code == 200
    assert client.post("/forms/consulting/", data, REMOTE_ADDR="192.0.2.11").status_code == 200
    assert client.post("/forms/consulting/", data, REMOTE_ADDR="192.0.2.10").status_code == 429


@override_settings(POLICYBOUND_FORM_RATE_LIMIT=1, POLICYBOUND_FORM_RATE_WINDOW_SECONDS=600)
def test_it_lets_the_address_in_again_next_window(client: Client, bundled: PolicyVersion) -> None:
    data = form_data(client, "consulting", phone="1")
    with clock.frozen(dt.datetime(2025, 5, 1, 10, 0, tzinfo=dt.UTC)):
        client.post("/forms/consulting/", data)
    with clock.frozen(dt.datetime(2025, 5, 1, 10, 10, tzinfo=dt.UTC)):
        assert client.post("/forms/consulting/", data).status_code == 200


@override_settings(POLICYBOUND_FORM_RATE_LIMIT=1)
def test_it_never_keeps_the_address_in_the_cache(client: Client, bundled: PolicyVersion) -> None:
    client.post("/forms/consulting/", form_data(client, "consulting", phone="1"), REMOTE_ADDR="192.0.2.77")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM policybound_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and not any("192.0.2.77" in key for key in keys)


# --- the confirmation page --------------------------------------------------------------------


def test_it_confirms_what_was_stored_without_the_values(client: Client, bundled: PolicyVersion) -> None:
    response = client.post("/forms/consulting/", form_data(client, "consulting"), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    for label in ("이름", "연락처", "이메일", "회사명", "문의 내용"):
        assert f"<li>{label}</li>" in page
    for value in ALICE.values():
        assert value not in page
    assert "12 개월" in page
    assert bundled.policy.contacts.access_requests.email in page


def test_it_confirms_in_english(client: Client, bundled: PolicyVersion) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post("/forms/report_download/", form_data(client, "report_download"), follow=True).content.decode()
    assert "<li>Email</li>" in page and "12 months" in page


def test_it_asks_a_newsletter_subscriber_to_check_their_mail(client: Client, bundled: PolicyVersion) -> None:
    page = client.post("/forms/newsletter/", form_data(client, "newsletter"), follow=True).content.decode()
    assert "메일" in page and "callout--action" in page


def test_it_does_not_ask_a_consulting_visitor_to_check_their_mail(client: Client, bundled: PolicyVersion) -> None:
    page = client.post("/forms/consulting/", form_data(client, "consulting"), follow=True).content.decode()
    assert "callout--action" not in page


def test_it_refuses_a_forged_confirmation(client: Client, bundled: PolicyVersion) -> None:
    assert client.get("/forms/consulting/done/?r=forged").status_code == 404


def test_it_refuses_a_confirmation_for_another_form(client: Client, bundled: PolicyVersion) -> None:
    location = client.post("/forms/consulting/", form_data(client, "consulting"))["Location"]
    assert client.get(location.replace("/consulting/", "/inquiry/")).status_code == 404


def test_it_lets_a_confirmation_expire(client: Client, bundled: PolicyVersion) -> None:
    sent = dt.datetime(2025, 5, 1, 10, 0, tzinfo=dt.UTC)
    with clock.frozen(sent):
        location = client.post("/forms/consulting/", form_data(client, "consulting"))["Location"]
    with clock.frozen(sent + dt.timedelta(seconds=MAX_AGE_SECONDS + 1)):
        assert client.get(location).status_code == 404
