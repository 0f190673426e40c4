from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from policybound.audit.actors import Actor
from policybound.policy.models import PolicyVersion
from policybound.policy.services import policy_publish
from policybound.policy.tests.factory import dated_yaml, line_of, policy_yaml


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("policy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(*args: str) -> tuple[CommandError, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("policy", *args, stdout=io.StringIO(), stderr=err)
    return raised.value, err.getvalue()


@pytest.fixture
def valid(tmp_path: Path) -> Path:
    path = tmp_path / "hanbit.yaml"
    path.write_text(policy_yaml(), encoding="utf-8")
    return path


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(policy_yaml(lambda d: d["roles"][0]["purposes"].append("lottery")), encoding="utf-8")
    return path


# --- check ----------------------------------------------------------------------------------------


def test_check_passes_a_valid_file(valid: Path) -> None:
    out, err = run("check", str(valid))
    assert out.strip() == f"{valid}: valid"
    assert err == ""


def test_check_prints_warnings_and_still_passes(tmp_path: Path) -> None:
    path = tmp_path / "warned.yaml"
    text = policy_yaml(lambda d: d["transfers"][0].update(refusal={"ko": "서비스가 제한될 수 있습니다.", "en": "Service may be limited."}))
    path.write_text(text, encoding="utf-8")
    out, err = run("check", str(path))
    assert err.startswith(f"{path}:{line_of(text, 'refusal:')}: warning: transfer 'cloud'")
    assert "(1 warning(s))" in out


def test_check_fails_with_file_and_line(broken: Path) -> None:
    error, err = failing("check", str(broken))
    line = line_of(broken.read_text(encoding="utf-8"), "- lottery")
    assert err.strip() == f"{broken}:{line}: role 'sales' names the unknown purpose 'lottery'"
    assert error.returncode == 1


def test_check_reports_schema_errors_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    text = policy_yaml(lambda d: d["purposes"][0].update(retension="P1Y"))
    path.write_text(text, encoding="utf-8")
    error, err = failing("check", str(path))
    assert err.startswith(f"{path}:{line_of(text, 'retension:')}: purposes.0.retension: unknown field")
    assert error.returncode == 1


def test_check_exits_1_from_the_shell(broken: Path) -> None:
    script = Path(sys.executable).parent / "policybound"
    result = subprocess.run([str(script), "policy", "check", str(broken)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert f"{broken}:" in result.stderr and "names the unknown purpose 'lottery'" in result.stderr


def test_check_exits_0_from_the_shell(valid: Path) -> None:
    script = Path(sys.executable).parent / "policybound"
    result = subprocess.run([str(script), "policy", "check", str(valid)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


# --- publish and versions -------------------------------------------------------------------------


@pytest.mark.django_db
def test_publish_stores_a_version(valid: Path) -> None:
    out, _ = run("publish", str(valid), "--announced", "2024-03-01", "--effective", "2024-03-08")
    version = PolicyVersion.objects.get()
    assert out.strip() == (
        f"Published version {version.pk} ({version.short_sha}): announced 2024-03-01, effective 2024-03-08"
    )
    assert version.published_by.startswith("system:cli:")


@pytest.mark.django_db
def test_publish_takes_the_dates_from_the_file_when_none_are_given(valid: Path) -> None:
    run("publish", str(valid))
    assert PolicyVersion.objects.get().effective == dt.date(2024, 3, 8)


@pytest.mark.django_db
def test_publish_refuses_an_invalid_file_and_stores_nothing(broken: Path) -> None:
    error, err = failing("publish", str(broken), "--announced", "2024-03-01", "--effective", "2024-03-08")
    assert "names the unknown purpose 'lottery'" in err
    assert "nothing was published" in str(error)
    assert not PolicyVersion.objects.exists()


@pytest.mark.django_db
def test_publish_refuses_dates_the_file_does_not_state(valid: Path) -> None:
    _, err = failing("publish", str(valid), "--announced", "2024-03-01", "--effective", "2024-05-01")
    assert "the file says effective: 2024-03-08" in err
    assert not PolicyVersion.objects.exists()


@pytest.mark.django_db
def test_publish_of_the_same_text_says_there_is_nothing_to_do(valid: Path) -> None:
    run("publish", str(valid))
    out, _ = run("publish", str(valid))
    assert "already published" in out and "nothing to do" in out
    assert PolicyVersion.objects.count() == 1


@pytest.mark.django_db
def test_publish_rejects_a_malformed_date(valid: Path) -> None:
    error, _ = failing("publish", str(valid), "--announced", "1 March", "--effective", "2024-03-08")
    assert "'1 March' is not a date" in str(error)


@pytest.mark.django_db
def test_versions_lists_each_version_with_its_status() -> None:
    for announced, effective in ((dt.date(2023, 1, 1), dt.date(2023, 1, 8)), (dt.date(2024, 1, 1), dt.date(2099, 1, 1))):
        policy_publish(
            text=dated_yaml(announced, effective), announced=announced, effective=effective, actor=Actor.system("test")
        )
    out, _ = run("versions")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "sha256", "announced", "effective", "status", "title"]
    assert "2099-01-01" in lines[1] and "upcoming" in lines[1]
    assert "2023-01-08" in lines[2] and "in force" in lines[2]


@pytest.mark.django_db
def test_versions_says_when_nothing_is_published() -> None:
    out, _ = run("versions")
    assert out.strip() == "No policy is published yet."


# --- render -------------------------------------------------------------------------------------


def test_render_prints_a_file_in_english_markdown(valid: Path) -> None:
    out, _ = run("render", str(valid), "--lang", "en", "--format", "md")
    assert "Hanbit Labs privacy policy" in out
    assert "<" not in out.split("\n", 1)[0]


def test_render_prints_a_file_in_korean_html(valid: Path) -> None:
    out, _ = run("render", str(valid), "--format", "html")
    assert "한빛랩스 개인정보처리방침" in out and "<" in out


def test_render_explains_a_file_that_cannot_render(tmp_path: Path) -> None:
    path = tmp_path / "unrenderable.yaml"
    block = {"list": "hobbies"}
    path.write_text(policy_yaml(lambda d: d["document"]["articles"][0]["blocks"].append(block)), encoding="utf-8")
    error, _ = failing("render", str(path))
    assert "cannot render it" in str(error) and "'hobbies' is not a section" in str(error)


@pytest.mark.django_db
def test_render_without_a_file_prints_the_version_in_force(valid: Path) -> None:
    run("publish", str(valid))
    out, _ = run("render", "--lang", "en")
    assert "Hanbit Labs privacy policy" in out


@pytest.mark.django_db
def test_render_without_a_file_needs_a_published_version() -> None:
    error, _ = failing("render")
    assert "no policy is published yet" in str(error)
