"""Tests for xaccess.policy.model: documents as values, constructors, trust and identity rules."""

from __future__ import annotations

import pickle

import pytest

from tests.policy.support import TRUST, doc_with
from xaccess import ValidationError
from xaccess.policy import (
    Condition,
    PolicyDocument,
    Principal,
    Statement,
    _grammar,
    model,
)


def test_documents_are_hashable_immutable_and_picklable() -> None:
    """Documents are frozen values."""
    doc = PolicyDocument.from_dict(TRUST)
    assert {doc: 1}[PolicyDocument.from_dict(TRUST)] == 1
    with pytest.raises(AttributeError):
        doc.version = "2008-10-17"  # type: ignore[misc]
    assert doc == pickle.loads(pickle.dumps(doc))  # noqa: S301 - our own data


def test_building_documents_in_code() -> None:
    """Documents built from model objects emit canonical JSON."""
    doc = PolicyDocument(
        statements=[
            Statement(
                effect="Allow",
                principal=Principal.of_aws("111122223333"),
                actions="sts:AssumeRole",
                conditions=[Condition("StringEquals", "sts:ExternalId", "e1")],
            )
        ]
    )
    assert {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "111122223333"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "e1"}},
            }
        ],
    } == doc.to_dict()
    assert 1 == len(doc)
    assert [doc.statements[0]] == list(doc)


