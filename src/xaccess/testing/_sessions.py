"""Acting as a principal: :func:`session_for` and the cheap boto3 sessions it makes.

Role credentials are issued by moto's STS backend directly, so acting as a principal is never
itself an ``AssumeRole`` the strict STS would judge.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias

from xaccess import limits
from xaccess._validate import check_str
from xaccess.errors import ValidationError
from xaccess.testing._moto import Untyped, require_moto
from xaccess.testing._request import ASSUME_ROLE, SET_SOURCE_IDENTITY, TAG_SESSION

if TYPE_CHECKING:
    import boto3
    from botocore.hooks import HierarchicalEmitter
    from botocore.loaders import Loader

FAKE_SECRET: Final = "testing"
"""The access key ID and secret of moto's default identity, and of the fake environment."""


class _JsonSerializable(Protocol):
    def to_json(self) -> str: ...  # pragma: no cover - a protocol


PolicyInput: TypeAlias = "str | Mapping[str, Any] | _JsonSerializable"
"""A policy as :func:`session_for` accepts it.

JSON text, a mapping, or an object with ``to_json()`` such as
:class:`xaccess.PolicyDocument`.

.. versionadded:: 0.1.0
"""


_ACCOUNT_HEADER: Final = "x-moto-account-id"


_DEFAULT_VENDOR_POLICY: Final = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [ASSUME_ROLE, TAG_SESSION, SET_SOURCE_IDENTITY],
            "Resource": "*",
        }
    ],
}


def session_for(
    principal_arn: str,
    *,
    region_name: str = "us-east-1",
    endpoint_url: str | None = None,
    policies: Mapping[str, PolicyInput] | None = None,
    session_name: str = "xaccess-testing",
) -> boto3.Session:
    """Return a boto3 session whose requests moto attributes to ``principal_arn``.

    This is how a test acts as, say, a vendor's role in another account. The principal is
    created in moto's IAM (in the account of its ARN) when it does not exist yet:

    * a role (``arn:aws:iam::111122223333:role/VendorWorker``, path included) is created trusting
      its own account, and the session is one of its assumed-role sessions;
    * an assumed-role session ARN (``arn:aws:sts::...:assumed-role/ROLE/SESSION``) works the same,
      with that session name;
    * a user (``arn:aws:iam::...:user/NAME``) gets an access key;
    * an account root (``arn:aws:iam::...:root``) gives moto's default identity of that account:
      it acts as the root for every service, and the strict STS evaluates its ``AssumeRole``
      requests as the IAM user ``arn:aws:iam::ACCOUNT:user/moto`` with full permissions.

    A role or user created here receives the identity policy ``policies`` names, or by default
    one allowing ``sts:AssumeRole`` (with ``sts:TagSession`` and ``sts:SetSourceIdentity``) on
    every resource. For one that already exists, ``policies`` (when given) are put as inline
    policies, replacing those of the same name.

    moto must be running in this process (``mock_aws()``, or a ``ThreadedMotoServer`` reached
    through ``endpoint_url``): role credentials are issued by moto's STS backend directly, so
    acting as a principal is never itself an ``AssumeRole`` the strict STS would judge.

    Args:
        principal_arn: The role, assumed-role session, user or account root to act as.
        region_name: The session's region.
        endpoint_url: The moto server's URL; every client and resource made from the returned
            session uses it unless told otherwise. ``None`` for in-process ``mock_aws()``.
        policies: Inline identity policies by name (JSON text, a mapping, or an object with
            ``to_json()`` such as :class:`xaccess.PolicyDocument`); ``{}`` for none. Not
            accepted for an account root.
        session_name: The session name of a role's session (an assumed-role ARN brings its own).

    Returns:
        A boto3 session with that principal's credentials.

    Raises:
        ValidationError: If ``principal_arn`` is not a role, assumed-role, user or root ARN, if
            ``policies`` is given for a root, if ``session_name`` is invalid, or if
            ``region_name`` or ``endpoint_url`` is not a string.
        RuntimeError: If ``endpoint_url`` is ``None`` and ``mock_aws()`` is not active (the
            session would reach AWS itself).

    .. versionadded:: 0.1.0
    """
    from xaccess.identifiers import Arn, principal_kind, validate_session_name  # noqa: PLC0415

    region_name = check_str(region_name, "region_name")
    if endpoint_url is not None:
        endpoint_url = check_str(endpoint_url, "endpoint_url")
    kind = principal_kind(principal_arn, field="principal_arn")
    account = Arn.parse(principal_arn, field="principal_arn").account
    if kind == "federated-user":
        raise ValidationError(
            "principal_arn", "federated-user sessions are not supported; use a role or a user"
        )
    if kind == "root" and policies is not None:
        raise ValidationError(
            "policies", "an account root has no identity policies; it may do anything"
        )
    if kind == "role":
        session_name = validate_session_name(session_name, field="session_name")
    require_moto()
    if endpoint_url is None and not _moto_in_process():
        raise RuntimeError(
            "moto is not active: call session_for() inside moto.mock_aws(), or pass the "
            "endpoint_url of a moto server"
        )
    if kind == "root":
        credentials: tuple[str, str, str | None] = (FAKE_SECRET, FAKE_SECRET, None)
        return _new_session(
            region_name=region_name,
            endpoint_url=endpoint_url,
            credentials=credentials,
            account=account,
        )
    iam = _administrator_client("iam", account, region_name, endpoint_url)
    if kind == "user":
        credentials = (_ensure_user(iam, principal_arn, policies), FAKE_SECRET, None)
    else:
        role_arn, session_name = _ensure_role_of(iam, principal_arn, session_name, policies)
        credentials = _issue_role_credentials(role_arn, session_name, account, region_name)
    return _new_session(region_name=region_name, endpoint_url=endpoint_url, credentials=credentials)


