"""`make run` in miniature: `policybound serve` on a fresh data directory, as an operator runs it.

These start real processes (gunicorn, the worker) on the embedded SQLite default, whatever database the
rest of the suite uses, and stop them at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def embedded_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOUND_") and k != "DJANGO_SETTINGS_MODULE"}
    env["POLICYBOUND_DATA_DIR"] = str(data_dir)
    return env


def policybound(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policybound.cli", *args],
        cwd=REPO, env=embedded_env(data_dir), capture_output=True, text=True, timeout=120, check=False,
    )


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_migrate_creates_both_databases_and_keeps_them_apart(tmp_path: Path) -> None:
    result = policybound("migrate", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    live, archive = tables(tmp_path / "default.sqlite3"), tables(tmp_path / "archive.sqlite3")
    assert "policy_policyversion" in live and "collection_submission" in live
    assert any(name.startswith("archive_") for name in archive)
    assert not any(name.startswith("archive_") for name in live)
    assert not any(name.startswith(("collection_", "subjects_", "auth_")) for name in archive)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "policybound.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=REPO, env=embedded_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"serve exited with {process.returncode}:\n{output[-3000:]}")
            try:
                urllib.request.urlopen(base + "/privacy/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)  # waiting for a server to start, not timing anything
        else:
            pytest.fail("serve did not answer within 90 seconds")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_serve_publishes_the_bundled_policy_and_serves_it_in_both_languages(server: str) -> None:
    korean = urllib.request.urlopen(server + "/privacy/", timeout=10).read().decode()
    assert "개인정보처리방침" in korean and "2022" in korean
    request = urllib.request.Request(server + "/privacy/", headers={"Cookie": "django_language=en"})
    english = urllib.request.urlopen(request, timeout=10).read().decode()
    assert "Privacy Policy" in english


def test_serve_serves_the_forms_and_static_files(server: str) -> None:
    form = urllib.request.urlopen(server + "/forms/consulting/", timeout=10).read().decode()
    assert 'name="csrfmiddlewaretoken"' in form
    css = urllib.request.urlopen(server + "/static/site/site.css", timeout=10)
    assert css.status == 200
