"""Secrets generated once into the data directory for embedded mode.

Production passes secrets in through the environment; a laptop running ``make run`` should not have to.
Files are created with mode 0600 and never overwritten.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def data_dir_secret(data_dir: Path, name: str, *, nbytes: int = 48) -> str:
    """Return the secret stored in ``data_dir/name``, creating it (0600) the first time.

    Several processes may start at once (gunicorn workers, the worker): the file appears complete or
    not at all, because it is written under a temporary name and hard-linked into place, which fails
    for every process but the first.
    """
    path = data_dir / name
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # lib.datadir: the data dir is private
    value = secrets.token_urlsafe(nbytes)
    fd, temporary = tempfile.mkstemp(dir=data_dir, prefix=f".{name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(value + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:  # another process won the race: use its value
        return path.read_text(encoding="ascii").strip()
    finally:
        os.unlink(temporary)
    return value
