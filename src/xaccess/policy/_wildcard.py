"""IAM wildcard matching (``*`` and ``?``) without regular expressions.

Policy patterns are untrusted input, so they are never turned into regular
expressions. A pattern is split at its ``*`` wildcards into fixed-length
segments (which may hold ``?``); the first segment must match at the start of
the value, the last at the end, and each segment in between is placed at its
leftmost possible position. Leftmost placement is optimal (a later placement
never leaves more room for what follows), so there is no backtracking: a match
costs at most one left-to-right scan per segment, and ``str.find`` does the
scanning for segments without ``?``.

A pattern is a tuple of tokens: :data:`STAR`, :data:`QMARK` or literal text.
Literal text never has wildcard meaning, which is how values substituted from
policy variables (and ``${*}``, ``${?}``) stay literal.
"""

from __future__ import annotations

import functools
from typing import Final, TypeAlias

__all__ = [
    "QMARK",
    "STAR",
    "Token",
    "WildcardPattern",
    "compile_pattern",
    "compile_tokens",
    "split_tokens",
    "tokenize",
]

#: Token for ``*``: any run of characters, including none.
STAR: Final = 0
#: Token for ``?``: exactly one character.
QMARK: Final = 1

Token: TypeAlias = str | int
"""Literal text, :data:`STAR` or :data:`QMARK`."""

_CACHE_SIZE: Final = 4096


class _Segment:
    """A fixed-length piece of a pattern: literal runs at offsets, ``?`` elsewhere."""

    __slots__ = ("_accept", "_any", "length", "runs", "text")

    def __init__(self, tokens: list[Token]) -> None:
        runs: list[tuple[int, str]] = []
        offset = 0
        for token in tokens:
            if not isinstance(token, str):  # QMARK: STAR never reaches a segment
                offset += 1
                continue
            if runs and runs[-1][0] + len(runs[-1][1]) == offset:
                start, text = runs[-1]
                runs[-1] = (start, text + token)
            else:
                runs.append((offset, token))
            offset += len(token)
        self.length = offset
        self.runs = tuple(runs)
        # The plain literal when the segment has no '?', so str methods do all the work.
        self.text: str | None = runs[0][1] if len(runs) == 1 and offset == len(runs[0][1]) else None
        if offset == 0:
            self.text = ""
        # Bit-parallel (shift-and) tables for segments of several literal runs, where probing
        # candidate positions one by one could cost the segment's length at every position.
        self._accept: dict[str, int] = {}
        self._any = 0
        if len(runs) > 1:
            self._build_tables()

    def _build_tables(self) -> None:
        """Bit ``j`` of ``_accept[c]`` is set when position ``j`` accepts ``c`` (``?`` or ``c``)."""
        literal = 0
        for offset, text in self.runs:
            for i, char in enumerate(text):
                bit = 1 << (offset + i)
                literal |= bit
                self._accept[char] = self._accept.get(char, 0) | bit
        self._any = ((1 << self.length) - 1) & ~literal
        for char in self._accept:
            self._accept[char] |= self._any

    def match_at(self, value: str, pos: int) -> bool:
        """Whether this segment matches ``value`` starting at ``pos`` (which must fit)."""
        if self.text is not None:
            return value.startswith(self.text, pos)
        return all(value.startswith(text, pos + offset) for offset, text in self.runs)

    def find(self, value: str, start: int, stop: int) -> int:
        """The leftmost ``p >= start`` with ``p + length <= stop`` where the segment matches."""
        last = stop - self.length
        if last < start:
            return -1
        if self.text is not None:
            return value.find(self.text, start, stop)
        if not self.runs:
            return start
        if self._accept:
            return self._shift_and(value, start, stop)
        anchor_offset, anchor = self.runs[0]
        pos = start
        while pos <= last:
            hit = value.find(anchor, pos + anchor_offset, last + anchor_offset + len(anchor))
            if hit < 0:
                return -1
            candidate = hit - anchor_offset
            if self.match_at(value, candidate):
                return candidate
            pos = candidate + 1
        return -1

    def _shift_and(self, value: str, start: int, stop: int) -> int:
        """Leftmost match by shift-and: one pass over ``value``, whatever the segment holds.

        Bit ``j`` of ``state`` says that the last ``j + 1`` characters read match the
        segment's first ``j + 1`` positions, so every candidate position is tracked at once.
        """
        accept, anything, length = self._accept, self._any, self.length
        state = 0
        for i in range(start, stop):
            state = ((state << 1) | 1) & accept.get(value[i], anything)
            if state.bit_length() == length:  # the top bit: the whole segment matched
                return i - length + 1
        return -1


class WildcardPattern:
    """A compiled IAM wildcard pattern; call :meth:`matches` on whole values."""

    __slots__ = ("_exact", "_head", "_middle", "_min_length", "_star", "_tail")

    def __init__(self, tokens: tuple[Token, ...]) -> None:
        pieces: list[list[Token]] = [[]]
        for token in tokens:
            if token == STAR:
                pieces.append([])
            elif token != "":
                pieces[-1].append(token)
        segments = [_Segment(piece) for piece in pieces]
        self._star = len(segments) > 1
        self._head = segments[0]
        self._tail = segments[-1]
        self._middle = tuple(s for s in segments[1:-1] if s.length)
        self._min_length = sum(s.length for s in segments)
        # Fast paths: a pattern without wildcards is a string comparison, "*" matches all.
        self._exact: str | None = None if self._star else self._head.text

    def matches(self, value: str) -> bool:
        """Whether the whole of ``value`` matches the pattern."""
        if self._exact is not None:
            return value == self._exact
        if self._star and self._min_length == 0 and not self._middle:
            return True
        head = self._head
        if not self._star:
            return len(value) == head.length and head.match_at(value, 0)
        if len(value) < self._min_length or not head.match_at(value, 0):
            return False
        stop = len(value) - self._tail.length
        if not self._tail.match_at(value, stop):
            return False
        pos = head.length
        for segment in self._middle:
            found = segment.find(value, pos, stop)
            if found < 0:
                return False
            pos = found + segment.length
        return True


def tokenize(pattern: str) -> tuple[Token, ...]:
    """Split policy text into tokens: ``*`` and ``?`` are wildcards, the rest is literal."""
    out: list[Token] = []
    start = 0
    for i, char in enumerate(pattern):
        if char in "*?":
            if i > start:
                out.append(pattern[start:i])
            out.append(STAR if char == "*" else QMARK)
            start = i + 1
    if start < len(pattern):
        out.append(pattern[start:])
    return tuple(out)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def compile_tokens(tokens: tuple[Token, ...]) -> WildcardPattern:
    """Compile a token tuple (cached)."""
    return WildcardPattern(tokens)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def compile_pattern(pattern: str) -> WildcardPattern:
    """Compile policy text in which ``*`` and ``?`` are wildcards (cached)."""
    return WildcardPattern(tokenize(pattern))


def split_tokens(tokens: tuple[Token, ...], sep: str, maxsplit: int) -> list[tuple[Token, ...]]:
    """Split a token tuple at ``sep`` characters inside literal text, like ``str.split``."""
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if not isinstance(token, str) or sep not in token or len(parts) > maxsplit:
            parts[-1].append(token)
            continue
        pieces = token.split(sep, maxsplit - len(parts) + 1)
        for i, piece in enumerate(pieces):
            if i:
                parts.append([])
            if piece:
                parts[-1].append(piece)
    return [tuple(part) for part in parts]
