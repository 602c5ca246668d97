"""``xaccess audit``: find the confused deputy in files and live accounts.

Exit status 0 when nothing at or above ``--fail-on`` (default ``high``) was found, 1 when
something was, 2 for bad usage or unreadable input. With ``--account``, a role that cannot be
read (its stored policy is not legal, or IAM refuses to show it) is reported as that role's
error and the others are audited: the exit status is then 1, or 2 when no role of the account
could be read.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Final

from xaccess.cli import one_line, printable

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from xaccess.audit import AuditReport, Finding
    from xaccess.audit.sources import DeclaredRole
    from xaccess.errors import XAccessError
    from xaccess.policy import Request

__all__ = ["add_parser", "run"]

_LEVELS: Final = ("info", "low", "medium", "high")
_Results = list[tuple["DeclaredRole", "AuditReport"]]
#: ``(role name, source, message)`` of each role that could not be read.
_Unreadable = list[tuple[str, str, str]]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``audit`` verb."""
    parser = subparsers.add_parser(
        "audit",
        help="find roles that a third party can assume without the external ID",
        description=(
            "Audit IAM roles for the confused deputy, privilege escalation and unknown actions. "
            "FILE may be a policy, `aws iam get-role` output, a CloudFormation template (JSON "
            "or YAML) or a Terraform plan (`terraform show -json`). --account audits every "
            "role of the account the AWS credentials reach (AWS_ENDPOINT_URL is honoured)."
        ),
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="files to audit; '-' reads standard input"
    )
    parser.add_argument(
        "--account", action="store_true", help="audit every role of the current AWS account"
    )
    parser.add_argument(
        "--role-arn",
        metavar="ARN",
        help=(
            "the ARN of the role a bare policy file belongs to (its own account is trusted, "
            "and escalation within it and on the role itself is looked for)"
        ),
    )
    parser.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="output format"
    )
    parser.add_argument(
        "--fail-on",
        choices=_LEVELS,
        default="high",
        metavar="LEVEL",
        help="exit 1 when a finding of this severity or worse exists (info, low, medium, high)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Audit what the arguments name, print the results, return the exit status."""
    from xaccess.errors import ValidationError  # noqa: PLC0415 - keep `import xaccess.cli` light

    if not args.files and not args.account:
        raise ValidationError("audit", "name at least one FILE, or --account")
    if args.role_arn is not None:
        from xaccess.identifiers import RoleArn  # noqa: PLC0415

        RoleArn.parse(args.role_arn, field="--role-arn")
    results = _audit_files(args.files, args.role_arn)
    unreadable: _Unreadable = []
    if args.account:
        results.extend(_audit_account(unreadable))
    _print(results, unreadable, args.format)
    from xaccess.audit import Severity  # noqa: PLC0415

    failing = any(report.at_least(Severity(args.fail_on)) for _, report in results)
    return 1 if failing or unreadable else 0


def _audit_files(files: Sequence[str], role_arn: str | None) -> _Results:
    from xaccess.audit.sources import read_file  # noqa: PLC0415

    results: _Results = []
    for path in files:
        for role in read_file(path):
            results.append((role, role.audit(role_arn=role_arn)))
    return results


def _audit_account(unreadable: _Unreadable) -> _Results:
    from xaccess.audit.account import read_account  # noqa: PLC0415
    from xaccess.cli._role_client import configured_client  # noqa: PLC0415 - loads boto3

    progress = _progress if sys.stderr.isatty() else None
    _, iam = configured_client("iam")
    errors: list[tuple[str, XAccessError]] = []
    roles = read_account(
        iam, progress=progress, on_error=lambda name, error: errors.append((name, error))
    )
    if progress is not None:
        print(file=sys.stderr)
    if errors and not roles:
        raise errors[0][1]  # nothing could be read: the first error, exit status 2
    source = roles[0].source if roles else "account"
    unreadable.extend((name, source, one_line(str(error))) for name, error in errors)
    return [(role, role.audit()) for role in roles]


def _progress(done: int, total: int) -> None:
    print(f"\raudited {done}/{total} roles", end="", file=sys.stderr, flush=True)


def _print(results: _Results, unreadable: _Unreadable, output: str) -> None:
    if output == "json":
        print(json.dumps(to_json(results, unreadable=unreadable), indent=2))
    elif output == "sarif":
        from importlib.metadata import version  # noqa: PLC0415

        from xaccess.audit.sarif import to_sarif  # noqa: PLC0415

        log = to_sarif(results, version=version("xaccess"), unreadable=unreadable)
        print(json.dumps(log, indent=2))
    else:
        for line in to_text(results, unreadable=unreadable):
            print(line)


def _witness(request: Request | None) -> dict[str, Any] | None:
    if request is None:
        return None
    return {
        "principal": request.principal,
        "action": request.action,
        "resource": request.resource,
        "context": {
            k: v if isinstance(v, str | bool | int | float) else list(v)
            for k, v in request.context.items()
        },
    }


def _witness_text(request: Request) -> str:
    context = ", ".join(f"{k}={v!r}" for k, v in request.context.items()) or "no context keys"
    return f"{request.principal} may call {request.action} on {request.resource} ({context})"


def _entry(role: DeclaredRole, finding: Finding) -> dict[str, Any]:
    return {
        "role": role.name,
        "role_arn": role.role_arn,
        "source": role.source,
        "line": role.line_of(finding),
        "policy": finding.policy,
        "statement": finding.statement,
        "code": finding.code,
        "severity": str(finding.severity),
        "title": finding.title,
        "message": finding.message,
        "principal": finding.principal,
        "witness": _witness(finding.witness),
        "fix": None if finding.fix is None else finding.fix.to_dict(),
    }


def _summary(results: _Results) -> dict[str, Any]:
    counts = dict.fromkeys(reversed(_LEVELS), 0)
    for _, report in results:
        for finding in report.findings:
            counts[str(finding.severity)] += 1
    return {
        "roles": len(results),
        "findings": sum(counts.values()),
        **counts,
        "ok": all(report.ok for _, report in results),
    }


def to_json(
    results: _Results, *, unreadable: Sequence[tuple[str, str, str]] = ()
) -> dict[str, Any]:
    """The JSON report: ``{"findings": [...], "unreadable": [...], "summary": {...}}``.

    ``unreadable`` lists ``{"role", "source", "error"}`` for each role that could not be read.
    """
    return {
        "findings": [_entry(role, f) for role, report in results for f in report.findings],
        "unreadable": [
            {"role": name, "source": source, "error": message}
            for name, source, message in unreadable
        ],
        "summary": {**_summary(results), "unreadable": len(unreadable)},
    }


def to_text(results: _Results, *, unreadable: Sequence[tuple[str, str, str]] = ()) -> list[str]:
    """The report for people: one line per finding, its fix, and a summary line.

    Characters that are not printable (line breaks, escape sequences) are escaped
    (:func:`~xaccess.cli.printable`): names and messages from the audited sources cannot
    forge lines or move a terminal's cursor.
    """
    lines: list[str] = []
    for role, report in results:
        for finding in report.findings:
            line = role.line_of(finding)
            where = f"{role.source}:{line}" if line is not None else role.source
            statement = "" if finding.statement is None else f" statement {finding.statement}"
            lines.append(
                f"{where}: {role.name}{statement}: {finding.severity} {finding.code} "
                f"{finding.title}: {finding.message}"
            )
            if finding.witness is not None:
                lines.append(f"    witness: {_witness_text(finding.witness)}")
            if finding.fix is not None:
                lines.append(f"    fix: {json.dumps(finding.fix.to_dict())}")
    lines.extend(f"{source}: {name}: error: {message}" for name, source, message in unreadable)
    summary = _summary(results)
    counts = ", ".join(f"{summary[level]} {level}" for level in reversed(_LEVELS))
    lines.append(f"{summary['roles']} roles audited: {counts}")
    if unreadable:
        lines.append(f"{len(unreadable)} roles could not be read")
    return [printable(line) for line in lines]