def _ensure_role_of(
    iam: Untyped, principal_arn: str, session_name: str, policies: Mapping[str, PolicyInput] | None
) -> tuple[str, str]:
    """Create the role of a role or assumed-role ARN unless it exists: its ARN, session name."""
    from xaccess.identifiers import AssumedRoleArn, RoleArn, principal_kind  # noqa: PLC0415

    if principal_kind(principal_arn, field="principal_arn") == "assumed-role":
        session = AssumedRoleArn.parse(principal_arn, field="principal_arn")
        role_arn = _ensure_role(iam, None, session.role_name, str(session.role_arn()), policies)
        return role_arn, session.session_name
    role = RoleArn.parse(principal_arn, field="principal_arn")
    return _ensure_role(iam, role.path, role.name, str(role), policies), session_name


def _moto_in_process() -> bool:
    """Whether ``mock_aws()`` intercepts botocore now (assumed so if moto changes how)."""
    from moto.core import models  # noqa: PLC0415

    return bool(getattr(getattr(models, "botocore_stubber", None), "enabled", True))


@functools.lru_cache(maxsize=32)
def _administrator_client(
    service: str, account: str, region_name: str, endpoint_url: str | None
) -> Untyped:
    """A client acting as moto's default identity of ``account`` (kept: clients are costly)."""
    session = _new_session(
        region_name=region_name,
        endpoint_url=endpoint_url,
        credentials=(FAKE_SECRET, FAKE_SECRET, None),
        account=account,
    )
    return session.client(service)  # type: ignore[call-overload]


def _policy_text(document: PolicyInput) -> str:
    if isinstance(document, str):
        return document
    if isinstance(document, Mapping):
        return json.dumps(document)
    return document.to_json()


def _is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None)
    return isinstance(response, Mapping) and response.get("Error", {}).get("Code") == "NoSuchEntity"


