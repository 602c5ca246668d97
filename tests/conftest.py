"""Shared pytest configuration for the xaccess test suite."""

from __future__ import annotations

import os

from hypothesis import settings

# The strict-STS fixture. Users get it through the installed pytest11 entry point; this
# suite disables that (see pyproject) so that coverage starts before xaccess is imported.
# The provisioning tests share their moto IAM (`iam`) and call recorder (`recorder`).
pytest_plugins = ["xaccess.testing", "tests.provisioning_support"]

# "dev" keeps a local run quick; "ci" (selected by .ci/run) searches harder and prints a
# blob that reproduces any failure it finds.
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
