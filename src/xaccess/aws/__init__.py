"""The AWS layer of xaccess: the only part that imports boto3 and botocore.

Names are loaded on first use, so importing :mod:`xaccess.aws` costs nothing until one of them
is needed. Provisioning (:func:`create`, :func:`plan`, :func:`apply`, :func:`revoke`) lives in
:mod:`xaccess.aws.provisioning`. The vendor side: :mod:`xaccess.aws.assume`
(:class:`~xaccess.aws.assume.AssumeRoleClient`), :mod:`xaccess.aws.credentials` (temporary
credentials and their refresh cache), :mod:`xaccess.aws.verify` (the onboarding check),
:mod:`xaccess.aws.fleet` (many customers' roles at once), with
``_request`` (AssumeRole parameters, STS errors), ``_endpoints`` (regions, the STS client),
``_retry`` (the retry loop), ``_clock`` (time, backoff) and ``_redact`` (botocore's logs).
Every module logs under its own name, so ``logging.getLogger("xaccess.aws")`` sees all of it.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

# A library leaves logging output to the application. Every logger of xaccess lives under this
# package, so the handler is added here, where logging is needed anyway, and not by
# ``import xaccess``, which stays free of the logging module.
logging.getLogger("xaccess").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from xaccess.aws.provisioning import (
        Plan,
        ProvisionedRole,
        RetryPolicy,
        RevokeResult,
        RoleNotManaged,
        apply,
        create,
        plan,
        revoke,
    )

__all__ = [
    "Plan",
    "ProvisionedRole",
    "RetryPolicy",
    "RevokeResult",
    "RoleNotManaged",
    "apply",
    "create",
    "plan",
    "revoke",
]

_HOME = dict.fromkeys(__all__, "xaccess.aws.provisioning")


def __getattr__(name: str) -> object:
    module = _HOME.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
