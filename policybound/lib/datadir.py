"""The data directory is the service account's alone: the directory 0700, everything in it 0600.

It holds the SQLite databases (with their ``-wal``, ``-shm`` and ``-journal`` files), the keys, the
secret key and the collected static files. Under the usual umask (022) all of these would be readable
by every local account: the session table, the TOTP secrets, the key files.

Two measures, both at every start (``core.apps.CoreConfig.ready``, which every entry point runs):

* the process's umask gains ``077``, so whatever it creates from now on (SQLite creates its journal and
  WAL files with the database file's mode; collectstatic, key files) is private;
* :func:`data_dir_secure` walks the directory and tightens what is looser (directories to 0700, files to
  0600), logging a WARNING that names each path and its old mode. It fixes rather than refuses: the
  service account owns these files and tightening them loses nothing, while refusing would stop every
  installation written before this rule until someone ran chmod by hand. What it cannot fix (a file of
  another owner, an unreadable directory) stops start-up with :class:`DataDirUnsafe` naming the path.

Symbolic links are left alone (their own mode means nothing; what they point to is outside the rule).
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("policybound.datadir")

DIR_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_UMASK = 0o077
LOGGED_PATHS = 20  # name this many tightened paths one by one, then count the rest


class DataDirUnsafe(ImproperlyConfigured):
    """Something in the data directory is readable by others and cannot be made private."""


@dataclass(frozen=True)
class Tightened:
    path: Path
    before: int
    after: int


def umask_private() -> None:
    """Add ``077`` to the process's umask: files it creates are its own (keeps any stricter bits)."""
    current = os.umask(PRIVATE_UMASK)
    os.umask(current | PRIVATE_UMASK)


def _tighten(path: Path, wanted: int) -> Tightened | None:
    mode = stat.S_IMODE(path.lstat().st_mode)
    if not mode & ~wanted & 0o777:
        return None
    try:
        path.chmod(mode & wanted)
    except PermissionError:
        raise DataDirUnsafe(
            f"{path} is readable by other accounts (mode {mode:04o}) and this account (uid {os.geteuid()}) "
            f"cannot change it (owner uid {path.lstat().st_uid}): run `chown -R` to the service account and "
            f"`chmod -R go-rwx` on the data directory, then start again"
        ) from None
    return Tightened(path=path, before=mode, after=mode & wanted)


def data_dir_secure(data_dir: Path) -> list[Tightened]:
    """Make ``data_dir`` 0700 and every file under it 0600 (directories 0700); returns what changed.

    Creates the directory (0700) if it does not exist yet. Only removes permission bits (a file that is
    0400 stays 0400).
    """
    data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    changed: list[Tightened] = []

    def refuse(error: OSError) -> None:
        raise DataDirUnsafe(f"cannot check the modes in the data directory: {error}")

    for root, dirs, files in os.walk(data_dir, onerror=refuse):
        base = Path(root)
        tightened = _tighten(base, DIR_MODE)
        if tightened is not None:
            changed.append(tightened)
        for name in files:
            path = base / name
            if path.is_symlink():
                continue
            try:
                tightened = _tighten(path, FILE_MODE)
            except FileNotFoundError:  # a journal SQLite removed meanwhile
                continue
            if tightened is not None:
                changed.append(tightened)
        dirs[:] = [name for name in dirs if not (base / name).is_symlink()]
    _log(data_dir, changed)
    return changed


def _log(data_dir: Path, changed: list[Tightened]) -> None:
    if not changed:
        return
    for item in changed[:LOGGED_PATHS]:
        logger.warning(
            "data directory: %s was %04o, now %04o (other local accounts could read it)",
            item.path,
            item.before,
            item.after,
        )
    if len(changed) > LOGGED_PATHS:
        logger.warning(
            "data directory: %d more paths under %s made private", len(changed) - LOGGED_PATHS, data_dir
        )
