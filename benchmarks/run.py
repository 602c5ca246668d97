"""Run the xaccess benchmarks: ``python benchmarks/run.py [--quick] [--only NAME]``.

Each section is a module ``benchmarks/bench_NAME.py`` that exposes ``TITLE`` (a
one-line heading) and ``run(quick: bool) -> None``, which prints its own result
lines and, where there is an obvious alternative, the ratio against it measured in
the same run. Sections run in the order of their names; adding a section means
adding a module, nothing else.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

HERE = Path(__file__).resolve().parent
PREFIX = "bench_"


def sections() -> dict[str, Path]:
    """Every benchmark section by name, in the order they run."""
    return {path.stem.removeprefix(PREFIX): path for path in sorted(HERE.glob(f"{PREFIX}*.py"))}


def _load(name: str) -> tuple[str, Callable[[bool], None]]:
    """Import one section and return its title and its run function."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    module = importlib.import_module(PREFIX + name)
    title = getattr(module, "TITLE", name)
    run = getattr(module, "run", None)
    if not callable(run):
        msg = f"{module.__file__} has no run(quick: bool) -> None function"
        raise TypeError(msg)
    return str(title), run


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected sections and return the exit status."""
    available = sections()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="few repetitions: checks that it runs, not speed"
    )
    parser.add_argument("--only", choices=sorted(available), help="run one section only")
    args = parser.parse_args(argv)

    names = [args.only] if args.only else list(available)
    print(
        f"xaccess benchmarks: Python {platform.python_version()} "
        f"({platform.python_implementation()}) on {platform.platform(terse=True)}"
        + (", quick mode" if args.quick else "")
    )
    for name in names:
        title, run = _load(name)
        print(f"\n== {name}: {title} ==")
        started = time.perf_counter()
        run(args.quick)
        print(f"   (section took {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
