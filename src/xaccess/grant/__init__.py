"""The third-party grant: who may assume a role, with which external ID, to do what.

:class:`ThirdPartyGrant` is the immutable builder (:mod:`xaccess.grant.builder`); the modules
beside it hold its parts: ``fields`` (converters and checks), ``trust`` (trusted principals and the
trust policy), ``permissions`` (statements and inline policies), ``offline`` (``can_assume`` and
``permits``), ``serialize`` (``to_dict``/``from_dict``/JSON) and ``handoff`` (:class:`Handoff`).
"""

from xaccess.grant.builder import ConditionsInput, Pin, ThirdPartyGrant
from xaccess.grant.handoff import Handoff
from xaccess.grant.permissions import NamedPolicy

__all__ = ["ConditionsInput", "Handoff", "NamedPolicy", "Pin", "ThirdPartyGrant"]
