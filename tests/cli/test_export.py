"""Tests for ``xaccess export cloudformation|terraform GRANT.json``."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import pytest
import yaml

from tests.cli.support import assert_usage_error, run_xaccess
from tests.export.support import rich_grant
from xaccess.cli import main
from xaccess.export import to_cloudformation, to_terraform

if TYPE_CHECKING:
    from pathlib import Path


def test_cloudformation_prints_the_template_as_json(grant_file: Path) -> None:
    """`xaccess export cloudformation GRANT.json` prints the grant's template, exit 0."""
    completed = run_xaccess("export", "cloudformation", str(grant_file))

    assert (0, "") == (completed.returncode, completed.stderr)
    assert to_cloudformation(rich_grant()) == json.loads(completed.stdout)


def test_cloudformation_yaml_prints_the_template_as_yaml(grant_file: Path) -> None:
    """--yaml prints the same template as YAML."""
    completed = run_xaccess("export", "cloudformation", str(grant_file), "--yaml")

    assert (0, "") == (completed.returncode, completed.stderr)
    assert to_cloudformation(rich_grant()) == yaml.safe_load(completed.stdout)


def test_parameter_name_can_be_chosen(grant_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--external-id-parameter names the template parameter."""
    argv = ["export", "cloudformation", str(grant_file), "--external-id-parameter", "AcmeId"]

    assert 0 == main(argv)
    expected = to_cloudformation(rich_grant(), external_id_parameter="AcmeId")
    assert expected == json.loads(capsys.readouterr().out)


def test_terraform_prints_the_configuration(grant_file: Path) -> None:
    """`xaccess export terraform GRANT.json` prints the .tf.json configuration, exit 0."""
    completed = run_xaccess(
        "export", "terraform", str(grant_file), "--external-id-variable", "acme_id"
    )

    assert (0, "") == (completed.returncode, completed.stderr)
    assert to_terraform(rich_grant(), external_id_variable="acme_id") == json.loads(
        completed.stdout
    )


def test_unicode_tags_are_written_as_utf8(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """Output is UTF-8 whatever the locale: tags keep characters beyond Latin-1."""
    path = tmp_path / "grant.json"
    path.write_text(rich_grant().to_json().replace('"security"', '"s\\u00e9curit\\u00e9 \\u4e2d"'))

    assert 0 == main(["export", "terraform", str(path)])
    tags = json.loads(capsysbinary.readouterr().out.decode("utf-8"))["resource"]["aws_iam_role"]
    assert "s\u00e9curit\u00e9 \u4e2d" == tags["this"]["tags"]["team"]


def test_yaml_without_pyyaml_explains_what_to_install(
    grant_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without PyYAML, --yaml exits 1 and names the extra to install; nothing on stdout."""
    monkeypatch.setitem(sys.modules, "yaml", None)

    assert 1 == main(["export", "cloudformation", str(grant_file), "--yaml"])
    captured = capsys.readouterr()
    assert "" == captured.out
    assert "pip install 'xaccess[yaml]'" in captured.err


def test_other_missing_modules_are_not_hidden(
    grant_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing module other than PyYAML while rendering YAML is raised, not explained away."""

    def missing(template: object) -> str:
        raise ModuleNotFoundError("No module named '_yaml_ext'", name="_yaml_ext")

    monkeypatch.setattr("xaccess.export.render_yaml", missing)
    with pytest.raises(ModuleNotFoundError, match="_yaml_ext"):
        main(["export", "cloudformation", str(grant_file), "--yaml"])


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["export"], ("required: FORMAT",)),
        (["export", "pulumi", "g.json"], ("invalid choice: 'pulumi'",)),
        (["export", "cloudformation"], ("GRANT.json",)),
        (["export", "terraform", "g.json", "--yaml"], ("unrecognized arguments: --yaml",)),
        (["export", "terraform", "/nonexistent.json"], ("/nonexistent.json",)),
        (
            ["export", "cloudformation", "GRANT", "--external-id-parameter", "Ext-Id"],
            ("--external-id-parameter: must be",),
        ),
        (
            ["export", "terraform", "GRANT", "--external-id-variable", "count"],
            ("--external-id-variable: 'count' is reserved",),
        ),
    ],
)
def test_bad_usage_is_one_line_and_exit_two(
    argv: list[str],
    fragments: tuple[str, ...],
    grant_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Missing or wrong formats, options and files: one line on stderr, exit 2."""
    status = main([str(grant_file) if arg == "GRANT" else arg for arg in argv])

    captured = capsys.readouterr()
    assert "" == captured.out
    assert_usage_error(status, captured.err, *fragments)