def _ensure_role(
    iam: Untyped,
    path: str | None,
    name: str,
    wanted_arn: str,
    policies: Mapping[str, PolicyInput] | None,
) -> str:
    """Create the role unless it exists; put its policies; return its real ARN."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    try:
        role = iam.get_role(RoleName=name)["Role"]
        created = False
    except ClientError as error:
        if not _is_missing(error):  # pragma: no cover - moto answers NoSuchEntity
            raise
        account = wanted_arn.split(":")[4]
        partition = wanted_arn.split(":")[1]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": ASSUME_ROLE,
                }
            ],
        }
        role = iam.create_role(
            RoleName=name, Path=path or "/", AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]
        created = True
    actual = str(role["Arn"])
    if path is not None and actual != wanted_arn:
        raise ValidationError(
            "principal_arn", f"a role named {name!r} already exists with another path: {actual}"
        )
    chosen = _chosen_policies(policies, created=created)
    for policy_name, document in chosen.items():
        iam.put_role_policy(
            RoleName=name, PolicyName=policy_name, PolicyDocument=_policy_text(document)
        )
    return actual


def _ensure_user(iam: Untyped, user_arn: str, policies: Mapping[str, PolicyInput] | None) -> str:
    """Create the user unless it exists; put its policies; return one of its access key IDs."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    from xaccess.identifiers import Arn  # noqa: PLC0415

    folder, _, name = Arn.parse(user_arn, field="principal_arn").resource_id.rpartition("/")
    path = f"/{folder}/" if folder else "/"

    try:
        user = iam.get_user(UserName=name)["User"]
        created = False
    except ClientError as error:
        if not _is_missing(error):  # pragma: no cover - moto answers NoSuchEntity
            raise
        user = iam.create_user(UserName=name, Path=path)["User"]
        created = True
    if user.get("Path", "/") != path:
        raise ValidationError(
            "principal_arn",
            f"a user named {name!r} already exists with another path: {user['Arn']}",
        )
    for policy_name, document in _chosen_policies(policies, created=created).items():
        iam.put_user_policy(
            UserName=name, PolicyName=policy_name, PolicyDocument=_policy_text(document)
        )
    # moto does not check signatures, so an existing key works with any secret.
    keys = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    if keys:
        return str(keys[0]["AccessKeyId"])
    return str(iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"])


def _chosen_policies(
    policies: Mapping[str, PolicyInput] | None, *, created: bool
) -> Mapping[str, PolicyInput]:
    if policies is not None:
        return policies
    return {"xaccess-testing-assume-role": _DEFAULT_VENDOR_POLICY} if created else {}


def _issue_role_credentials(
    role_arn: str, session_name: str, account: str, region_name: str
) -> tuple[str, str, str]:
    """Have moto's STS backend issue a session of the role, as a successful AssumeRole would."""
    from moto.sts.models import sts_backends  # noqa: PLC0415

    partition = role_arn.split(":")[1]
    backend: Untyped = sts_backends[account][partition]
    assumed = backend.assume_role(
        region_name=region_name,
        role_session_name=session_name,
        role_arn=role_arn,
        policy=None,
        duration=limits.DEFAULT_DURATION,
        external_id=None,
    )
    return str(assumed.access_key_id), str(assumed.secret_access_key), str(assumed.session_token)


def _new_session(
    *,
    region_name: str,
    endpoint_url: str | None,
    credentials: tuple[str, str, str | None],
    account: str | None = None,
) -> boto3.Session:
    access_key, secret, token = credentials
    session = quick_session(
        _session_class(),
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=region_name,
    )
    session._xaccess_endpoint_url = endpoint_url  # type: ignore[attr-defined]
    if account is not None:
        session.events.register("before-sign", functools.partial(_pin_account, account=account))
    return session


def quick_session(cls: type[boto3.Session], **kwargs: str | None) -> boto3.Session:
    """Make a boto3 session cheaply: tests make many.

    The sessions made here share one data loader (a new one reads the service models and
    endpoints from disk again, about a tenth of a second per client) and start from a copy of
    botocore's built-in event handlers instead of registering them again.
    """
    import botocore.session  # noqa: PLC0415

    with _SESSIONS_LOCK:
        loader = _shared_loader()
        core = botocore.session.Session(
            event_hooks=copy.copy(_builtin_handlers()), include_builtin_handlers=False
        )
        core.register_component("data_loader", loader)
        session = cls(botocore_session=core, **kwargs)
        # boto3 appends its resource models' directory to the loader of every new session.
        loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


_SESSIONS_LOCK: Final = threading.Lock()


@functools.cache
def _builtin_handlers() -> HierarchicalEmitter:
    """botocore's built-in event handlers, moto's included (so moto is imported first)."""
    import botocore.session  # noqa: PLC0415
    from botocore.hooks import HierarchicalEmitter  # noqa: PLC0415

    require_moto()
    import moto  # noqa: F401, PLC0415 - registers its handler with botocore

    events = HierarchicalEmitter()
    botocore.session.Session(event_hooks=events)
    return events


@functools.cache
def _shared_loader() -> Loader:
    import botocore.session  # noqa: PLC0415

    loader: Loader = botocore.session.get_session().get_component("data_loader")
    return loader


def _pin_account(request: Untyped, account: str, **_: Untyped) -> None:
    """Tell moto which account the default identity acts in (moto's multi-account header)."""
    request.headers[_ACCOUNT_HEADER] = account


@functools.cache
def _session_class() -> type[boto3.Session]:
    import boto3  # noqa: PLC0415

    class _TestSession(boto3.Session):
        """A boto3 session whose clients and resources default to one endpoint URL."""

        _xaccess_endpoint_url: str | None = None

        def client(self, *args: Untyped, **kwargs: Untyped) -> Untyped:
            if len(args) < 6 and kwargs.get("endpoint_url") is None and self._xaccess_endpoint_url:
                kwargs["endpoint_url"] = self._xaccess_endpoint_url
            return super().client(*args, **kwargs)

        def resource(self, *args: Untyped, **kwargs: Untyped) -> Untyped:
            if len(args) < 6 and kwargs.get("endpoint_url") is None and self._xaccess_endpoint_url:
                kwargs["endpoint_url"] = self._xaccess_endpoint_url
            return super().resource(*args, **kwargs)

    return _TestSession
