"""The layers of xaccess import only downwards, so the pure core never depends on the AWS shell.

Data flows one way: the foundations (errors, limits, shared checks) -> identifiers -> policy
documents and evaluation -> the grant and the desired state of a role -> exports and the audit
-> the AWS layer -> strict STS for tests and the command line. A module-level import may only
reach its own layer or one below. A method that hands over to a higher layer (``grant.create()``
calls the AWS layer, ``grant.to_cloudformation()`` the exports) imports it inside the method,
which this test does not count: the higher layer is then loaded only when it is used.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import xaccess

ROOT = Path(xaccess.__file__).parent

# The lowest layer first; a package's modules share its layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("xaccess.errors", "xaccess.limits", "xaccess._validate", "xaccess.quotas"),
    ("xaccess.identifiers",),
    ("xaccess.policy",),
    ("xaccess.grant", "xaccess.rolespec", "xaccess.plan", "xaccess.changes"),
    ("xaccess.export", "xaccess.audit"),
    ("xaccess.aws",),
    ("xaccess.testing", "xaccess.cli", "xaccess.__main__"),
)


def _layer(module: str) -> int:
    if module == "xaccess":  # the package itself loads only the errors; the rest is lazy
        return 0
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["xaccess", *parts])


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module) -> list[str]:
    """xaccess modules imported when the module is loaded (not under TYPE_CHECKING)."""
    found: list[str] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
        elif isinstance(node, ast.If | ast.Try):
            pending.extend(node.body)
            pending.extend(node.orelse)
            if isinstance(node, ast.Try):
                pending.extend(node.finalbody)
                for handler in node.handlers:
                    pending.extend(handler.body)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend(
                f"{node.module}.{alias.name}" if node.module == "xaccess" else node.module
                for alias in node.names
            )
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [name for name in found if name == "xaccess" or name.startswith("xaccess.")]


def _modules() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=_module_name)
def test_module_level_imports_only_go_down(path: Path) -> None:
    """A module imports, when loaded, only modules of its own layer or below."""
    importer = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))

    upward = [
        name
        for name in _module_level_imports(tree)
        if name != "xaccess" and _layer(name) > _layer(importer)
    ]

    assert [] == upward


def test_every_module_has_a_layer_and_every_layer_a_module() -> None:
    """Each module belongs to one of the layers above, and no layer is empty."""
    ranks = {_layer(_module_name(path)) for path in _modules()}

    assert set(range(len(LAYERS))) == ranks
