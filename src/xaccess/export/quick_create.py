"""The CloudFormation console's quick-create link for a hosted template.

A vendor hosts the template from :func:`~xaccess.export.to_cloudformation` once (on S3) and
gives each customer a link that opens the console's "Quick create stack" page with the stack
name and that customer's external ID filled in::

    https://REGION.console.aws.amazon.com/cloudformation/home?region=REGION#/stacks/quickcreate
        ?templateURL=URL&stackName=NAME&param_ExternalId=ID

Partitions other than ``aws`` have their own console host; partitions without a public console
(the ISO partitions, ``aws-eusc``) are refused. Every part is validated and percent-encoded.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final
from urllib.parse import quote, urlsplit

from xaccess._validate import check_str, echo
from xaccess.errors import ValidationError
from xaccess.export._role import check_grant
from xaccess.export.cloudformation import check_parameter_name
from xaccess.identifiers import validate_external_id
from xaccess.limits import MAX_STACK_NAME, MAX_TEMPLATE_URL, MIN_STACK_NAME

if TYPE_CHECKING:
    from xaccess.grant import ThirdPartyGrant

__all__ = ["console_host", "partition_of_region", "quick_create_url"]

_STACK_NAME: Final = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*", re.ASCII)
_REGION: Final = re.compile(r"[a-z]{2,5}(?:-[a-z]+)+-[0-9]{1,2}", re.ASCII)
_URL_TEXT: Final = re.compile(r"[\x21-\x7E]+", re.ASCII)
# Region name prefixes of the partitions other than ``aws``, longest first.
_REGION_PREFIXES: Final = (
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-iso-", "aws-iso"),
    ("us-gov-", "aws-us-gov"),
    ("eusc-", "aws-eusc"),
    ("cn-", "aws-cn"),
)


def partition_of_region(region: str) -> str:
    """The partition a region name belongs to (``cn-north-1`` is in ``aws-cn``).

    Raises:
        ValidationError: ``region`` is not a region name.

    .. versionadded:: 0.1.0
    """
    region = check_str(region, "region")
    if not _REGION.fullmatch(region):
        raise ValidationError(
            "region", f"must be a region name such as 'eu-west-1', got {echo(region)}"
        )
    for prefix, partition in _REGION_PREFIXES:
        if region.startswith(prefix):
            return partition
    return "aws"


def console_host(region: str) -> str:
    """The host of the AWS console for ``region``.

    Raises:
        ValidationError: ``region`` is not a region name, or its partition has no public
            console.

    .. versionadded:: 0.1.0
    """
    partition = partition_of_region(region)
    if partition == "aws":
        return f"{region}.console.aws.amazon.com"
    if partition == "aws-cn":
        return "console.amazonaws.cn"
    if partition == "aws-us-gov":
        return "console.amazonaws-us-gov.com"
    raise ValidationError(
        "region", f"{region} is in partition {partition}, which has no public AWS console"
    )


def _check_template_url(value: object) -> str:
    url = check_str(value, "template_url")
    if not 1 <= len(url) <= MAX_TEMPLATE_URL or not _URL_TEXT.fullmatch(url):
        raise ValidationError(
            "template_url",
            f"must be 1-{MAX_TEMPLATE_URL} printable ASCII characters without spaces, "
            f"got {echo(url)}",
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise ValidationError("template_url", f"is not a URL: {exc}") from None
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError(
            "template_url", f"must be an https:// URL the console can read, got {echo(url)}"
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationError("template_url", "must not carry a user name or password")
    if parts.fragment or url.endswith("#"):
        raise ValidationError("template_url", "must not have a #fragment")
    return url


def _check_stack_name(value: object) -> str:
    name = check_str(value, "stack_name")
    if not MIN_STACK_NAME <= len(name) <= MAX_STACK_NAME or not _STACK_NAME.fullmatch(name):
        raise ValidationError(
            "stack_name",
            f"must be {MIN_STACK_NAME}-{MAX_STACK_NAME} characters: a letter, then letters, "
            f"digits and -, got {echo(name)}",
        )
    return name


def quick_create_url(
    grant: ThirdPartyGrant,
    template_url: str,
    *,
    region: str,
    stack_name: str,
    external_id: str,
    external_id_parameter: str = "ExternalId",
) -> str:
    """The console link that creates a stack of the hosted template with ``external_id``.

    Args:
        grant: The grant the template was made from; the region must be in its partition.
        template_url: Where the template from
            :func:`~xaccess.export.to_cloudformation` is hosted: an ``https://`` URL the
            console can read (an S3 object URL).
        region: The region whose console opens, which is where the stack is created.
        stack_name: The proposed stack name (1-128 characters, ``[a-zA-Z][-a-zA-Z0-9]*``).
        external_id: This customer's external ID, filled into the template's parameter.
        external_id_parameter: That parameter's name: the ``external_id_parameter`` the
            template was made with (``ExternalId`` by default).

    Returns:
        The link.

    Raises:
        ValidationError: Any part is invalid, the region is not in the grant's partition,
            or the partition has no public console.

    .. versionadded:: 0.1.0
    """
    grant = check_grant(grant)
    url = _check_template_url(template_url)
    host = console_host(region)
    partition = partition_of_region(region)
    if partition != grant.resolved_partition:
        raise ValidationError(
            "region",
            f"{region} is in partition {partition}, the grant in {grant.resolved_partition}",
        )
    name = _check_stack_name(stack_name)
    external = validate_external_id(external_id, field="external_id")
    parameter = check_parameter_name(external_id_parameter)
    query = "&".join(
        f"{key}={quote(value, safe='')}"
        for key, value in (
            ("templateURL", url),
            ("stackName", name),
            (f"param_{parameter}", external),
        )
    )
    return f"https://{host}/cloudformation/home?region={region}#/stacks/quickcreate?{query}"
