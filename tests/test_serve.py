"""`make run` in miniature: `policybound serve` on a fresh data directory, as an operator runs it.

These start real processes (gunicorn, the worker) on the embedded SQLite default, whatever database the
rest of the suite uses, and stop them at the end.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from policybound.vault.keys import decode_key, key_id

REPO = Path(__file__).resolve().parent.parent


def embedded_env(data_dir: Path) -> dict[str, str]:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is theirs, not an operator's (check --deploy refuses it).
    skipped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOUND_") and k not in skipped}
    env["POLICYBOUND_DATA_DIR"] = str(data_dir)
    return env


def policybound(*args: str, data_dir: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policybound.cli", *args],
        cwd=REPO, env={**embedded_env(data_dir), **(env or {})}, capture_output=True, text=True, timeout=120,
        check=False,
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


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str, log: Path) -> None:
    """Poll until ``condition()``, failing after ``seconds`` with the server's log (a bound, not a timing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)  # waiting for processes to start, not timing anything
    pytest.fail(f"{what} within {seconds:.0f} seconds; log:\n{log.read_text()[-3000:]}")


@dataclass
class Served:
    base: str
    log: Path
    process: subprocess.Popen[bytes]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``policybound serve`` on a free port, its output (gunicorn's and the worker's) in a file."""
    port = free_port()
    data_dir, log = tmp_path / "data", tmp_path / "serve.log"
    data_dir.mkdir()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "policybound.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=REPO, env=embedded_env(data_dir), stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(base + "/privacy/", timeout=2)
        except OSError:
            return False
        return True

    try:
        wait_for(answers, seconds=90, what="serve did not answer", log=log)
        yield Served(base, log, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def server(served: Served) -> str:
    return served.base


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


def test_serve_serves_the_api_docs_from_its_own_static_files(server: str) -> None:
    docs = urllib.request.urlopen(server + "/api/v1/docs", timeout=10)
    assert "default-src 'self'" in docs.headers["Content-Security-Policy"]
    scripts = re.findall(r'<script src="([^"]+)"', docs.read().decode())
    assert scripts and all(src.startswith("/static/ninja/") for src in scripts)
    for src in scripts:
        assert urllib.request.urlopen(server + src, timeout=10).status == 200


def worker_pids(log: Path) -> list[int]:
    """The pids of the ``policybound worker`` processes the server said it started, in order."""
    return [int(pid) for pid in re.findall(r"policybound worker (?:started|restarted) \(pid (\d+)", log.read_text())]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def health(base: str) -> tuple[int, dict[str, object]]:
    try:
        response = urllib.request.urlopen(base + "/api/v1/health", timeout=10)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    return response.status, json.loads(response.read())


def test_serve_restarts_a_killed_worker_and_logs_it(served: Served) -> None:
    wait_for(lambda: len(worker_pids(served.log)) == 1, seconds=60, what="no worker started", log=served.log)
    wait_for(lambda: health(served.base)[0] == 200, seconds=60, what="the health check did not pass", log=served.log)
    first = worker_pids(served.log)[0]

    os.kill(first, signal.SIGKILL)
    wait_for(lambda: len(worker_pids(served.log)) == 2, seconds=60, what="the killed worker was not restarted", log=served.log)
    text = served.log.read_text()
    assert f"policybound worker (pid {first}) died (killed by SIGKILL)" in text
    second = worker_pids(served.log)[1]
    assert second != first and alive(second) and served.process.poll() is None
    assert health(served.base)[1]["worker"] == "ok"

    os.kill(second, signal.SIGKILL)  # and again: a second death is restarted too, after a longer wait
    wait_for(lambda: len(worker_pids(served.log)) == 3, seconds=60, what="the second death was not restarted", log=served.log)
    assert f"policybound worker (pid {second}) died (killed by SIGKILL)" in served.log.read_text()
    assert "restarting it in 2 s" in served.log.read_text()
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
