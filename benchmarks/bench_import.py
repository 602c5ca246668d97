"""Import cost: what a program pays to start using xaccess, against boto3 and awacs.

Every sample starts a new interpreter with ``-I`` (isolated: no user site, no environment
variables, no current directory on the path), runs one import statement and reports the CPU time
it used and its peak resident set size. A bare interpreter (``pass``) is measured the same way and
subtracted. Samples of all statements are interleaved so that drift in machine load affects them
alike. CPU time is used rather than wall time because it does not count waiting for a busy CPU.

Nothing is cached between samples beyond the operating system's file cache, which a real program
starting up gets too (every statement is run once before measuring, to warm it alike).
"""

from __future__ import annotations

import statistics
import subprocess
import sys

TITLE = "import cost: xaccess vs boto3 and awacs (fresh interpreter each, CPU-time medians)"

RUNS = 21
QUICK_RUNS = 5

# The child reports its CPU time (user + system) and its peak resident set size in bytes. On
# Linux the peak is VmHWM: ru_maxrss would include the parent's memory, because subprocess
# starts children with vfork and the kernel carries the high-water mark across exec.
_CHILD = """import resource, sys
{statement}
usage = resource.getrusage(resource.RUSAGE_SELF)
if sys.platform == "linux":
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    peak = int(line.split()[1]) * 1024
else:
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
print(usage.ru_utime + usage.ru_stime, peak)
"""

BASELINE = "pass"
PEER = "import boto3"
# First use, end to end: import, build a one-statement grant (its action looked up in the
# IAM action catalog) and render both documents; and the same documents with awacs.
_FIRST_GRANT = (
    "from xaccess import ThirdPartyGrant as G; "
    "g = G(role_name='R', trusted_account='111122223333', external_id='x' * 32)"
    ".allow('s3:GetObject', 'arn:aws:s3:::b/*'); "
    "g.trust_policy().to_json(); g.permission_policies()[0].document.to_json()"
)
_FIRST_AWACS = (
    "from awacs.aws import Allow, Condition, PolicyDocument, Principal, Statement, "
    "StringEquals, Action; from awacs import sts; "
    "PolicyDocument(Version='2012-10-17', Statement=[Statement(Effect=Allow, "
    "Principal=Principal('AWS', 'arn:aws:iam::111122223333:root'), Action=[sts.AssumeRole], "
    "Condition=Condition(StringEquals({'sts:ExternalId': 'x' * 32})))]).to_json(); "
    "PolicyDocument(Version='2012-10-17', Statement=[Statement(Effect=Allow, "
    "Action=[Action('s3', 'GetObject')], Resource=['arn:aws:s3:::b/*'])]).to_json()"
)
TARGETS = (
    BASELINE,
    "import xaccess",
    "from xaccess import PolicyDocument",
    "from xaccess import ThirdPartyGrant",
    "import awacs.aws",
    _FIRST_GRANT,
    _FIRST_AWACS,
    PEER,
)
_LABELS = {
    _FIRST_GRANT: "first grant rendered (xaccess)",
    _FIRST_AWACS: "same documents rendered (awacs)",
}


def _sample(statement: str) -> tuple[float, int]:
    """Run one fresh interpreter; return its CPU time in seconds and peak RSS in bytes."""
    completed = subprocess.run(
        [sys.executable, "-I", "-c", _CHILD.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, peak = completed.stdout.split()
    return float(cpu), int(peak)


def measure(runs: int) -> dict[str, tuple[float, float]]:
    """Median CPU time (s) and median peak RSS (bytes) per statement over ``runs`` samples."""
    for statement in TARGETS:  # warm the file system cache alike
        _sample(statement)
    cpu: dict[str, list[float]] = {statement: [] for statement in TARGETS}
    rss: dict[str, list[int]] = {statement: [] for statement in TARGETS}
    for _ in range(runs):
        for statement in TARGETS:
            seconds, peak = _sample(statement)
            cpu[statement].append(seconds)
            rss[statement].append(peak)
    return {s: (statistics.median(cpu[s]), statistics.median(rss[s])) for s in TARGETS}


def run(quick: bool) -> None:
    """Print each statement's import cost and its ratio to ``import boto3``."""
    runs = QUICK_RUNS if quick else RUNS
    results = measure(runs)
    base_cpu, base_rss = results[BASELINE]
    peer_cpu = results[PEER][0] - base_cpu
    mib = 1024 * 1024
    print(f"   {runs} samples each; a bare interpreter's cost is subtracted")
    print(f"   {'statement':<38} {'CPU ms':>8} {'x boto3':>8} {'+MiB':>7}")
    for statement in TARGETS[1:]:
        seconds, peak = results[statement]
        net = seconds - base_cpu
        ratio = net / peer_cpu if peer_cpu > 0 else float("nan")
        label = _LABELS.get(statement, statement)
        print(f"   {label:<38} {net * 1000:8.1f} {ratio:8.2f}x {(peak - base_rss) / mib:+7.1f}")
    print("   (ratios below 1 mean cheaper than import boto3; CPU-time resolution is ~1 ms)")
    print(
        "   (first grant rendered: import, build a one-statement grant, check its action in the"
        " IAM action catalog, write both documents; nothing cached between interpreters)"
    )
