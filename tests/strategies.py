"""Shared Hypothesis strategies for policy documents.

Identifier strategies live in ``tests/identifiers/strategies.py``; this module
builds documents, their alternative (but equivalent) JSON spellings, and
invalid variants of them.
"""

from __future__ import annotations

import copy
import string
from typing import Any, Literal

import attrs
from hypothesis import strategies as st

from xaccess.policy import Condition, PolicyDocument, Principal, Statement

PARTITIONS = (
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
)
SERVICES = ("s3", "ec2", "iam", "sts", "kms", "logs", "dynamodb", "execute-api", "cloudwatch")
_WORD = string.ascii_letters + string.digits

account_ids = st.text(string.digits, min_size=12, max_size=12)
partitions = st.sampled_from(PARTITIONS)
#: moto 5.2 does not know the newest partitions (aws-iso-e, aws-iso-f).
moto_partitions = st.sampled_from(
    ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-eusc")
)
_names = st.text(_WORD, min_size=1, max_size=12)


@st.composite
def actions(draw: st.DrawFn) -> str:
    """An IAM action: ``*``, ``service:*`` or ``service:Name`` with optional wildcards."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return "*"
    service = draw(st.sampled_from(SERVICES))
    if kind == 1:
        return f"{service}:*"
    name = draw(st.text(_WORD + "*?", min_size=1, max_size=16))
    return f"{service}:{name}"


@st.composite
def resources(draw: st.DrawFn, *, moto: bool = False) -> str:
    """A resource: ``*`` or an ARN, possibly with wildcards and paths."""
    if draw(st.integers(0, 7)) == 0:
        return "*"
    partition = draw(st.one_of(moto_partitions if moto else partitions, st.just("*")))
    service = draw(st.sampled_from(SERVICES))
    region = "" if service in ("iam", "s3") else draw(st.sampled_from(("", "us-east-1", "*")))
    account = draw(st.one_of(st.just(""), account_ids, st.just("*")))
    path = draw(st.lists(st.text(_WORD + "-_.*?", min_size=1, max_size=10), min_size=1, max_size=3))
    if service == "iam":
        path.insert(0, draw(st.sampled_from(("role", "user", "policy"))))
    return f"arn:{partition}:{service}:{region}:{account}:{'/'.join(path)}"


@st.composite
def principal_arns(draw: st.DrawFn, *, moto: bool = False) -> str:
    """An AWS principal: account ID, root, role, user or assumed-role session ARN."""
    account = draw(account_ids)
    partition = draw(moto_partitions if moto else partitions)
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return account
    if kind == 1:
        return f"arn:{partition}:iam::{account}:root"
    if kind == 2:
        return f"arn:{partition}:iam::{account}:role/{draw(_names)}"
    if kind == 3:
        return f"arn:{partition}:iam::{account}:user/{draw(_names)}"
    return f"arn:{partition}:sts::{account}:assumed-role/{draw(_names)}/{draw(_names)}"


@st.composite
def principals(draw: st.DrawFn, *, moto: bool = False) -> Principal:
    """A ``Principal`` element of any type, or everyone."""
    if draw(st.integers(0, 9)) == 0:
        return Principal(everyone=True)
    aws = draw(st.lists(principal_arns(moto=moto), max_size=3))
    service = draw(
        st.lists(
            st.sampled_from(("ec2.amazonaws.com", "lambda.amazonaws.com")), max_size=2, unique=True
        )
    )
    federated = draw(st.lists(st.just("cognito-identity.amazonaws.com"), max_size=1))
    if not (aws or service or federated):
        aws = [draw(principal_arns(moto=moto))]
    return Principal(aws=aws, service=service, federated=federated)


_OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericLessThan",
    "NumericEquals",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "NotIpAddress",
    "ArnLike",
    "ArnEquals",
    "BinaryEquals",
    "Null",
)
_KEYS = (
    "sts:ExternalId",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:SourceIp",
    "aws:SecureTransport",
    "aws:CurrentTime",
    "s3:prefix",
    "aws:RequestTag/team",
    "aws:TagKeys",
)

_text_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=20)
_dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "Z"),
    st.integers(0, 2**40).map(str),
)


@st.composite
def conditions(draw: st.DrawFn, *, moto: bool = False) -> tuple[Condition, ...]:
    """A set of conditions with distinct (operator, key) pairs."""
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(_OPERATORS), st.sampled_from(_KEYS)),
            max_size=3,
            unique_by=lambda p: (p[0], p[1].lower()),
        )
    )
    out = []
    for base, key in pairs:
        prefix = draw(st.sampled_from(("", "", "ForAnyValue:", "ForAllValues:")))
        suffix = "" if base == "Null" else draw(st.sampled_from(("", "", "IfExists")))
        values: list[Any]
        if base in ("Bool", "Null"):
            values = draw(
                st.lists(st.sampled_from((True, False, "true", "false")), min_size=1, max_size=2)
            )
        elif base.startswith("Numeric"):
            ints = st.integers(-(10**6), 10**6)
            number = ints.map(str) if moto else st.one_of(ints, ints.map(str))
            values = draw(st.lists(number, min_size=1, max_size=3))
        elif base.startswith("Date"):
            values = draw(st.lists(_dates, min_size=1, max_size=2))
        else:
            values = draw(st.lists(_text_values, min_size=1, max_size=3))
        out.append(Condition(f"{prefix}{base}{suffix}", key, tuple(values)))
    return tuple(out)


_sids = st.one_of(st.none(), st.text(_WORD, min_size=1, max_size=8))


@st.composite
def statements(draw: st.DrawFn, *, use: str = "any", moto: bool = False) -> Statement:
    """A statement; ``use`` is ``"identity"``, ``"trust"`` or ``"any"``."""
    effect: Literal["Allow", "Deny"] = draw(st.sampled_from(("Allow", "Deny")))
    acts = tuple(draw(st.lists(actions(), min_size=1, max_size=4)))
    kw: dict[str, Any] = {}
    if draw(st.booleans()):
        kw["actions"] = acts
    else:
        kw["not_actions"] = acts
    if use == "trust":
        kw["actions"] = tuple(
            draw(
                st.lists(
                    st.sampled_from(("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
        )
        kw.pop("not_actions", None)
    if use != "trust":
        res = tuple(draw(st.lists(resources(moto=moto), min_size=1, max_size=3)))
        if use == "identity" or draw(st.booleans()):
            kw["resources" if draw(st.booleans()) else "not_resources"] = res
    if use == "trust" or (use == "any" and draw(st.booleans())):
        kw["principal" if use == "trust" or draw(st.booleans()) else "not_principal"] = draw(
            principals()
        )
    return Statement(effect=effect, conditions=draw(conditions(moto=moto)), sid=draw(_sids), **kw)


@st.composite
def documents(
    draw: st.DrawFn, *, use: str = "any", version: str | None = "2012-10-17", moto: bool = False
) -> PolicyDocument:
    """A valid policy document (Sids made unique).

    ``moto=True`` stays within what moto's validator knows: numeric condition
    values written as strings (moto wrongly rejects JSON numbers there; IAM
    accepts both) and only the partitions moto lists.
    """
    stmts = draw(st.lists(statements(use=use, moto=moto), min_size=1, max_size=5))
    seen: set[str] = set()
    unique = []
    for i, stmt in enumerate(stmts):
        fixed = stmt
        if stmt.sid is not None and stmt.sid in seen:
            fixed = attrs.evolve(stmt, sid=f"{stmt.sid}{i}x")
        if fixed.sid:
            seen.add(fixed.sid)
        unique.append(fixed)
    doc_id = draw(st.one_of(st.none(), st.text(_WORD + "-", min_size=1, max_size=10)))
    return PolicyDocument(statements=unique, version=version, id=doc_id)


def _respell(data: dict[str, Any], draw: st.DrawFn) -> Any:
    """Rewrite single values as one-element lists and vice versa, at random."""
    out: dict[str, Any] = {}
    for key in draw(st.permutations(list(data))):
        value = data[key]
        if isinstance(value, dict):
            value = _respell(value, draw)
        elif (
            isinstance(value, str)
            and key not in ("Version", "Id", "Sid", "Effect")
            and value != "*"
        ):
            if draw(st.booleans()):
                value = [value]
        elif isinstance(value, list) and key != "Statement":
            value = [_respell(v, draw) if isinstance(v, dict) else v for v in value]
        elif isinstance(value, bool | int | float) and draw(st.booleans()):
            value = [value]
        out[key] = value
    return out


@st.composite
def respelled(draw: st.DrawFn, doc: PolicyDocument) -> dict[str, Any]:
    """Another legal JSON spelling of ``doc``: key order, string-or-list, object-or-list."""
    data = doc.to_dict()
    stmts = [_respell(s, draw) for s in data["Statement"]]
    data["Statement"] = stmts[0] if len(stmts) == 1 and draw(st.booleans()) else stmts
    return {k: data[k] for k in draw(st.permutations(list(data)))}


def _break(data: dict[str, Any], how: int) -> dict[str, Any]:
    bad = copy.deepcopy(data)
    stmt = bad["Statement"][0]
    if how == 0:
        stmt["Effect"] = stmt["Effect"].lower()
    elif how == 1:
        stmt["Bogus"] = "x"
    elif how == 2:
        bad["Statement"] = []
    elif how == 3:
        stmt["Action" if "Action" in stmt else "NotAction"] = []
    elif how == 4:
        stmt["Action"] = "NoColonAction"
        stmt.pop("NotAction", None)
    elif how == 5:
        stmt["Resource"] = "*"
        stmt["NotResource"] = "*"
    elif how == 6:
        bad["Version"] = "2012-10-18"
    elif how == 7:
        stmt["Sid"] = "Dup"
        bad["Statement"].append(copy.deepcopy(stmt))
    elif how == 8:
        stmt["Action"] = ["s3:Get\u0100Object"]
        stmt.pop("NotAction", None)
    elif how == 9:
        stmt["Action"] = [12]
        stmt.pop("NotAction", None)
    elif how == 10:
        stmt["Condition"] = {"StringEquals": {"aws:PrincipalArn": [["nested"]]}}
    elif how == 11:
        stmt["Condition"] = {"StringEqualz": {"aws:PrincipalArn": "x"}}
    elif how == 12:
        stmt["Principal"] = {"AWS": "x"}
        stmt.pop("NotPrincipal", None)
    elif how == 13:
        del stmt["Effect"]
    elif how == 14:
        bad["Statement"] = "not a statement"
    elif how == 15:
        stmt["Resource"] = "bucket-name"
        stmt.pop("NotResource", None)
    return bad


BREAKAGES = 16


@st.composite
def invalid_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document's dict with one rule broken."""
    doc = draw(documents())
    return _break(doc.to_dict(), draw(st.integers(0, BREAKAGES - 1)))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
"""Arbitrary JSON values, for fuzzing the parser."""