def test_model_constructors_validate_too() -> None:
    """Invalid model objects cannot be built in code either."""
    with pytest.raises(ValidationError, match="exactly one of Action or NotAction"):
        Statement(effect="Allow")
    with pytest.raises(ValidationError, match="Resource and NotResource"):
        Statement(effect="Allow", actions="s3:*", resources="*", not_resources="*")
    with pytest.raises(ValidationError, match="Principal and NotPrincipal"):
        Statement(
            effect="Allow",
            actions="s3:*",
            principal=Principal(everyone=True),
            not_principal=Principal(everyone=True),
        )
    with pytest.raises(ValidationError, match="'Allow' or 'Deny'"):
        Statement(effect="allow", actions="s3:*")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="ASCII letters and digits"):
        Statement(effect="Allow", actions="s3:*", sid="a-b")
    with pytest.raises(ValidationError, match="must be a string"):
        Statement(effect="Allow", actions=[1])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="Condition objects"):
        Statement(effect="Allow", actions="s3:*", conditions=["x"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="at least one statement"):
        PolicyDocument(statements=[])
    with pytest.raises(ValidationError, match="must be a Statement"):
        PolicyDocument(statements=["x"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="Id: must be a string"):
        PolicyDocument(statements=[Statement(effect="Allow", actions="*")], id=3)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Version"):
        PolicyDocument(statements=[Statement(effect="Allow", actions="*")], version="2020-01-01")


def test_condition_and_principal_constructors_validate() -> None:
    """Conditions and principals check operators, keys, values and shape."""
    with pytest.raises(ValidationError, match="at least one value"):
        Condition("StringEquals", "a:b", ())
    with pytest.raises(ValidationError, match="finite number"):
        Condition("NumericEquals", "a:b", (float("nan"),))
    with pytest.raises(ValidationError, match="string, number or boolean"):
        Condition("StringEquals", "a:b", (None,))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="operator must be a string"):
        Condition(5, "a:b", ("x",))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown condition operator"):
        Condition("IfExists", "a:b", ("x",))
    with pytest.raises(ValidationError, match="cannot be combined"):
        Principal(aws="*", everyone=True)
    with pytest.raises(ValidationError, match="at least one principal"):
        Principal()
    with pytest.raises(ValidationError, match="non-empty string"):
        Principal(service=("",))
    assert (5,) == Condition("DateLessThan", "aws:EpochTime", 5).values


# -- use-specific grammar ----------------------------------------------------------


def test_trust_policy_rules() -> None:
    """Trust policies need principals, have no resources, and grant sts: actions only."""
    PolicyDocument.from_dict(TRUST).check_trust_policy()
    with pytest.raises(ValidationError, match=r"Statement\[0\]\.Principal: .*needs a principal"):
        PolicyDocument.from_dict(
            {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
        ).check_trust_policy()
    with_resource = {"Statement": [dict(TRUST["Statement"][0], Resource="*")]}
    with pytest.raises(ValidationError, match="has no Resource"):
        PolicyDocument.from_dict(with_resource).check_trust_policy()
    s3_action = {"Statement": [dict(TRUST["Statement"][0], Action="s3:GetObject")]}
    with pytest.raises(ValidationError, match="not an sts: action"):
        PolicyDocument.from_dict(s3_action).check_trust_policy()


def test_identity_policy_rules() -> None:
    """Identity policies name resources and never principals."""
    PolicyDocument.from_dict(doc_with()).check_identity_policy()
    with pytest.raises(ValidationError, match="cannot name a principal"):
        PolicyDocument.from_dict(doc_with(Principal="*")).check_identity_policy()
    no_resource = {"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
    with pytest.raises(ValidationError, match="needs a Resource"):
        PolicyDocument.from_dict(no_resource).check_identity_policy()


def test_a_trust_policy_refuses_not_principal() -> None:
    """check_trust_policy refuses NotPrincipal, which IAM does not support in a trust policy."""
    document = PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )

    with pytest.raises(ValidationError, match="NotPrincipal in a role trust policy") as caught:
        document.check_trust_policy()
    assert "Statement[0].NotPrincipal" == caught.value.field


def test_a_document_is_serialised_once_and_the_cache_is_invisible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """to_json(), size() and check_size() share one serialisation, unseen by ==, hash and repr."""
    from xaccess.policy import wire  # noqa: PLC0415 - the module whose calls are counted

    calls = []
    real = wire.document_to_json

    def counting(document: PolicyDocument, *, indent: int | None = None) -> str:
        calls.append(indent)
        return real(document, indent=indent)

    monkeypatch.setattr(wire, "document_to_json", counting)
    doc, fresh = PolicyDocument.from_dict(TRUST), PolicyDocument.from_dict(TRUST)
    doc.check_size(2048, quota="trust policy")
    assert doc.size() == fresh.size()
    assert doc.to_json() is doc.to_json()
    assert [None, None] == calls  # one for doc, one for fresh
    assert doc.to_json(indent=2) != doc.to_json()
    assert [None, None, 2] == calls  # indented text is not kept
    assert (doc, hash(doc), repr(doc)) == (fresh, hash(fresh), repr(fresh))
    assert "_compact" not in repr(doc)
    assert doc == pickle.loads(pickle.dumps(doc))  # noqa: S301 - our own data


def test_elements_found_valid_are_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Statements repeating checked actions and resources skip their checks; new ones do not."""
    calls: list[tuple[str, tuple[str, ...]]] = []
    real_actions, real_resources = _grammar.validate_actions, _grammar.validate_resources

    def actions(path: str, values: tuple[str, ...]) -> None:
        calls.append((path, values))
        real_actions(path, values)

    def resources(path: str, values: tuple[str, ...]) -> None:
        calls.append((path, values))
        real_resources(path, values)

    monkeypatch.setattr(_grammar, "validate_actions", actions)
    monkeypatch.setattr(_grammar, "validate_resources", resources)
    monkeypatch.setattr(model, "_VALID", {})
    action, resource = "s3:GetObjectCacheTest", "arn:aws:s3:::cache-test/*"
    Statement(effect="Allow", actions=action, resources=resource)
    Statement(effect="Deny", not_actions=action, not_resources=resource)
    assert [("Action", (action,)), ("Resource", (resource,))] == calls
    with pytest.raises(ValidationError, match="not an action"):
        Statement(effect="Allow", actions="GetObject", resources=resource)
    with pytest.raises(ValidationError, match="not an action"):
        Statement(effect="Allow", actions="GetObject", resources=resource)  # refusals not kept


def test_the_cache_of_valid_elements_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many distinct values pass, the cache holds at most its bound."""
    monkeypatch.setattr(model, "_VALID", {})
    for i in range(model._VALID_MAX + 10):
        Condition("StringEquals", f"aws:Key{i}", "v")
        assert len(model._VALID) <= model._VALID_MAX


def test_checked_condition_keys_still_refuse_bad_values() -> None:
    """A condition key already checked does not excuse its values: dates are still dates."""
    Condition("DateGreaterThan", "aws:CurrentTime", "2026-01-31")
    with pytest.raises(ValidationError, match="is not a date"):
        Condition("DateGreaterThan", "aws:CurrentTime", "tomorrow")
    with pytest.raises(ValidationError, match="not allowed in policy text"):
        Condition("StringEquals", "aws:CurrentTime", "\u0100")


def test_unhashable_element_values_are_refused_not_cached() -> None:
    """A list inside an element is refused with ValidationError, never a TypeError."""
    with pytest.raises(ValidationError, match="must be a string"):
        Statement(effect="Allow", actions=[["s3:GetObject"]], resources="*")  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="condition key"):
        Condition("StringEquals", ["aws:x"], "v")  # type: ignore[arg-type]
