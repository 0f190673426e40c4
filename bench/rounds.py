"""What every side-by-side benchmark prints: median and spread of interleaved rounds, and the load."""

from __future__ import annotations

import os
import statistics


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def summary(samples: list[float], unit: str = "s", scale: float = 1.0) -> str:
    """``median (min-max, n rounds)`` of ``samples``, scaled (1000 for milliseconds)."""
    values = [sample * scale for sample in samples]
    return (f"{statistics.median(values):9.3f} {unit}  (spread {min(values):.3f}-{max(values):.3f}, "
            f"{len(values)} rounds)")
