"""Tests for the quick-create link: every part validated, encoded, and parsed back intact."""

from __future__ import annotations

import string
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.export.support import rich_grant
from tests.identifiers import strategies as ids
from xaccess import ValidationError
from xaccess.export import quick_create_url
from xaccess.export.quick_create import console_host, partition_of_region
from xaccess.grant import ThirdPartyGrant

_TEMPLATE = "https://acme-onboarding.s3.eu-west-1.amazonaws.com/xaccess/role.json"
_URL_CHARS = string.ascii_letters + string.digits + "-._~:/?[]@!$&'()*+,;=%"


def _grant(partition: str = "aws") -> ThirdPartyGrant:
    return ThirdPartyGrant(
        role_name="AcmeAudit",
        trusted_principal=f"arn:{partition}:iam::111122223333:role/Scanner",
        external_id="xx",
    )


def _parse(url: str) -> tuple[str, dict[str, list[str]], str, dict[str, list[str]]]:
    """The host, the query, the fragment's path and the fragment's query of a link."""
    parts = urlsplit(url)
    route, _, fragment_query = parts.fragment.partition("?")
    assert "https" == parts.scheme
    assert "/cloudformation/home" == parts.path
    return (
        parts.netloc,
        parse_qs(parts.query, strict_parsing=True),
        route,
        parse_qs(fragment_query, strict_parsing=True, keep_blank_values=True),
    )


stack_names = st.from_regex(r"[a-zA-Z][-a-zA-Z0-9]{0,127}", fullmatch=True)
template_urls = st.builds(
    "https://{}.example.com/{}".format,
    st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=20),
    st.text(_URL_CHARS.replace("#", ""), max_size=200),
)


def test_link_opens_the_quick_create_page_of_the_region() -> None:
    """The link opens the region's CloudFormation console on the quick-create page."""
    url = quick_create_url(
        rich_grant(), _TEMPLATE, region="eu-west-1", stack_name="acme-access", external_id="ab/c=d"
    )

    assert (
        "https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1"
        "#/stacks/quickcreate?templateURL=https%3A%2F%2Facme-onboarding.s3.eu-west-1."
        "amazonaws.com%2Fxaccess%2Frole.json&stackName=acme-access&param_ExternalId=ab%2Fc%3Dd"
    ) == url


@given(template_urls, stack_names, ids.external_ids())
def test_every_part_parses_back_intact(
    template_url: str, stack_name: str, external_id: str
) -> None:
    """Template URL, stack name and external ID read back exactly from the fragment's query."""
    url = quick_create_url(
        _grant(),
        template_url,
        region="us-east-2",
        stack_name=stack_name,
        external_id=external_id,
    )
    host, query, route, fragment = _parse(url)

    assert "us-east-2.console.aws.amazon.com" == host
    assert {"region": ["us-east-2"]} == query
    assert "/stacks/quickcreate" == route
    assert {
        "templateURL": [template_url],
        "stackName": [stack_name],
        "param_ExternalId": [external_id],
    } == fragment
    assert url.isascii()
    assert " " not in url


@pytest.mark.parametrize(
    ("partition", "region", "host"),
    [
        ("aws", "ap-southeast-2", "ap-southeast-2.console.aws.amazon.com"),
        ("aws-cn", "cn-northwest-1", "console.amazonaws.cn"),
        ("aws-us-gov", "us-gov-west-1", "console.amazonaws-us-gov.com"),
    ],
)
def test_each_partition_uses_its_console_host(partition: str, region: str, host: str) -> None:
    """aws-cn and aws-us-gov links point at their own consoles."""
    url = quick_create_url(
        _grant(partition), _TEMPLATE, region=region, stack_name="s", external_id="xx"
    )

    assert (host, {"region": [region]}) == _parse(url)[:2]


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
        ("eusc-de-east-1", "aws-eusc"),
    ],
)
def test_partitions_without_a_public_console_are_refused(region: str, partition: str) -> None:
    """Regions of partitions with no public console have no quick-create link."""
    assert partition == partition_of_region(region)
    with pytest.raises(ValidationError, match=f"{partition}, which has no public AWS console"):
        console_host(region)


def test_region_outside_the_grants_partition_is_refused() -> None:
    """A China region for a grant in the aws partition is a ValidationError on region."""
    with pytest.raises(ValidationError, match="is in partition aws-cn, the grant in aws"):
        quick_create_url(_grant(), _TEMPLATE, region="cn-north-1", stack_name="s", external_id="xx")


