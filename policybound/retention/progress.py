"""A small progress bar for the terminal: one line, redrawn in place, only when it is a terminal."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30
REDRAW_SECONDS = 0.1


class ProgressBar:
    """Call it with ``(phase, done, total)``; :meth:`close` ends the line. Silent when not a TTY."""

    def __init__(self, stream: TextIO, *, width: int = WIDTH) -> None:
        self.stream = stream
        self.width = width
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self._drawn = False
        self._last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < REDRAW_SECONDS:
            return
        self._last = now
        self.stream.write("\r" + render(phase, done, total, width=self.width))
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def render(phase: str, done: int, total: int, *, width: int = WIDTH) -> str:
    """``[#########.....................]  30% subjects 300/1000``"""
    fraction = 1.0 if total <= 0 else min(1.0, done / total)
    filled = round(fraction * width)
    return f"[{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%} {phase} {done}/{total}"
