"""Hypothesis strategies for AWS identifiers, valid and invalid.

The valid strategies generate values AWS accepts (written from the API rules, not from
``xaccess.identifiers``); the ``invalid_*`` strategies generate values that break at least one
rule, including values of the wrong type. Long values are built by repeating a short random
seed, so every length up to the maximum is reachable without huge draws.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from xaccess.identifiers import Arn, AssumedRoleArn, RoleArn

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

__all__ = [
    "ALL_PARTITIONS",
    "DESCRIPTION_ALPHABET",
    "EXTERNAL_ID_ALPHABET",
    "LOOKALIKES",
    "NAME_ALPHABET",
    "PATH_ALPHABET",
    "TAG_PUNCTUATION",
    "account_ids",
    "arns",
    "assumed_role_arns",
    "descriptions",
    "external_ids",
    "invalid_account_ids",
    "invalid_descriptions",
    "invalid_external_ids",
    "invalid_max_session_durations",
    "invalid_policy_names",
    "invalid_role_arn_texts",
    "invalid_role_names",
    "invalid_role_paths",
    "invalid_session_durations",
    "invalid_session_names",
    "invalid_source_identities",
    "invalid_tag_keys",
    "invalid_tag_values",
    "managed_policy_arns",
    "max_session_durations",
    "multi_segment_role_paths",
    "non_strings",
    "partitions",
    "policy_names",
    "role_arns",
    "role_names",
    "role_paths",
    "session_durations",
    "session_names",
    "source_identities",
    "tag_dicts",
    "tag_keys",
    "tag_values",
]

ALL_PARTITIONS: tuple[str, ...] = (
    "aws",
    "aws-cn",
    "aws-eusc",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-us-gov",
)
"""Every AWS partition, as the AWS documentation lists them."""

_WORD = string.ascii_letters + string.digits + "_"

NAME_ALPHABET = _WORD + "+=,.@-"
"""Characters of role, policy and session names: ASCII ``[\\w+=,.@-]``."""

EXTERNAL_ID_ALPHABET = _WORD + "+=,.@:/-"
"""Characters of external IDs: ASCII ``[\\w+=,.@:/-]``."""

PATH_ALPHABET = "".join(chr(code) for code in range(0x21, 0x7F))
"""Characters allowed between the slashes of a role path: ``!`` to ``~``."""

_POLICY_PATH_SEGMENT_ALPHABET = string.ascii_letters + string.digits + ".,+@=_-"

DESCRIPTION_ALPHABET = (
    "\t\n\r"
    + "".join(chr(code) for code in range(0x20, 0x7F))
    + "".join(chr(code) for code in range(0xA1, 0x100))
)
"""Characters of role descriptions: tab, LF, CR, ``\\x20-\\x7E`` and ``\\xA1-\\xFF``."""

TAG_PUNCTUATION = "_.:/=+-@"
"""The punctuation allowed in tag keys and values besides letters, digits and spaces."""

LOOKALIKES = (
    "\u0661\u0662\u0663",  # Arabic-Indic digits one, two, three
    "\uff11",  # fullwidth digit one
    "\U0001d7cf",  # mathematical bold digit one
    "\uff41",  # fullwidth small a
    "\u0430",  # Cyrillic small a
    "\u00e9",  # e with acute
    "\u0131",  # dotless i
    "\u212a",  # Kelvin sign (lowercases to ASCII k)
)
"""Non-ASCII characters that look like ASCII letters or digits (Python's ``\\w`` matches them)."""

# Characters never allowed in names, session names or external IDs.
_BAD_NAME_CHARS = (*" \t\n\r\x00\x7f!#$%^&*()[]{}|\\;'\"<>?~`", *LOOKALIKES)
_BAD_PATH_CHARS = (*" \t\n\r\x00\x7f\x80\xa0", "\u00e9", "\uff0f")
_BAD_DESCRIPTION_CHARS = (
    *(chr(code) for code in range(0x09)),
    "\x0b",
    "\x0c",
    *(chr(code) for code in range(0x0E, 0x20)),
    *(chr(code) for code in range(0x7F, 0xA1)),
    "\u20ac",
    "\u540d",
    "\u2028",
    "\U0001f600",
)
_BAD_TAG_CHARS = (*",!#$%^&*()[]{}|\\;'\"<>?~`\t\n\r\x00\x7f", "\u00a9", "\U0001f600", "\u0301")


@st.composite
def _text_of(
    draw: DrawFn,
    alphabet: str | SearchStrategy[str],
    min_size: int,
    max_size: int,
) -> str:
    """Text of ``alphabet`` with a length in ``[min_size, max_size]``, ends favoured."""
    size = draw(st.sampled_from((min_size, max_size)) | st.integers(min_size, max_size))
    if size == 0:
        return ""
    seed = draw(st.text(alphabet=alphabet, min_size=1, max_size=min(size, 32)))
    return (seed * (size // len(seed) + 1))[:size]


@st.composite
def _spoiled(draw: DrawFn, valid: SearchStrategy[str], bad: tuple[str, ...]) -> str:
    """A valid value with one forbidden character inserted or substituted."""
    text = draw(valid)
    char = draw(st.sampled_from(bad))
    where = draw(st.integers(0, len(text)))
    if draw(st.booleans()):
        return text[:where] + char + text[where:]
    return text[:where] + char + text[where + 1 :]


def non_strings() -> SearchStrategy[object]:
    """Values of types that no identifier accepts: numbers, bools, None, bytes, containers."""
    return st.one_of(
        st.integers(),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False),
        st.binary(max_size=16),
        st.lists(st.text(max_size=4), max_size=2),
        st.tuples(st.text(max_size=4)),
    )


def partitions() -> SearchStrategy[str]:
    """Any AWS partition."""
    return st.sampled_from(ALL_PARTITIONS)


def account_ids() -> SearchStrategy[str]:
    """Valid 12-digit account IDs, leading zeros included."""
    return st.text(alphabet=string.digits, min_size=12, max_size=12)


def invalid_account_ids() -> SearchStrategy[object]:
    """Account IDs of the wrong type, length or characters (look-alike digits included)."""
    wrong_length = (
        st.integers(0, 30)
        .filter(lambda n: n != 12)
        .flatmap(lambda n: st.text(alphabet=string.digits, min_size=n, max_size=n))
    )
    return st.one_of(
        non_strings(),
        wrong_length,
        _spoiled(account_ids(), (*" \n-+.aA", *LOOKALIKES)),
        account_ids().map(lambda text: text + "\n"),
    )


def role_names() -> SearchStrategy[str]:
    """Valid role names: 1-64 characters of ``[A-Za-z0-9_+=,.@-]``."""
    return _text_of(NAME_ALPHABET, 1, 64)


def invalid_role_names() -> SearchStrategy[object]:
    """Role names of the wrong type, length (0 or 65+) or with a forbidden character."""
    return st.one_of(
        non_strings(),
        st.just(""),
        _text_of(NAME_ALPHABET, 65, 200),
        _spoiled(role_names(), (*_BAD_NAME_CHARS, "/", ":")),
    )


def policy_names() -> SearchStrategy[str]:
    """Valid inline policy names: 1-128 characters of ``[A-Za-z0-9_+=,.@-]``."""
    return _text_of(NAME_ALPHABET, 1, 128)


def invalid_policy_names() -> SearchStrategy[object]:
    """Policy names of the wrong type, length (0 or 129+) or with a forbidden character."""
    return st.one_of(
        non_strings(),
        st.just(""),
        _text_of(NAME_ALPHABET, 129, 300),
        _spoiled(policy_names(), (*_BAD_NAME_CHARS, "/", ":")),
    )


def role_paths() -> SearchStrategy[str]:
    """Valid role paths: ``/`` or ``/`` + 1-510 printable ASCII characters + ``/``."""
    return st.one_of(
        st.just("/"),
        _text_of(PATH_ALPHABET, 1, 510).map(lambda inner: f"/{inner}/"),
        multi_segment_role_paths(),
    )


def multi_segment_role_paths() -> SearchStrategy[str]:
    """Valid role paths made of 1-8 slash-separated segments, such as ``/team/app/``."""
    segment = st.text(alphabet=PATH_ALPHABET.replace("/", ""), min_size=1, max_size=20)
    return st.lists(segment, min_size=1, max_size=8).map(lambda parts: f"/{'/'.join(parts)}/")


def invalid_role_paths() -> SearchStrategy[object]:
    """Role paths of the wrong type, length, shape (``//``, a missing ``/``) or characters."""
    return st.one_of(
        non_strings(),
        st.sampled_from(("", "//", "a", "a/", "/a", "\n", "/\n", "/a/\n")),
        role_paths().map(lambda path: path.lstrip("/")),
        role_paths().map(lambda path: path.rstrip("/")),
        _text_of(PATH_ALPHABET, 512, 700).map(lambda inner: f"/{inner}/"),
        _spoiled(role_paths(), _BAD_PATH_CHARS),
    )


def session_names() -> SearchStrategy[str]:
    """Valid role session names: 2-64 characters of ``[A-Za-z0-9_+=,.@-]``."""
    return _text_of(NAME_ALPHABET, 2, 64)


def invalid_session_names() -> SearchStrategy[object]:
    """Session names of the wrong type, length (0, 1 or 65+) or with a forbidden character."""
    return st.one_of(
        non_strings(),
        _text_of(NAME_ALPHABET, 0, 1),
        _text_of(NAME_ALPHABET, 65, 200),
        _spoiled(session_names(), (*_BAD_NAME_CHARS, "/", ":")),
    )


def source_identities() -> SearchStrategy[str]:
    """Valid source identities: session-name rules, never starting with ``aws:``."""
    # The name alphabet has no ':', so no generated value can start with "aws:".
    return session_names()


def invalid_source_identities() -> SearchStrategy[object]:
    """Source identities that break a session-name rule or start with ``aws:`` in any case."""
    prefixed = st.tuples(
        st.sampled_from(("aws:", "AWS:", "Aws:", "aWs:")), _text_of(NAME_ALPHABET, 0, 60)
    ).map("".join)
    return st.one_of(invalid_session_names(), prefixed)


def external_ids() -> SearchStrategy[str]:
    """Valid external IDs: 2-1224 characters of ``[A-Za-z0-9_+=,.@:/-]``.

    Includes a value with every allowed character, and the shortest and longest values.
    """
    edges = (
        EXTERNAL_ID_ALPHABET,
        "ab",
        "--",
        "::",
        "//",
        "x" * 1224,
        (EXTERNAL_ID_ALPHABET * 20)[:1224],
    )
    return st.one_of(st.sampled_from(edges), _text_of(EXTERNAL_ID_ALPHABET, 2, 1224))


def invalid_external_ids() -> SearchStrategy[object]:
    """External IDs of the wrong type, length (0, 1 or 1225+) or with a forbidden character."""
    return st.one_of(
        non_strings(),
        _text_of(EXTERNAL_ID_ALPHABET, 0, 1),
        _text_of(EXTERNAL_ID_ALPHABET, 1225, 2000),
        _spoiled(external_ids(), _BAD_NAME_CHARS),
    )


def descriptions() -> SearchStrategy[str]:
    """Valid role descriptions: 0-1000 characters of tab, LF, CR and Latin-1 text."""
    return _text_of(DESCRIPTION_ALPHABET, 0, 1000)


def invalid_descriptions() -> SearchStrategy[object]:
    """Descriptions of the wrong type, too long, or with a control or non-Latin-1 character."""
    return st.one_of(
        non_strings(),
        _text_of(DESCRIPTION_ALPHABET, 1001, 1500),
        _spoiled(descriptions(), _BAD_DESCRIPTION_CHARS),
    )


def session_durations() -> SearchStrategy[int]:
    """Valid ``DurationSeconds``: 900-43200."""
    return st.integers(900, 43_200)


def max_session_durations() -> SearchStrategy[int]:
    """Valid role ``MaxSessionDuration``: 3600-43200."""
    return st.integers(3600, 43_200)


def _invalid_durations(low: int, high: int) -> SearchStrategy[object]:
    return st.one_of(
        st.integers(max_value=low - 1),
        st.integers(min_value=high + 1),
        st.integers(low, high).map(lambda n: dt.timedelta(seconds=n, milliseconds=1)),
        st.integers(-(10**9), low - 1).map(lambda n: dt.timedelta(seconds=n)),
        st.integers(high + 1, 10**9).map(lambda n: dt.timedelta(seconds=n)),
        st.booleans(),
        st.none(),
        st.floats(low, high),
        st.integers(low, high).map(str),
    )


def invalid_session_durations() -> SearchStrategy[object]:
    """``DurationSeconds`` out of range, fractional, or of the wrong type (bool, float, str)."""
    return _invalid_durations(900, 43_200)


def invalid_max_session_durations() -> SearchStrategy[object]:
    """``MaxSessionDuration`` out of range, fractional, or of the wrong type."""
    return _invalid_durations(3600, 43_200)


_TAG_CHARS = st.characters(categories=("L", "N", "Z"), include_characters=TAG_PUNCTUATION)


def tag_keys() -> SearchStrategy[str]:
    """Valid tag keys: 1-128 Unicode letters, digits, spaces and ``_.:/=+-@``; no ``aws:``."""
    return _text_of(_TAG_CHARS, 1, 128).filter(lambda key: key[:4].lower() != "aws:")


def tag_values() -> SearchStrategy[str]:
    """Valid tag values: 0-256 Unicode letters, digits, spaces and ``_.:/=+-@``; no ``aws:``."""
    return _text_of(_TAG_CHARS, 0, 256).filter(lambda value: value[:4].lower() != "aws:")


def _aws_prefixed() -> SearchStrategy[str]:
    return st.tuples(
        st.sampled_from(("aws:", "AWS:", "Aws:", "awS:")), _text_of(_TAG_CHARS, 0, 100)
    ).map("".join)


def invalid_tag_keys() -> SearchStrategy[object]:
    """Tag keys of the wrong type, length, characters, or starting with ``aws:`` in any case."""
    prefixed = _aws_prefixed()
    return st.one_of(
        non_strings(),
        st.just(""),
        _text_of(_TAG_CHARS, 129, 300),
        _spoiled(tag_keys(), _BAD_TAG_CHARS),
        prefixed,
    )


def invalid_tag_values() -> SearchStrategy[object]:
    """Tag values of the wrong type, too long, with a forbidden character, or ``aws:``-prefixed."""
    return st.one_of(
        non_strings(),
        _text_of(_TAG_CHARS, 257, 400),
        _spoiled(tag_values(), _BAD_TAG_CHARS),
        _aws_prefixed(),
    )


def tag_dicts(*, max_size: int = 50) -> SearchStrategy[dict[str, str]]:
    """Valid tag mappings: up to ``max_size`` tags, keys unique ignoring case."""
    keys = st.lists(tag_keys(), unique_by=str.lower, max_size=max_size)
    return keys.flatmap(
        lambda ks: st.lists(tag_values(), min_size=len(ks), max_size=len(ks)).map(
            lambda vs: dict(zip(ks, vs, strict=True))
        )
    )


def role_arns() -> SearchStrategy[RoleArn]:
    """Role ARNs in every partition, with root, single- and multi-segment paths."""
    return st.builds(
        RoleArn,
        partition=partitions(),
        account=account_ids(),
        path=role_paths(),
        name=role_names(),
    )


@st.composite
def invalid_role_arn_texts(draw: DrawFn) -> object:
    """Texts that are not role ARNs: one part of a valid role ARN broken, or a wrong type."""
    partition = draw(partitions())
    account = draw(account_ids())
    path = draw(st.sampled_from(("/", "/team/", "/a/b/c/")))
    name = draw(role_names())
    broken = draw(st.integers(0, 9))
    if broken == 0:
        partition = draw(st.sampled_from(("", "AWS", "aws-xx", "amazon", "aws ", "aws\n")))
    elif broken == 1:
        account = draw(
            st.one_of(
                st.integers(0, 20).filter(lambda n: n != 12).map(lambda n: "1" * n),
                st.sampled_from(("aws", "12345678901a", "\uff11" * 12, "123456789012\n")),
            )
        )
    elif broken == 2:
        path = draw(st.sampled_from(("/a b/", "/\u00e9/", "/a\n/", "/" + "p" * 520 + "/")))
    elif broken == 3:
        name = draw(
            st.one_of(
                st.sampled_from(("", "n" * 65, "a\n", "a b", "a:b")),
                _spoiled(role_names(), _BAD_NAME_CHARS),
            )
        )
    elif broken == 4:
        return f"arn:{partition}:sts::{account}:role{path}{name}"
    elif broken == 5:
        return f"arn:{partition}:iam:us-east-1:{account}:role{path}{name}"
    elif broken == 6:
        return f"arn:{partition}:iam::{account}:user{path}{name}"
    elif broken == 7:
        return f"arn:{partition}:iam::{account}:role{path}{name}\n"
    elif broken == 8:
        return draw(non_strings())
    else:
        return f"{partition}:iam::{account}:role{path}{name}"
    return f"arn:{partition}:iam::{account}:role{path}{name}"


def assumed_role_arns() -> SearchStrategy[AssumedRoleArn]:
    """Assumed-role session ARNs in every partition."""
    return st.builds(
        AssumedRoleArn,
        partition=partitions(),
        account=account_ids(),
        role_name=role_names(),
        session_name=session_names(),
    )


def managed_policy_arns() -> SearchStrategy[str]:
    """Managed policy ARNs (AWS managed and customer managed) in every partition, with paths."""
    segment = st.text(alphabet=_POLICY_PATH_SEGMENT_ALPHABET, min_size=1, max_size=20)
    path = st.lists(segment, max_size=4).map(lambda parts: "".join(f"/{p}" for p in parts) + "/")
    return st.builds(
        "arn:{}:iam::{}:policy{}{}".format,
        partitions(),
        st.just("aws") | account_ids(),
        path,
        policy_names(),
    )


def arns() -> SearchStrategy[Arn]:
    """Generic ARNs in every partition: any service, optional region and account, any resource."""
    service = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
    region = st.sampled_from(("", "us-east-1", "eu-west-2", "cn-north-1", "us-gov-west-1"))
    account = st.sampled_from(("", "aws")) | account_ids()
    resource = st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=80
    )
    return st.builds(Arn, partitions(), service, region, account, resource)
