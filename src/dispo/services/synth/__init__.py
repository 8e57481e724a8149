"""The synthetic world behind `dispo synth`: municipalities with three years of grants, payments and budgets.

Everything is synthetic and says so: substitute CPR numbers (day + 60), made-up names. The demo municipality
is calibrated to the public figures of DESIGN.md §8 (see calibration.py). Same size, seed and `today` give
byte-identical files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .sizes import SIZES, municipalities
from .tables import CanonicalFiles
from .timeline import Timeline
from .world import Municipality, build

__all__ = ["SIZES", "write_municipalities", "write_world"]


def write_world(size: str, seed: int, out: Path, today: date | None = None) -> dict[str, int]:
    """Write the canonical CSV files of a world of `size` (demo, large, national) into `out`.

    Returns the number of rows written per table. Raises ValueError for an unknown size.
    """
    return write_municipalities(municipalities(size), seed, out, today)


def write_municipalities(
    world: tuple[Municipality, ...], seed: int, out: Path, today: date | None = None
) -> dict[str, int]:
    """Write the given municipalities one after the other, appending to the open files (streaming)."""
    timeline = Timeline(today or date.today())
    with CanonicalFiles(Path(out)) as files:
        for municipality in world:
            for name, frame in build(municipality, seed, timeline).items():
                files.append(name, frame)
        return dict(files.rows)
