"""Import cost: ``import xaccess`` against ``import boto3``, each in fresh interpreters.

Every sample starts a new interpreter with ``-I`` (isolated: no user site, no
environment variables, no current directory on the path), imports one module and
reports its own peak resident set size. The wall time of a bare interpreter start is
measured the same way and subtracted. Samples of the three commands are interleaved
so that drift in machine load affects them alike.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

TITLE = "import xaccess vs import boto3 (fresh interpreter each, medians)"

RUNS = 21
QUICK_RUNS = 5

# The child reports its peak resident set size in bytes. On Linux that is VmHWM:
# ru_maxrss would include the parent's memory, because subprocess starts children
# with vfork and the kernel carries the high-water mark across exec. Elsewhere
# ru_maxrss is exact (macOS gives bytes, other systems KiB).
_CHILD = """{statement}
import resource, sys
if sys.platform == "linux":
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    print(int(line.split()[1]) * 1024)
else:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(rss if sys.platform == "darwin" else rss * 1024)
"""
TARGETS = {
    "python -c pass": "pass",
    "import xaccess": "import xaccess",
    "import boto3": "import boto3",
}


def _sample(statement: str) -> tuple[float, int]:
    """Run one fresh interpreter; return its wall time in seconds and peak RSS in bytes."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-I", "-c", _CHILD.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    return elapsed, int(completed.stdout.strip())


def measure(runs: int) -> dict[str, tuple[float, float]]:
    """Median wall time (s) and median peak RSS (bytes) per target over `runs` samples."""
    for statement in TARGETS.values():  # warm the file system cache
        _sample(statement)
    times: dict[str, list[float]] = {label: [] for label in TARGETS}
    rss: dict[str, list[int]] = {label: [] for label in TARGETS}
    for _ in range(runs):
        for label, statement in TARGETS.items():
            elapsed, peak = _sample(statement)
            times[label].append(elapsed)
            rss[label].append(peak)
    return {
        label: (statistics.median(times[label]), statistics.median(rss[label])) for label in TARGETS
    }


def run(quick: bool) -> None:
    """Print the import cost of xaccess and boto3 and their ratio."""
    runs = QUICK_RUNS if quick else RUNS
    results = measure(runs)
    base_time, base_rss = results["python -c pass"]
    mib = 1024 * 1024
    print(f"   {runs} samples each; interpreter start-up subtracted from wall times")
    print(
        f"   {'python -c pass':<16} {base_time * 1000:8.1f} ms start-up {base_rss / mib:8.1f} MiB"
    )
    net: dict[str, float] = {}
    for label in ("import xaccess", "import boto3"):
        wall, peak = results[label]
        net[label] = wall - base_time
        print(
            f"   {label:<16} {net[label] * 1000:+8.1f} ms          "
            f"{peak / mib:8.1f} MiB ({(peak - base_rss) / mib:+.1f} MiB)"
        )
    xaccess_net, boto3_net = net["import xaccess"], net["import boto3"]
    if xaccess_net > 0:
        print(f"   import boto3 takes {boto3_net / xaccess_net:.1f}x as long as import xaccess")
    else:
        print("   import xaccess is below the resolution of this measurement")
