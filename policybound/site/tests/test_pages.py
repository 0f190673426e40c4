"""The public pages in Korean (the default) and English (through the language switch)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from policybound.audit.actors import Actor
from policybound.lib import clock
from policybound.policy.models import PolicyVersion
from policybound.policy.services import policy_publish
from policybound.policy.tests.factory import Data, dated_yaml, policy_yaml

pytestmark = pytest.mark.django_db

D = dt.date
NOW = dt.datetime(2024, 6, 1, 3, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def june_2024() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def publish(text: str, announced: dt.date, effective: dt.date) -> PolicyVersion:
    return policy_publish(text=text, announced=announced, effective=effective, actor=Actor.system("test"))


def with_two_forms(d: Data) -> None:
    d["purposes"].append({**d["purposes"][0], "code": "webinar", "label": {"ko": "웨비나 신청", "en": "Webinar registration"}})


@pytest.fixture
def current() -> PolicyVersion:
    return publish(policy_yaml(with_two_forms), D(2024, 3, 1), D(2024, 3, 8))


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- home -----------------------------------------------------------------------------------------


def test_home_links_to_each_web_form(client: Client, current: PolicyVersion) -> None:
    html = client.get("/").content.decode()
    assert '<a class="card__link" href="/forms/demo/">데모 신청</a>' in html
    assert '<a class="card__link" href="/forms/webinar/">웨비나 신청</a>' in html


def test_home_names_the_controller_and_links_to_the_policy(client: Client, current: PolicyVersion) -> None:
    html = client.get("/").content.decode()
    assert "한빛랩스 홈페이지" in html
    assert 'href="/privacy/"' in html


def test_home_in_english(english: Client, current: PolicyVersion) -> None:
    html = english.get("/").content.decode()
    assert '<html lang="en">' in html
    assert ">Demo request</a>" in html and "Read the privacy policy" in html


def test_home_leaves_out_purposes_without_a_form(client: Client) -> None:
    publish(policy_yaml(lambda d: d["purposes"][0].update(web_form=False)), D(2024, 3, 1), D(2024, 3, 8))
    assert "/forms/demo/" not in client.get("/").content.decode()


def test_home_says_when_nothing_is_published(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 404
    assert "개인정보처리방침이 아직 공개되지 않았습니다" in response.content.decode()


# --- /privacy/ ------------------------------------------------------------------------------------


def test_privacy_shows_the_version_in_force_in_korean(client: Client, current: PolicyVersion) -> None:
    html = client.get("/privacy/").content.decode()
    assert '<html lang="ko">' in html
    assert "<h1>한빛랩스 개인정보처리방침</h1>" in html
    assert "회사는 개인정보를 보호합니다." in html


def test_privacy_shows_the_dates(client: Client, current: PolicyVersion) -> None:
    html = client.get("/privacy/").content.decode()
    assert '<dt>공고일자</dt><dd><time datetime="2024-03-01">2024. 3. 1.</time></dd>' in html
    assert '<dt>시행일자</dt><dd><time datetime="2024-03-08">2024. 3. 8.</time></dd>' in html


def test_privacy_has_a_table_of_contents(client: Client, current: PolicyVersion) -> None:
    html = client.get("/privacy/").content.decode()
    assert '<li><a href="#article-general">제 1 조 총칙</a></li>' in html
    assert 'id="article-general"' in html


def test_privacy_in_english(english: Client, current: PolicyVersion) -> None:
    html = english.get("/privacy/").content.decode()
    assert "<h1>Hanbit Labs privacy policy</h1>" in html
    assert '<li><a href="#article-general">Article 1 General</a></li>' in html
    assert '<dt>Effective</dt><dd><time datetime="2024-03-08">March 8, 2024</time></dd>' in html


def test_the_language_switch_turns_the_page_english(client: Client, current: PolicyVersion) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/privacy/"})
    assert response.status_code == 302 and response["Location"] == "/privacy/"
    assert "<h1>Hanbit Labs privacy policy</h1>" in client.get("/privacy/").content.decode()


def test_privacy_announces_an_upcoming_version(client: Client, current: PolicyVersion) -> None:
    upcoming = publish(dated_yaml(D(2024, 5, 25), D(2024, 6, 8)), D(2024, 5, 25), D(2024, 6, 8))
    html = client.get("/privacy/").content.decode()
    assert "개정된 개인정보처리방침이 2024. 5. 25.에 공고되었으며 2024. 6. 8.부터 시행됩니다." in html
    assert f'href="/privacy/versions/{upcoming.short_sha}/"' in html


def test_privacy_announces_an_upcoming_version_in_english(english: Client, current: PolicyVersion) -> None:
    publish(dated_yaml(D(2024, 5, 25), D(2024, 6, 8)), D(2024, 5, 25), D(2024, 6, 8))
    html = english.get("/privacy/").content.decode()
    assert "A revised privacy policy was announced on May 25, 2024 and takes effect on June 8, 2024." in html


def test_privacy_keeps_quiet_about_a_version_not_yet_announced(client: Client, current: PolicyVersion) -> None:
    publish(dated_yaml(D(2024, 7, 1), D(2024, 7, 8)), D(2024, 7, 1), D(2024, 7, 8))
    assert 'role="note"' not in client.get("/privacy/").content.decode()


def test_privacy_is_404_when_nothing_is_published(client: Client) -> None:
    assert client.get("/privacy/").status_code == 404


def test_every_page_links_to_the_privacy_policy_in_its_footer(client: Client, current: PolicyVersion) -> None:
    for url in ("/", "/privacy/", "/privacy/versions/"):
        assert '<a class="site-footer__privacy" href="/privacy/">개인정보처리방침</a>' in client.get(url).content.decode()


# --- /privacy/versions/ ---------------------------------------------------------------------------


@pytest.fixture
def three_versions() -> list[PolicyVersion]:
    return [
        publish(dated_yaml(D(2023, 1, 1), D(2023, 1, 8), title="2023년 방침"), D(2023, 1, 1), D(2023, 1, 8)),
        publish(dated_yaml(D(2024, 3, 1), D(2024, 3, 8), title="2024년 방침"), D(2024, 3, 1), D(2024, 3, 8)),
        publish(dated_yaml(D(2024, 5, 25), D(2024, 6, 8), title="개정 방침"), D(2024, 5, 25), D(2024, 6, 8)),
    ]


def test_versions_lists_every_announced_version(client: Client, three_versions: list[PolicyVersion]) -> None:
    html = client.get("/privacy/versions/").content.decode()
    positions = [html.index(f'href="/privacy/versions/{v.short_sha}/"') for v in reversed(three_versions)]
    assert positions == sorted(positions)


def test_versions_marks_the_version_in_force_and_the_upcoming_one(client: Client, three_versions: list[PolicyVersion]) -> None:
    html = client.get("/privacy/versions/").content.decode()
    assert '2024년 방침</a>\n        <span class="badge badge--current">시행 중</span>' in html
    assert '개정 방침</a>\n        <span class="badge badge--upcoming">시행 예정</span>' in html


def test_versions_in_english(english: Client, three_versions: list[PolicyVersion]) -> None:
    html = english.get("/privacy/versions/").content.decode()
    assert "<h1>Versions of the privacy policy</h1>" in html
    assert ">In force</span>" in html and ">Upcoming</span>" in html


def test_an_old_version_is_still_readable(client: Client, three_versions: list[PolicyVersion]) -> None:
    old = three_versions[0]
    html = client.get(f"/privacy/versions/{old.short_sha}/").content.decode()
    assert "<h1>2023년 방침</h1>" in html
    assert "이 버전은 이전 버전으로, 현재 시행되고 있지 않습니다." in html
    assert '<time datetime="2023-01-08">2023. 1. 8.</time>' in html


def test_an_old_version_by_id_in_english(english: Client, three_versions: list[PolicyVersion]) -> None:
    html = english.get(f"/privacy/versions/{three_versions[0].pk}/").content.decode()
    assert "This is an earlier version and is no longer in force." in html
    assert 'href="/privacy/">Read the privacy policy in force</a>' in html


def test_the_version_in_force_shows_no_old_version_notice(client: Client, three_versions: list[PolicyVersion]) -> None:
    html = client.get(f"/privacy/versions/{three_versions[1].short_sha}/").content.decode()
    assert "notice--old" not in html


def test_an_upcoming_version_says_it_is_not_in_force_yet(client: Client, three_versions: list[PolicyVersion]) -> None:
    html = client.get(f"/privacy/versions/{three_versions[2].short_sha}/").content.decode()
    assert "이 버전은 아직 시행되지 않았습니다." in html


def test_an_unknown_version_is_404(client: Client, three_versions: list[PolicyVersion]) -> None:
    assert client.get("/privacy/versions/deadbeef00/").status_code == 404
    assert client.get("/privacy/versions/9999/").status_code == 404


def test_a_version_not_yet_announced_is_404(client: Client, current: PolicyVersion) -> None:
    future = publish(dated_yaml(D(2024, 7, 1), D(2024, 7, 8)), D(2024, 7, 1), D(2024, 7, 8))
    assert client.get(f"/privacy/versions/{future.short_sha}/").status_code == 404


# --- the bundled policy ---------------------------------------------------------------------------


def test_the_bundled_policy_renders_every_article_in_its_contents(client: Client, published_policy: PolicyVersion) -> None:
    html = client.get("/privacy/").content.decode()
    assert html.count('<li><a href="#article-') == len(published_policy.policy.document.articles)


def test_the_bundled_policy_links_each_form_from_home(english: Client, published_policy: PolicyVersion) -> None:
    html = english.get("/").content.decode()
    for purpose in published_policy.policy.form_purposes():
        assert f'href="/forms/{purpose.code}/">{purpose.label.en}</a>' in html


# --- a title with placeholders --------------------------------------------------------------------


def titled_by_placeholder(d: Data) -> None:
    d["document"]["title"] = {
        "ko": "{{ controller.name }} 개인정보 처리방침",
        "en": "{{ controller.name }} privacy policy",
    }


@pytest.fixture
def placeholder_title() -> PolicyVersion:
    return publish(policy_yaml(titled_by_placeholder), D(2024, 3, 1), D(2024, 3, 8))


def test_a_title_placeholder_resolves_on_every_page_that_shows_it(client: Client, placeholder_title: PolicyVersion) -> None:
    korean = [client.get(url).content.decode() for url in ("/privacy/", "/privacy/versions/")]
    for page in korean:
        assert "{{" not in page
    assert "<title>주식회사 한빛랩스 개인정보 처리방침" in korean[0]
    assert "<h1>주식회사 한빛랩스 개인정보 처리방침</h1>" in korean[0]
    assert "주식회사 한빛랩스 개인정보 처리방침</a>" in korean[1]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<h1>Hanbit Labs Inc. privacy policy</h1>" in client.get("/privacy/").content.decode()


def test_a_title_placeholder_resolves_in_the_api_and_the_cli(client: Client, placeholder_title: PolicyVersion) -> None:
    from io import StringIO

    from django.core.management import call_command

    assert client.get("/api/v1/policy").json()["title"] == {
        "ko": "주식회사 한빛랩스 개인정보 처리방침",
        "en": "Hanbit Labs Inc. privacy policy",
    }
    out = StringIO()
    call_command("policy", "versions", stdout=out)
    assert "주식회사 한빛랩스 개인정보 처리방침" in out.getvalue()
    assert "{{" not in out.getvalue()
    assert placeholder_title.title == "주식회사 한빛랩스 개인정보 처리방침"


# --- change notice and /privacy/versions/<a>...<b>/ --------------------------------------------------


def longer_demo(d: Data) -> None:
    d["purposes"][0]["retention"]["period"] = "P12M"


@pytest.fixture
def revised() -> list[PolicyVersion]:
    """The policy in force since 2024-03-08 and a revision announced 2024-05-25, in force from 2024-06-08."""
    first = publish(policy_yaml(), D(2024, 3, 1), D(2024, 3, 8))
    text = policy_yaml(longer_demo).replace("2024-03-01", "2024-05-25").replace("2024-03-08", "2024-06-08")
    return [first, publish(text, D(2024, 5, 25), D(2024, 6, 8))]


def test_every_page_announces_a_revision_with_a_link_to_what_changed(
    client: Client, revised: list[PolicyVersion]
) -> None:
    old, new = revised
    link = f'href="/privacy/versions/{old.short_sha}...{new.short_sha}/"'
    for url in ("/", "/privacy/", "/privacy/versions/", "/forms/demo/"):
        page = client.get(url).content.decode()
        assert "개인정보처리방침이 개정되어 2024. 6. 8.부터 시행됩니다." in page, url
        assert link in page


def test_the_notice_stays_until_the_set_days_after_the_revision_takes_effect(
    client: Client, revised: list[PolicyVersion], settings: Any
) -> None:
    settings.POLICYBOUND_CHANGE_NOTICE_DAYS = 30
    with clock.frozen(dt.datetime(2024, 7, 8, 3, tzinfo=dt.UTC)):
        assert "2024. 6. 8.부터 시행되고 있습니다." in client.get("/").content.decode()
    with clock.frozen(dt.datetime(2024, 7, 9, 3, tzinfo=dt.UTC)):
        assert 'class="change-notice"' not in client.get("/").content.decode()


def test_the_first_version_has_no_change_notice(client: Client) -> None:
    text = policy_yaml().replace("2024-03-01", "2024-05-25").replace("2024-03-08", "2024-05-28")
    publish(text, D(2024, 5, 25), D(2024, 5, 28))
    assert client.get("/privacy/").status_code == 200  # in force, and alone
    assert 'class="change-notice"' not in client.get("/").content.decode()


def test_the_change_page_names_the_change_and_the_consent_it_needs(
    client: Client, revised: list[PolicyVersion]
) -> None:
    old, new = revised
    page = client.get(f"/privacy/versions/{old.short_sha}...{new.short_sha}/").content.decode()
    assert "<h2>처리 목적과 보유 기간</h2>" in page
    assert "보유 기간: 데모 종료 후 6 개월 (최대 수집일로부터 12 개월) → 데모 종료 후 12 개월" in page
    assert "새 동의가 필요한 변경이 1건 있습니다." in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/privacy/versions/{old.short_sha}...{new.short_sha}/").content.decode()
    assert "retention: 6 months after the demo held (at most 12 months from collection) → 12 months after" in english


def test_the_change_page_is_404_for_an_unknown_version(client: Client, revised: list[PolicyVersion]) -> None:
    assert client.get(f"/privacy/versions/{revised[0].short_sha}...abcdef1234/").status_code == 404
