"""Sphinx configuration for the xaccess documentation."""

from __future__ import annotations

from importlib.metadata import version as _version

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
