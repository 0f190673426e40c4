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

from policybound.vault.keys import decode_key, key_id

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


def test_every_entry_point_refuses_to_start_without_the_key_the_data_needs(tmp_path: Path) -> None:
    """First start generates the keys; a lost ``index.key`` then stops serve, the worker, a command and
    a web process with one line naming the key, and no key is generated in its place."""
    assert policybound("migrate", data_dir=tmp_path).returncode == 0
    first = policybound("worker", "--once", "--mail-every", "0", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    index_file = tmp_path / "index.key"
    needed = key_id(decode_key(index_file.read_text(), where="index.key"))
    (tmp_path / "index.key").unlink()
    for args in (
        ("serve", "--no-scheduler", "--bind", f"127.0.0.1:{free_port()}"),
        ("worker", "--once", "--mail-every", "0"),
        ("audit", "verify"),
    ):
        result = policybound(*args, data_dir=tmp_path)
        assert result.returncode == 78, (args, result.stderr[-2000:])
        assert "refusing to start: index key missing" in result.stderr
        assert f"needs index key {needed}" in result.stderr and "Traceback" not in result.stderr
    web = subprocess.run(
        [sys.executable, "-c", "import policybound.wsgi"],
        cwd=REPO, env=embedded_env(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )
    assert web.returncode != 0 and f"needs index key {needed}" in web.stderr
    assert not (tmp_path / "index.key").exists()
