"""Tests of what importing xaccess loads: never boto3 or botocore outside the AWS shell, and
neither the evaluator nor logging, secrets or datetime until a name that needs them is used.

Each check runs in a fresh interpreter, because this test process has imported
boto3 long before (moto, fixtures). The child prints the sorted list of loaded
modules it is asked about, so a failure shows exactly what came in.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import xaccess

# The AWS shell: the only modules that may import boto3 or botocore.
AWS_SHELL = ("xaccess.aws", "xaccess.testing")

_OFFENDERS = textwrap.dedent(
    """
    import sys

    def offenders():
        return sorted(
            name
            for name in sys.modules
            if name in ("boto3", "botocore") or name.startswith(("boto3.", "botocore."))
        )
    """
)


def _run(body: str) -> Any:
    """Run `body` in a fresh interpreter and return the JSON it prints last."""
    completed = subprocess.run(  # noqa: S603 - runs this interpreter on our own code
        [sys.executable, "-c", _OFFENDERS + textwrap.dedent(body)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert 0 == completed.returncode, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def _pure_modules() -> list[str]:
    """Name every module of the installed package outside the AWS shell."""
    root = Path(xaccess.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(["xaccess", *parts])
        if name == "xaccess.__main__" or name.startswith(AWS_SHELL):
            continue
        names.append(name)
    return names


def test_import_xaccess_loads_neither_boto3_nor_botocore() -> None:
    """`import xaccess` leaves no boto3 or botocore module in sys.modules."""
    offenders = _run(
        """
        import json
        import xaccess
        print(json.dumps(offenders()))
        """
    )

    assert [] == offenders


def test_every_module_outside_the_aws_shell_imports_without_boto3() -> None:
    """Importing every pure-core module (the CLI included) loads no boto3 or botocore."""
    modules = _pure_modules()
    assert "xaccess.errors" in modules
    assert "xaccess.cli" in modules

    first_offence = _run(
        f"""
        import importlib, json
        for name in {modules!r}:
            importlib.import_module(name)
            if offenders():
                print(json.dumps([name, offenders()]))
                break
        else:
            print(json.dumps([]))
        """
    )

    assert [] == first_offence


def test_public_names_outside_the_aws_shell_load_no_boto3() -> None:
    """Resolving a name from `xaccess.__all__` loads boto3 only if it lives in the AWS shell."""
    report = _run(
        f"""
        import json
        import xaccess

        shell = {AWS_SHELL!r}
        public = sorted(getattr(xaccess, "__all__", ()))
        eager = [name for name in public if name in vars(xaccess)]
        for name in eager:
            getattr(xaccess, name)
        print(json.dumps({{
            "eager_offenders": offenders(),
            "lazy": [name for name in public if name not in eager],
        }}))
        """
    )
    assert [] == report["eager_offenders"]

    # A lazily resolved name gets a fresh interpreter each, so that one AWS-shell
    # name pulling in boto3 cannot hide a pure name that does the same.
    lazy_offenders = []
    for name in report["lazy"]:
        module, loaded = _run(
            f"""
            import json
            import xaccess

            value = getattr(xaccess, {name!r})
            module = getattr(value, "__module__", None) or type(value).__module__
            print(json.dumps([module, offenders()]))
            """
        )
        if loaded and not module.startswith(AWS_SHELL):
            lazy_offenders.append((name, module, loaded[:3]))

    assert [] == lazy_offenders


def test_import_xaccess_loads_only_the_errors() -> None:
    """`import xaccess` loads the errors and no other xaccess module, nor attrs or logging."""
    loaded = _run(
        """
        import json, sys
        before = set(sys.modules)
        import xaccess
        print(json.dumps(sorted(set(sys.modules) - before)))
        """
    )

    assert ["xaccess", "xaccess.errors"] == [name for name in loaded if name.startswith("xaccess")]
    for heavy in ("attr", "attrs", "logging", "secrets", "decimal", "json"):
        assert heavy not in loaded


_EVALUATOR = ("xaccess.policy.evaluation", "xaccess.policy._conditions", "decimal", "ipaddress")
_UNTIL_USED = (*_EVALUATOR, "logging", "secrets", "hashlib", "datetime")


def _loaded_by(statement: str) -> list[str]:
    """The modules that ``statement`` adds to sys.modules in a fresh interpreter."""
    loaded: list[str] = _run(
        f"""
        import json, sys
        before = set(sys.modules)
        {statement}
        print(json.dumps(sorted(set(sys.modules) - before)))
        """
    )
    return loaded


def test_rendering_documents_loads_neither_the_evaluator_nor_arns_and_tags() -> None:
    """`from xaccess import PolicyDocument` loads the model, not the evaluator, ARNs or tags."""
    loaded = _loaded_by("from xaccess import PolicyDocument")

    assert "xaccess.policy.model" in loaded
    for lazy in (*_UNTIL_USED, "xaccess.identifiers.arns", "xaccess.identifiers.tags"):
        assert lazy not in loaded


def test_building_grants_loads_no_evaluator_logging_or_secrets() -> None:
    """`from xaccess import ThirdPartyGrant` loads the builder, not the evaluator or secrets."""
    loaded = _loaded_by("from xaccess import ThirdPartyGrant")

    assert "xaccess.grant.builder" in loaded
    for lazy in _UNTIL_USED:
        assert lazy not in loaded
    # The grant's methods that a document-rendering program never calls load on first use.
    for method_home in (
        "xaccess.grant.offline",
        "xaccess.grant.provision",
        "xaccess.grant.serialize",
        "xaccess.grant.handoff",
        "xaccess.grant.packing",
        "xaccess.grant.describe",
        "xaccess.identifiers.arns",
        "xaccess.rolespec",
    ):
        assert method_home not in loaded


def test_grant_methods_written_in_sibling_modules_work_on_first_use() -> None:
    """Methods bound on first use behave as the functions they stand for, on class and instance."""
    loaded = _loaded_by(
        "from xaccess import ThirdPartyGrant as G; "
        "g = G(role_name='R', trusted_account='111122223333', external_id='x' * 32); "
        "assert G.from_json(g.to_json()) == g; assert g.permission_policies() == (); "
        "assert g.handoff('444455556666').role_arn == g.role_arn('444455556666'); "
        "assert G.to_dict is G.to_dict"
    )

    for module in ("xaccess.grant.serialize", "xaccess.grant.packing", "xaccess.grant.handoff"):
        assert module in loaded


def test_evaluation_names_and_secrets_load_when_first_used() -> None:
    """xaccess.policy serves the evaluator's names on first use; new_external_id loads secrets."""
    loaded = _loaded_by(
        "import xaccess.policy as p, xaccess.identifiers as i; p.evaluate; i.new_external_id()"
    )

    for module in ("xaccess.policy.evaluation", "xaccess.policy._conditions", "secrets"):
        assert module in loaded


def test_lazy_packages_list_every_name_they_serve() -> None:
    """Every name in __all__ of the lazy xaccess.policy and xaccess.identifiers resolves."""
    import xaccess.identifiers as identifiers  # noqa: PLC0415 - the packages under test
    import xaccess.policy as policy  # noqa: PLC0415

    for package in (policy, identifiers):
        for name in package.__all__:
            assert getattr(package, name) is not None
            assert name in dir(package)
        with pytest.raises(AttributeError):
            package.no_such_name  # noqa: B018 - the attribute access is the test
