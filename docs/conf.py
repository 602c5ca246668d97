"""Sphinx configuration for the xaccess documentation."""

from __future__ import annotations

import importlib
from importlib.metadata import version as _version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils.nodes import Element, TextElement
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

project = "xaccess"
author = "The xaccess developers"
copyright = "the xaccess developers"
release = _version("xaccess")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build"]

# Every page is written in Markdown (MyST); reStructuredText only inside {eval-rst}.
myst_heading_anchors = 3
myst_enable_extensions = ["deflist"]

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"

napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "alabaster"
html_title = f"xaccess {release}"


def _public_home(target: str) -> str | None:
    """Where a name re-exported by ``xaccess`` is documented, e.g. ``xaccess.PolicyDocument``.

    Docstrings refer to public names by their short, exported path; the API reference
    documents each in its own module. Returns the documented path, or None.
    """
    parts = target.split(".")
    if len(parts) < 2 or parts[0] != "xaccess":
        return None
    for split in range(len(parts) - 1, 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        obj: object = module
        for name in parts[split:]:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        home = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
        if not (home and qualname):
            return None
        moved = f"{home}.{qualname}"
        return moved if moved != target else None
    return None


def _resolve_public_name(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: TextElement
) -> Element | None:
    """Retry a failed ``xaccess.*`` cross-reference at the documented location."""
    if node.get("refdomain") != "py":
        return None
    moved = _public_home(node.get("reftarget", ""))
    if moved is None:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node.get("refdoc"), app.builder, node["reftype"], moved, node, contnode
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("missing-reference", _resolve_public_name)
    return {"parallel_read_safe": True}
