"""boto3 sessions made by the thousand: built-in handlers copied, service models shared.

A plain ``botocore.session.Session()`` registers botocore's ~6,000 built-in event handlers one
by one (several milliseconds), and ``boto3.Session`` appends its data path to the model
loader's search paths each time, so sharing one loader between sessions made that list grow
by one entry per session. :func:`new_session` copies the handlers of a template instead
(botocore's public ``event_hooks`` and ``include_builtin_handlers`` arguments) and shares,
per base session, one loader whose search paths ignore a path they already hold.
"""

from __future__ import annotations

import copy
import threading
import weakref
from typing import TYPE_CHECKING, Final, SupportsIndex

import boto3
import botocore.loaders
import botocore.session
from botocore.hooks import HierarchicalEmitter

if TYPE_CHECKING:
    from collections.abc import Iterable

    from botocore.hooks import BaseEventHooks

__all__ = ["new_session", "shared_loader"]


class _UniquePaths(list[str]):
    """A search path list that keeps one copy of each path (``boto3.Session`` appends its own)."""

    def __init__(self, paths: Iterable[str] = ()) -> None:
        super().__init__(dict.fromkeys(paths))

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)

    def insert(self, index: SupportsIndex, path: str) -> None:
        if path not in self:
            super().insert(index, path)


_LOCK: Final = threading.Lock()
_LOADERS: Final[weakref.WeakKeyDictionary[botocore.loaders.Loader, botocore.loaders.Loader]] = (
    weakref.WeakKeyDictionary()
)
_TEMPLATE: list[BaseEventHooks] = []


def shared_loader(base: boto3.Session) -> botocore.loaders.Loader:
    """The model loader the sessions derived from ``base`` share: ``base``'s search paths."""
    original = base._session.get_component("data_loader")
    with _LOCK:
        loader = _LOADERS.get(original)
        if loader is None:
            paths = _UniquePaths(original.search_paths)
            loader = _LOADERS[original] = botocore.loaders.Loader(
                extra_search_paths=paths, include_default_search_paths=False
            )
        return loader


def _handlers() -> BaseEventHooks:
    """A copy of botocore's built-in event handlers, registered once per process."""
    with _LOCK:
        if not _TEMPLATE:
            emitter = HierarchicalEmitter()
            # A session registers its built-in handlers into the emitter it is given.
            botocore.session.Session(event_hooks=emitter)
            _TEMPLATE.append(emitter)
        template = _TEMPLATE[0]
    return copy.copy(template)


def new_session(
    base: boto3.Session, *, region_name: str, credential_provider: object
) -> boto3.Session:
    """A new boto3 session in ``region_name`` signing with ``credential_provider``'s credentials.

    It uses ``base``'s profile (its config), shares the service models ``base``'s sessions
    load, and costs about a third of a plain session to make.
    """
    profile = base.profile_name
    core = botocore.session.Session(
        event_hooks=_handlers(),
        include_builtin_handlers=False,
        profile=None if profile == "default" else profile,
    )
    core.register_component("data_loader", shared_loader(base))
    core.register_component("credential_provider", credential_provider)
    return boto3.Session(botocore_session=core, region_name=region_name)
