from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

from policybound.lib.secrets import data_dir_secret


def test_it_creates_the_secret_once_with_mode_0600(tmp_path):
    first = data_dir_secret(tmp_path, "key")
    assert data_dir_secret(tmp_path, "key") == first
    assert stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600


def test_it_gives_racing_callers_one_and_the_same_secret(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        values = set(pool.map(lambda _: data_dir_secret(tmp_path, "key"), range(32)))
    assert len(values) == 1
    assert "" not in values


def test_it_leaves_no_temporary_files_behind(tmp_path):
    data_dir_secret(tmp_path, "key")
    assert [p.name for p in tmp_path.iterdir()] == ["key"]
