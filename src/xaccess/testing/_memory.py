"""What AWS keeps and moto forgets: facts of issued sessions, and deleted trusted principals.

The strict STS learns these while it intercepts and keeps them after the last ``with`` block
ends: a session issued in one block keeps its tags, source identity and session policies in
the next.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from xaccess.testing._moto import RoleKey


@attrs.frozen
class SessionFacts:
    """What AWS keeps on an issued session and moto does not."""

    source_identity: str | None
    tags: tuple[tuple[str, str], ...]  # the session's own and inherited transitive tags
    transitive_tags: tuple[tuple[str, str], ...]  # what a session it assumes inherits
    policy_arns: tuple[str, ...]


class Memory:
    """Thread-safe store of session facts and of trust policies naming deleted principals."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, SessionFacts] = {}
        self._unresolved: dict[RoleKey, tuple[str, frozenset[str]]] = {}

    def remember(self, access_key_id: str, facts: SessionFacts) -> None:
        """Keep what the session with this access key carries."""
        with self._lock:
            self._sessions[access_key_id] = facts

    def facts(self, access_key_id: str) -> SessionFacts | None:
        """What the session with this access key carries, if the strict STS issued it."""
        with self._lock:
            return self._sessions.get(access_key_id)

    def unresolve(self, role: RoleKey, trust_policy: str, principal_arn: str) -> None:
        """Note that ``trust_policy`` of ``role`` names a principal that was deleted."""
        with self._lock:
            text, arns = self._unresolved.get(role, (trust_policy, frozenset()))
            if text != trust_policy:
                arns = frozenset()
            self._unresolved[role] = (trust_policy, arns | {principal_arn})

    def unresolved(self, role: RoleKey, trust_policy: str) -> frozenset[str]:
        """The principal ARNs of ``trust_policy`` (still the role's) whose entity was deleted."""
        with self._lock:
            text, arns = self._unresolved.get(role, (trust_policy, frozenset()))
            return arns if text == trust_policy else frozenset()

    def resolve_again(self, role: RoleKey) -> None:
        """A trust policy saved again names the principals that exist now."""
        with self._lock:
            self._unresolved.pop(role, None)


MEMORY: Final = Memory()
