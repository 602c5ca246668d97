"""Every AWS quota and limit xaccess checks, written down once.

Sources: the botocore service models for IAM (2010-05-08) and STS (2011-06-15), and the IAM User
Guide pages "IAM and AWS STS quotas" and "IAM JSON policy element reference". Where the model and
the documentation disagree, the stricter value is kept and the comment says so. Size quotas are
counted as IAM counts them: characters of the policy text without whitespace.

Names are ``MIN_``/``MAX_`` for the two ends of a range, ``DEFAULT_`` for what AWS applies when a
value is left out, and ``..._QUOTA`` for a size quota an account may have raised.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import Final

# --- IAM names and text ----------------------------------------------------------------------

MIN_ROLE_NAME: Final = 1
MAX_ROLE_NAME: Final = 64
MAX_ROLE_PATH: Final = 512
MAX_POLICY_PATH: Final = 512
MAX_ROLE_DESCRIPTION: Final = 1000
MIN_POLICY_NAME: Final = 1
MAX_POLICY_NAME: Final = 128
MIN_ROLE_ARN: Final = 20
MAX_ROLE_ARN: Final = 2048

# --- tags -----------------------------------------------------------------------------------

MAX_TAG_KEY: Final = 128
MAX_TAG_VALUE: Final = 256
MAX_ROLE_TAGS: Final = 50
"""Tags on one IAM role (and on one managed policy)."""
MAX_SESSION_TAGS: Final = 50
"""Session tags passed to one ``AssumeRole`` call."""

# --- STS ------------------------------------------------------------------------------------

MIN_SESSION_NAME: Final = 2
MAX_SESSION_NAME: Final = 64
MIN_SOURCE_IDENTITY: Final = 2
MAX_SOURCE_IDENTITY: Final = 64
"""The STS documentation says 64; the API model allows 256. The stricter value is applied."""
MODEL_MAX_SOURCE_IDENTITY: Final = 256
"""What the STS API model (and so STS's own request validation) allows for ``SourceIdentity``."""
MIN_EXTERNAL_ID: Final = 2
MAX_EXTERNAL_ID: Final = 1224
MIN_EXTERNAL_ID_BYTES: Final = 16
"""Random bytes in an external ID made by :func:`xaccess.new_external_id` (128 bits)."""
DEFAULT_EXTERNAL_ID_BYTES: Final = 20

MIN_DURATION: Final = 900
"""Shortest ``DurationSeconds`` of an ``AssumeRole`` call (15 minutes)."""
MAX_DURATION: Final = 43_200
"""Longest ``DurationSeconds``, and longest ``MaxSessionDuration`` of a role (12 hours)."""
DEFAULT_DURATION: Final = 3600
MIN_MAX_SESSION_DURATION: Final = 3600
DEFAULT_MAX_SESSION_DURATION: Final = 3600
MAX_CHAINED_DURATION: Final = 3600
"""A session assumed by an assumed-role session (role chaining) lasts at most one hour."""

MAX_SESSION_POLICY: Final = 2048
"""Session policy JSON plus the ARNs of session policies, together, in characters."""
MAX_SESSION_POLICY_ARNS: Final = 10

# --- policy size quotas (whitespace not counted) ---------------------------------------------

TRUST_POLICY_SIZE_QUOTA: Final = 2048
"""Default quota for one role's trust policy; accounts may have it raised."""
INLINE_POLICIES_SIZE_QUOTA: Final = 10_240
"""All inline policies of one role together; fixed, cannot be raised."""
MANAGED_POLICY_SIZE_QUOTA: Final = 6144
"""One customer-managed policy; fixed, cannot be raised."""
MANAGED_POLICIES_PER_ROLE: Final = 10
"""Default number of managed policies attached to one role."""
MAX_MANAGED_POLICIES_PER_ROLE: Final = 20
"""The most the attached-managed-policies quota can be raised to."""
MAX_POLICY_VERSIONS: Final = 5
"""Versions one managed policy may hold; the oldest non-default one goes before a sixth."""

# --- what xaccess itself refuses before reading further ---------------------------------------

MAX_JSON_DEPTH: Final = 64
"""Deepest nesting of JSON xaccess reads; IAM documents need at most about eight levels."""
MAX_JSON_NUMBER_DIGITS: Final = 100
"""Longest number literal xaccess reads from JSON; longer ones are refused, not parsed."""

# --- identifiers and policy text (what IAM's API models allow) --------------------------------

MAX_ARN: Final = 2048
"""Longest ARN IAM's API takes (its ``arnType`` is 20-2048 characters)."""
MAX_POLICY_DOCUMENT: Final = 131_072
"""Longest policy document text IAM's API takes from a caller (``policyDocumentType``)."""
MAX_POLICY_TEXT: Final = 1_048_576
"""Longest policy text xaccess reads, whitespace counted (1 MiB).

Policies AWS writes itself go past :data:`MAX_POLICY_DOCUMENT`: the AWS managed policy
``AWSSupportServiceRolePolicy`` holds 152,297 characters of compact JSON. This bound leaves room
for several times that, while keeping what a hostile input can make xaccess read finite. No
string inside a policy, and no list in one, can be longer.
"""

# --- provisioning -----------------------------------------------------------------------------

MAX_TAGS_PER_CALL: Final = 50
"""Tags one ``TagRole`` call sets, and tag keys one ``UntagRole`` call removes."""

# --- the grant builder ------------------------------------------------------------------------

MAX_TRUST_POLICY_SIZE_QUOTA: Final = 4096
"""The most the role trust policy quota can be raised to."""
MAX_TRUST_POLICY_VALUES: Final = MAX_TRUST_POLICY_SIZE_QUOTA // 5
"""The most values one list of a grant's trust policy can hold (external IDs, principals, ...).

Every value is written as a quoted string of at least two characters plus a comma, five
characters, so a trust policy of the largest quota holds no more than this many."""
MAX_GRANT_STATEMENTS: Final = INLINE_POLICIES_SIZE_QUOTA
"""The most statements a grant takes before merging.

A statement takes far more than one character of the inline quota, so only repeats that merge
away could ever fit more."""
MAX_GRANT_INTEGER_BITS: Final = 63
"""Integers in a grant (durations, quotas, counts) are refused beyond this many bits, before
they are compared or printed."""

# --- onboarding exports (CloudFormation API model 2010-05-15, console quick-create links) -----

MIN_STACK_NAME: Final = 1
MAX_STACK_NAME: Final = 128
"""A stack name: 1-128 characters of ``[a-zA-Z][-a-zA-Z0-9]*``."""
MAX_TEMPLATE_URL: Final = 5120
"""The longest ``TemplateURL`` CloudFormation accepts."""
MAX_TEMPLATE_DESCRIPTION: Final = 1024
"""The longest ``Description`` of a CloudFormation template."""
MAX_LOGICAL_ID: Final = 255
"""The longest logical ID (parameter, resource, output name) of a CloudFormation template."""

# --- policy evaluation --------------------------------------------------------------------------

MAX_PRINCIPAL_ARN: Final = 2048
"""Longest principal a request may name: IAM's ARN type holds at most 2,048 characters."""

# --- customer-managed policies a grant creates (large grants) -------------------------------

MAX_MANAGED_POLICY_SIZE_QUOTA: Final = MANAGED_POLICY_SIZE_QUOTA
"""The customer-managed policy size quota cannot be raised: 6144 is also the most."""
MAX_POLICY_VERSIONS_TO_KEEP: Final = MAX_POLICY_VERSIONS - 1
"""Versions of a managed policy kept before a new one is created (the sixth is refused)."""

# --- files the audit reads ----------------------------------------------------------------------

MAX_AUDIT_FILE: Final = 64 << 20
"""The largest file ``xaccess audit`` reads, in bytes (64 MiB), refused before it is read whole.

``aws iam get-account-authorization-details`` output and Terraform plans of large accounts run to
tens of megabytes; a CloudFormation template is at most 1 MB."""
