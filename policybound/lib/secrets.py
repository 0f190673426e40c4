"""Secrets generated once into the data directory for embedded mode.

Production passes secrets in through the environment; a laptop running ``make run`` should not have to.
Files are created with mode 0600 and never overwritten.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_dir_secret(data_dir: Path, name: str, *, nbytes: int = 48) -> str:
    """Return the secret stored in ``data_dir/name``, creating it (0600) the first time."""
    path = data_dir / name
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its value
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value
