"""The suite an API gets from its contract alone, for SOAP contracts with examples: every request
example of the contract (the caller's credentials written where the contract says they travel) is
answered as the contract says, one negative request per request rule a mutation can break (the
mutation that breaks that rule and no rule reading another member: ``proofs.breaking_request_of``)
is answered as the contract says a breaking request is (refused, where the rule is the vendor's and
no other reading allows the request), and a call with a wrong secret gets a
different answer than the right one. An API's suite module takes them with one line:

    test_examples, test_request_rules, test_wrong_secrets = rule_driven_tests(API)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from lxml import etree

from b2bconform.engine.contract import contract_of
from b2bconform.engine.documents import element_at, xml_root
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.engine.proofs import breaking_request_of
from b2bconform.engine.yamlfile import load_yaml
from b2bconform.session import Judge

__all__ = ["RequestExample", "request_examples", "rule_driven_tests", "send", "signed", "with_credentials"]


@dataclass(frozen=True)
class RequestExample:
    name: str
    operation: str
    body: bytes


def request_examples(api: str) -> tuple[RequestExample, ...]:
    """The contract's request examples (``examples/index.yaml`` entries of kind request)."""
    folder = contract_of(api).root / "examples"
    entries = load_yaml(folder / "index.yaml").data or []
    return tuple(
        RequestExample(entry["file"], entry["operation"], (folder / entry["file"]).read_bytes())
        for entry in entries
        if entry.get("kind") == "request"
    )


def with_credentials(api: str, body: bytes, values: dict[str, str]) -> bytes:
    """``body`` with each body credential the contract declares set to ``values[name]``."""
    root = xml_root(body)
    if root is None:
        raise ValueError(f"{api}: a request example is not well-formed XML")
    for credential in contract_of(api).rules.credentials:
        if credential.where == "body" and credential.name in values:
            node = element_at(root, credential.at)
            if node is not None:
                node.text = values[credential.name]
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return written


def headers_for(api: str, operation: str, values: dict[str, str]) -> dict[str, str]:
    """The headers of a call: SOAP's, and the header credentials the contract declares."""
    actions = contract_of(api).soap_service[1]
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{actions.get(operation, "")}"'}
    credentials = contract_of(api).rules.credentials
    return headers | {c.at: values[c.name] for c in credentials if c.where == "header" and c.name in values}


def send(
    judge: Judge, operation: str, body: bytes, values: dict[str, str] | None = None, headers: Any = None
) -> Any:
    """POST ``body`` with ``headers`` (default: ``headers_for`` the target's credentials)."""
    values = judge.target.credentials() if values is None else values
    sent = dict(headers) if headers is not None else headers_for(judge.api, operation, values)
    return judge.send(
        "POST", contract_of(judge.api).soap_service[0], body=body, headers=sent, with_credentials=False
    )


def signed(judge: Judge, example: RequestExample) -> bytes:
    """The example with the target's credentials where the contract says they travel."""
    return with_credentials(judge.api, example.body, judge.target.credentials())


def rule_driven_tests(api: str) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
    """The three generic tests of ``api``, parametrized from its contract."""
    contract = contract_of(api)
    examples = request_examples(api)
    by_name = {example.name: example for example in examples}
    breakable = [
        rule.id
        for rule in contract.rules
        if rule.is_request_side and rule.check and any(rule.applies_to(e.operation) for e in examples)
    ]
    secrets = [
        pytest.param(c.name, marks=[pytest.mark.rules(c.refused_by)] if c.refused_by else [], id=c.name)
        for c in contract.rules.credentials
        if c.secret
    ]

    @pytest.mark.parametrize("example", sorted(by_name))
    def test_each_request_example_is_answered_as_the_contract_says(judge: Judge, example: str) -> None:
        judgement = send(judge, by_name[example].operation, signed(judge, by_name[example]))
        assert not judgement.broken_by_request, f"the example breaks {sorted(judgement.broken_by_request)}"
        judge.expect_conforms(judgement)

    @pytest.mark.parametrize(
        "rule_id", [pytest.param(r, marks=pytest.mark.rules(r), id=r) for r in breakable]
    )
    def test_a_request_breaking_a_rule_is_answered_as_the_contract_says(judge: Judge, rule_id: str) -> None:
        rule = contract.rules.get(rule_id)
        for example in (e for e in examples if rule.applies_to(e.operation)):
            body = signed(judge, example)
            headers = Headers(headers_for(api, example.operation, judge.target.credentials()))
            asked = Exchange(
                api,
                Request("POST", f"https://target{contract.soap_service[0]}", headers, body),
                operation=example.operation,
            )
            broken = breaking_request_of(contract, rule_id, asked)
            if broken is not None:
                break
        else:
            pytest.skip(f"no mutation of the examples breaks {rule_id} alone")
        judgement = send(
            judge, example.operation, broken.request.body or b"", headers=broken.request.headers.pairs()
        )
        sent = contract.check(broken, side="client")  # as sent: the judged exchange is redacted
        # broken, or (a rule with other readings) broken as the adopted reading has it
        assert rule_id in {f.rule for f in [*sent.findings, *sent.discrepancies]}, (
            f"the request did not break {rule_id}"
        )
        judge.expect_conforms(judgement)
        answer = judgement.exchange.response
        # The supplier must refuse it where the document says so: a rule judged on the vendor, broken
        # as no other reading allows. A caller's rule (judged: [client]) says nothing of the answer.
        if "vendor" in rule.judged and rule_id in {f.rule for f in sent.findings}:
            assert answer is not None and contract.refuses(rule, answer), (
                f"a request breaking {rule_id} was not refused"
            )

    @pytest.mark.parametrize("name", secrets)
    def test_a_wrong_secret_gets_another_answer_than_the_right_one(judge: Judge, name: str) -> None:
        if not examples:
            pytest.skip("the contract has no request example yet (examples/index.yaml, kind: request)")
        example = examples[0]
        right = send(judge, example.operation, signed(judge, example))
        wrong_values = {**judge.target.credentials(), name: "b2bconform-wrong-" + re.sub(r"\W", "", name)}
        wrong = send(
            judge, example.operation, with_credentials(api, example.body, wrong_values), wrong_values
        )
        judge.expect_conforms()
        assert right.exchange.response is not None and wrong.exchange.response is not None
        assert wrong.exchange.response.body != right.exchange.response.body, (
            f"a wrong {name} was answered as the right one"
        )

    return (
        test_each_request_example_is_answered_as_the_contract_says,
        test_a_request_breaking_a_rule_is_answered_as_the_contract_says,
        test_a_wrong_secret_gets_another_answer_than_the_right_one,
    )