@pytest.mark.parametrize(
    ("template_url", "rule"),
    [
        ("http://bucket.s3.amazonaws.com/t.json", "https://"),
        ("https:///t.json", "https://"),
        ("s3://bucket/t.json", "https://"),
        ("bucket/t.json", "https://"),
        ("https://user:secret@bucket.example.com/t.json", "user name or password"),
        ("https://bucket.example.com/t.json#part", "#fragment"),
        ("https://bucket.example.com/t.json#", "#fragment"),
        ("https://bucket.example.com/a b.json", "printable ASCII"),
        ("https://bucket.example.com/caf\u00e9.json", "printable ASCII"),
        ("", "printable ASCII"),
        ("https://bucket.example.com/" + "x" * 5100, "1-5120"),
        ("https://bucket.example.com:port/t.json", "not a URL"),
        ("https://[::1/t.json", "not a URL"),
        (b"https://bucket.example.com/t.json", "must be a str"),
    ],
)
def test_bad_template_urls_are_refused(template_url: object, rule: str) -> None:
    """Template URLs that are not plain https URLs raise ValidationError on template_url."""
    with pytest.raises(ValidationError, match=rule) as info:
        quick_create_url(
            _grant(),
            template_url,  # type: ignore[arg-type]
            region="eu-west-1",
            stack_name="s",
            external_id="xx",
        )

    assert "template_url" == info.value.field
    assert "secret" not in str(info.value)


@pytest.mark.parametrize("stack_name", ["", "1stack", "acme_access", "acme access", "x" * 129, 7])
def test_bad_stack_names_are_refused(stack_name: object) -> None:
    """Stack names outside 1-128 characters of [a-zA-Z][-a-zA-Z0-9]* raise on stack_name."""
    with pytest.raises(ValidationError) as info:
        quick_create_url(
            _grant(),
            _TEMPLATE,
            region="eu-west-1",
            stack_name=stack_name,  # type: ignore[arg-type]
            external_id="xx",
        )

    assert "stack_name" == info.value.field


@given(ids.invalid_external_ids())
def test_bad_external_ids_are_refused(external_id: object) -> None:
    """Every invalid external ID raises a ValidationError on external_id."""
    with pytest.raises(ValidationError) as info:
        quick_create_url(
            _grant(),
            _TEMPLATE,
            region="eu-west-1",
            stack_name="s",
            external_id=external_id,  # type: ignore[arg-type]
        )

    assert "external_id" == info.value.field


@pytest.mark.parametrize("region", ["", "eu-west", "EU-WEST-1", "eu_west_1", "eu-west-1 ", None])
def test_bad_regions_are_refused(region: object) -> None:
    """Values that are not region names raise a ValidationError on region."""
    with pytest.raises(ValidationError) as info:
        quick_create_url(
            _grant(),
            _TEMPLATE,
            region=region,  # type: ignore[arg-type]
            stack_name="s",
            external_id="xx",
        )

    assert "region" == info.value.field


def test_something_else_than_a_grant_is_refused() -> None:
    """Passing None for the grant raises a ValidationError on grant."""
    with pytest.raises(ValidationError, match="must be a ThirdPartyGrant, got NoneType"):
        quick_create_url(
            None,  # type: ignore[arg-type]
            _TEMPLATE,
            region="eu-west-1",
            stack_name="s",
            external_id="xx",
        )


def test_a_renamed_parameter_is_the_one_filled_in() -> None:
    """A template made with another external_id_parameter gets that parameter filled in."""
    url = quick_create_url(
        _grant(),
        "https://acme.s3.amazonaws.com/role.json",
        region="us-east-2",
        stack_name="acme-access",
        external_id="customer-1234",
        external_id_parameter="CustomerExternalId",
    )

    fragment = _parse(url)[3]
    assert ["customer-1234"] == fragment["param_CustomerExternalId"]
    assert "param_ExternalId" not in fragment
    with pytest.raises(ValidationError, match="logical ID"):
        quick_create_url(
            _grant(),
            "https://acme.s3.amazonaws.com/role.json",
            region="us-east-2",
            stack_name="acme-access",
            external_id="customer-1234",
            external_id_parameter="Customer-Id",
        )
