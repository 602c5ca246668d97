"""A strict STS for tests: moto, plus the authorization AWS applies to ``sts:AssumeRole``.

moto answers every ``AssumeRole``: it checks neither the role's trust policy nor the external
ID, lets callers assume roles that do not exist and ignores ``MaxSessionDuration``. While a
:class:`StrictSTS` is active (``with strict_sts():``), every ``AssumeRole`` request that moto
serves in this process -- through ``moto.mock_aws()`` or a ``moto.server.ThreadedMotoServer`` --
is first authorized the way AWS does it:

* the request must be signed, with a key that is active and of the request's partition;
* the role must exist in moto's IAM, in the account and partition of the role ARN;
* the caller is identified from the request's access key: a session moto issued (in any
  account; one whose role was deleted since has no permissions), an IAM user's key, or else
  moto's default identity of the request's account, which is evaluated as the IAM user
  ``arn:aws:iam::ACCOUNT:user/moto`` with full permissions (AWS refuses ``AssumeRole`` to the
  account root, so the default identity cannot be the root);
* the role's trust policy, and where AWS requires it the caller's identity policies, are
  evaluated by :func:`xaccess.policy.evaluate` with the request context AWS builds
  (``sts:ExternalId``, ``sts:RoleSessionName``, session tags, source identity, and the global
  keys every request carries: ``aws:SecureTransport``, ``aws:SourceIp`` -- both chosen with
  :func:`strict_sts` --, the time, the region, ``aws:userid``, ...); session tags
  and a source identity (also one carried on along a role chain, which cannot change) need
  ``sts:TagSession`` and ``sts:SetSourceIdentity``; transitive session tags pass on along the
  chain and cannot be overridden; a role or user ARN in the trust policy names only the role or
  user that has exactly that ARN and was not deleted since the policy was saved (AWS stores
  its unique ID);
* ``DurationSeconds`` may not exceed the role's ``MaxSessionDuration``, nor one hour when the
  caller is itself an assumed-role session (role chaining).

A refusal is answered as STS answers it (``AccessDenied``, ``InvalidClientTokenId`` or
``MissingAuthenticationToken``, HTTP 403, or ``ValidationError`` or ``InvalidParameterValue``,
HTTP 400), so boto3 raises the same ``ClientError`` it would raise against AWS. Everything else is
moto's own behaviour. :func:`session_for` gives a boto3 session that acts as a chosen principal in
any account, and the ``strict_sts`` pytest fixture switches all of this on for one test.

moto and boto3 are imported when first needed, so loading this package as a pytest plugin costs
nothing in projects that do not use it.

The package is laid out by what each part does: ``_interception`` (the hooks into moto),
``_request`` (reading the request and the STS API model's checks), ``_callers`` (who signed it),
``_context`` (the request context), ``_trust`` (trust policy principals as AWS stores them),
``_authorization`` (the decision), ``_sessions`` (:func:`session_for`), ``_environment``
(:func:`fake_aws_environment`) and ``_plugin`` (the pytest fixture).
"""

from __future__ import annotations

from xaccess.testing._attempt import AssumeRoleAttempt
from xaccess.testing._environment import fake_aws_environment

# The pytest plugin's fixture: pytest finds it here when it loads xaccess.testing as a plugin.
from xaccess.testing._plugin import strict_sts_fixture as strict_sts_fixture
from xaccess.testing._sessions import PolicyInput, session_for
from xaccess.testing._strict import StrictSTS, strict_sts

__all__ = [
    "AssumeRoleAttempt",
    "PolicyInput",
    "StrictSTS",
    "fake_aws_environment",
    "session_for",
    "strict_sts",
]
