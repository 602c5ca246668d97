"""The third-party grant: who may assume a role, with which external ID, to do what.

:class:`ThirdPartyGrant` is the immutable builder (:mod:`xaccess.grant.builder`); the modules
beside it hold its parts: ``fields`` (converters and checks), ``trust`` (trusted principals and the
trust policy), ``permissions`` (statements and inline policies), ``offline`` (``can_assume`` and
``permits``), ``serialize`` (``to_dict``/``from_dict``/JSON) and ``handoff`` (:class:`Handoff`).
"""

from typing import TYPE_CHECKING

from xaccess.grant.builder import ConditionsInput, Pin, ThirdPartyGrant

if TYPE_CHECKING:
    from xaccess.grant.handoff import Handoff
    from xaccess.grant.packing import NamedPolicy

__all__ = ["ConditionsInput", "Handoff", "NamedPolicy", "Pin", "ThirdPartyGrant"]


_HOMES = {"Handoff": "xaccess.grant.handoff", "NamedPolicy": "xaccess.grant.packing"}


def __getattr__(name: str) -> object:
    # Served on first use, with the methods that make them (handoff(), permission_policies()).
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
