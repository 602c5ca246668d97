"""Tests for ``xaccess quick-create-url GRANT.json ...``."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.cli.support import assert_usage_error, run_xaccess
from xaccess.cli import main

if TYPE_CHECKING:
    from pathlib import Path

_TEMPLATE = "https://acme.s3.amazonaws.com/role.json"
_OPTIONS = ["--template-url", _TEMPLATE, "--region", "eu-west-1", "--stack-name", "acme"]


def _fragment_query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).fragment.partition("?")[2])


def test_prints_the_link_with_the_given_external_id(grant_file: Path) -> None:
    """The printed link carries the template URL, stack name and the given external ID."""
    completed = run_xaccess(
        "quick-create-url", str(grant_file), *_OPTIONS, "--external-id", "cust/42=x"
    )

    assert (0, "") == (completed.returncode, completed.stderr)
    assert completed.stdout.startswith("https://eu-west-1.console.aws.amazon.com/")
    assert {
        "templateURL": [_TEMPLATE],
        "stackName": ["acme"],
        "param_ExternalId": ["cust/42=x"],
    } == _fragment_query(completed.stdout.strip())


def test_external_id_defaults_to_the_grants_current_one(
    grant_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --external-id the grant file's current (newest) external ID is used."""
    assert 0 == main(["quick-create-url", str(grant_file), *_OPTIONS])

    url = capsys.readouterr().out.strip()
    assert ["current-id-0002"] == _fragment_query(url)["param_ExternalId"]


def test_a_grant_without_external_id_needs_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A grant file with no external ID and no --external-id is a usage error."""
    path = tmp_path / "open.json"
    path.write_text(
        '{"role_name": "Open", "trusted_account": "111122223333", '
        '"allow_missing_external_id": true}'
    )

    status = main(["quick-create-url", str(path), *_OPTIONS])

    assert_usage_error(status, capsys.readouterr().err, "--external-id: is required")


@pytest.mark.parametrize(
    ("replace", "fragments"),
    [
        (("--template-url", "http://acme/role.json"), ("--template-url: must be an https://",)),
        (("--region", "moon-1"), ("--region: must be a region name",)),
        (("--region", "cn-north-1"), ("--region: cn-north-1 is in partition aws-cn",)),
        (("--stack-name", "9lives"), ("--stack-name: must be 1-128 characters",)),
        (("--external-id", "has space"), ("--external-id",)),
    ],
)
def test_bad_values_are_one_line_and_exit_two(
    replace: tuple[str, str],
    fragments: tuple[str, ...],
    grant_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each invalid part is reported on the option that gave it, exit 2."""
    option, value = replace
    options = dict(zip(_OPTIONS[::2], _OPTIONS[1::2], strict=True)) | {option: value}
    argv = ["quick-create-url", str(grant_file), *(x for kv in options.items() for x in kv)]

    status = main(argv)

    captured = capsys.readouterr()
    assert "" == captured.out
    assert_usage_error(status, captured.err, *fragments)


@pytest.mark.parametrize(
    "argv",
    [
        ["quick-create-url"],
        ["quick-create-url", "GRANT", "--region", "eu-west-1", "--stack-name", "s"],
        ["quick-create-url", "GRANT", "--template-url", _TEMPLATE, "--stack-name", "s"],
        ["quick-create-url", "GRANT", "--template-url", _TEMPLATE, "--region", "eu-west-1"],
    ],
)
def test_missing_arguments_are_one_line_and_exit_two(
    argv: list[str], grant_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each required argument missing is a usage error naming it."""
    status = main([str(grant_file) if arg == "GRANT" else arg for arg in argv])

    assert_usage_error(status, capsys.readouterr().err, "the following arguments are required")


def test_a_renamed_parameter_is_filled_in(
    grant_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--external-id-parameter names the template parameter the link fills in."""
    status = main(
        [
            "quick-create-url",
            str(grant_file),
            *_OPTIONS,
            "--external-id",
            "cust-42",
            "--external-id-parameter",
            "CustomerId",
        ]
    )

    assert 0 == status
    assert ["cust-42"] == _fragment_query(capsys.readouterr().out.strip())["param_CustomerId"]
