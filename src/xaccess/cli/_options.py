"""Errors about a verb's arguments named as the command line spells them."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["named_as_options"]


@contextlib.contextmanager
def named_as_options(**options: str) -> Iterator[None]:
    """Re-raise a ValidationError on a library field as one on the option given for it.

    ``named_as_options(duration_seconds="--duration")`` turns ``duration_seconds: must be ...``
    into ``--duration: must be ...``; errors on other fields pass unchanged.
    """
    try:
        yield
    except ValidationError as error:
        option = options.get(error.field)
        if option is None:
            raise
        raise ValidationError(option, error.rule) from None
