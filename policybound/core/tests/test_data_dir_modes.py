"""The data directory is the service account's alone: 0700, every file in it 0600, fixed at start."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from policybound.lib.datadir import DataDirUnsafe, data_dir_secure, umask_private
from policybound.lib.testing import REPO

LOOSE_FILES = [
    "default.sqlite3",
    "default.sqlite3-wal",
    "default.sqlite3-shm",
    "archive.sqlite3-journal",
    "master.key",
    "index.key",
    "secret_key",
    "static/site/site.css",
]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def loose_data_dir(root: Path) -> Path:
    """A data directory as the usual umask (022) left it: everything readable by every account."""
    data_dir = root / "var"
    for name in LOOSE_FILES:
        path = data_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        path.chmod(0o644)
    for directory in (data_dir, data_dir / "static", data_dir / "static" / "site"):
        directory.chmod(0o755)
    return data_dir


def private(data_dir: Path) -> list[str]:
    """Every path under ``data_dir`` another account could read, traverse or write (none, we hope)."""
    loose = [str(data_dir)] if mode(data_dir) & 0o077 else []
    for path in data_dir.rglob("*"):
        if not path.is_symlink() and mode(path) & 0o077:
            loose.append(f"{path.relative_to(data_dir)} {mode(path):04o}")
    return loose


def test_it_makes_the_directory_0700_and_every_file_0600(tmp_path):
    data_dir = loose_data_dir(tmp_path)
    data_dir_secure(data_dir)
    assert mode(data_dir) == 0o700 and mode(data_dir / "static" / "site") == 0o700
    assert {name: mode(data_dir / name) for name in LOOSE_FILES} == {name: 0o600 for name in LOOSE_FILES}


def test_it_says_what_it_fixed(tmp_path, caplog):
    data_dir = loose_data_dir(tmp_path)
    with caplog.at_level(logging.WARNING, logger="policybound.datadir"):
        changed = data_dir_secure(data_dir)
    assert len(changed) == len(LOOSE_FILES) + 3
    assert f"{data_dir / 'master.key'} was 0644, now 0600" in caplog.text
    assert f"{data_dir} was 0755, now 0700" in caplog.text


def test_it_changes_nothing_and_says_nothing_when_all_is_private(tmp_path, caplog):
    data_dir = loose_data_dir(tmp_path)
    data_dir_secure(data_dir)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="policybound.datadir"):
        assert data_dir_secure(data_dir) == []
    assert caplog.text == ""


def test_it_only_removes_bits(tmp_path):
    data_dir = loose_data_dir(tmp_path)
    (data_dir / "master.key").chmod(0o444)
    data_dir_secure(data_dir)
    assert mode(data_dir / "master.key") == 0o400


def test_it_leaves_symbolic_links_and_what_they_point_to_alone(tmp_path):
    data_dir = loose_data_dir(tmp_path)
    outside = tmp_path / "shared.txt"
    outside.write_text("x")
    outside.chmod(0o644)
    (data_dir / "link").symlink_to(outside)
    data_dir_secure(data_dir)
    assert mode(outside) == 0o644


def test_it_refuses_what_it_cannot_make_private(tmp_path, monkeypatch):
    data_dir = loose_data_dir(tmp_path)

    def denied(self: Path, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "chmod", denied)
    with pytest.raises(DataDirUnsafe, match=r"is readable by other accounts .* cannot change it"):
        data_dir_secure(data_dir)


def test_the_process_creates_private_files_after_the_umask_is_tightened(tmp_path):
    previous = os.umask(0o022)
    try:
        umask_private()
        (tmp_path / "new.sqlite3").write_text("x")
        assert mode(tmp_path / "new.sqlite3") == 0o600
    finally:
        os.umask(previous)


def run(*args: str, data_dir: Path, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOUND_") and k != "DJANGO_SETTINGS_MODULE"}
    env["POLICYBOUND_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "policybound.cli", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False,
        preexec_fn=lambda: os.umask(umask),
    )


def test_a_first_start_under_the_usual_umask_leaves_nothing_readable_by_others(tmp_path):
    data_dir = tmp_path / "var"
    result = run("migrate", data_dir=data_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert private(data_dir) == []  # what this very process created, not only what a later start fixed
    result = run("worker", "--once", "--mail-every", "0", data_dir=data_dir)  # generates the keys
    assert result.returncode == 0, result.stderr[-2000:]
    assert {"default.sqlite3", "archive.sqlite3", "master.key", "index.key", "secret_key"} <= {
        p.name for p in data_dir.iterdir()
    }
    assert private(data_dir) == []


def test_a_start_on_a_loose_data_directory_fixes_it_and_logs_that_it_did(tmp_path):
    data_dir = tmp_path / "var"
    assert run("migrate", data_dir=data_dir).returncode == 0
    for path in [data_dir, *data_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    result = run("keys", "generate", data_dir=data_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{data_dir / 'default.sqlite3'} was 0644, now 0600" in result.stderr
    assert private(data_dir) == []
