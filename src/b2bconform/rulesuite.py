"""The suite an API gets from its contract alone, REST or SOAP: every request example of the
document (as the API's review builder reads ``examples/``; the target's credentials written where
the contract says they travel, never the document's sample ones) is answered as the contract says;
one negative request per request rule a mutation can break (the mutation that breaks that rule and
no rule reading another member: ``proofs.breaking_request_of``) is answered as the contract says a
breaking request is (refused, where the rule is the vendor's and no other reading allows the
request); and a call with a wrong secret gets a different answer than the right one. An API's
suite module takes them with one line:

    test_examples, test_generated, test_request_rules, test_wrong_secrets, test_read_back = rule_driven_tests(API)

Beside them: requests drawn from the contract (``strategies.request_bodies``: the spec's schema
narrowed by the request rules) for every REST operation with a JSON request example, answered as
the contract says; and, where ``rules.yaml`` declares ``state``, a record created from the
document's example and read back by its key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from b2bconform.engine.contract import contract_of, parameter_segments
from b2bconform.engine.documents import element_at, xml_root
from b2bconform.engine.model import Exchange, Headers, Request
from b2bconform.engine.pointers import holder_of
from b2bconform.engine.proofs import breaking_request_of
from b2bconform.engine.schemas import request_body_schemas
from b2bconform.review.judging import builder_of
from b2bconform.session import Judge
from b2bconform.strategies import fresh_keys, request_bodies
from b2bconform.targets import with_credentials_applied

__all__ = [
    "RequestExample",
    "example_path",
    "generated_operations",
    "headers_for",
    "request_examples",
    "rule_driven_tests",
    "send",
    "send_example",
    "signed",
    "unplaced_credentials",
    "with_credentials",
    "with_fresh_keys",
]

# What of an example's headers is sent: how the body reads, never a credential the document shows.
_CONTENT_HEADERS = frozenset({"content-type", "soapaction", "accept"})


@dataclass(frozen=True)
class RequestExample:
    name: str  # the example's file
    operation: str
    body: bytes
    method: str = "POST"
    path: str = ""  # the path (and query) the document shows; "" for SOAP: the service's address
    headers: tuple[tuple[str, str], ...] = ()  # the example's content headers


def request_examples(api: str) -> tuple[RequestExample, ...]:
    """The document's request examples, as the API's review builder turns them into requests (its
    cases of kind request, each file once); the auth flow's own token requests are the target's."""
    contract = contract_of(api)
    builder = builder_of(api)
    if builder is None:
        return ()
    load, build = builder
    token = contract.rules.auth_flow.token_operation if contract.rules.auth_flow else None
    found: dict[str, RequestExample] = {}
    for case in build(load(None)):
        if case.kind != "request" or not case.exchanges or case.example in found:
            continue
        request = case.exchanges[-1].request
        operation = case.operation or contract.operation_for(request)
        if operation is None or operation == token:
            continue
        url = urlsplit(request.url)
        path = "" if contract.soap_operations else url.path + (f"?{url.query}" if url.query else "")
        headers = tuple((k, v) for k, v in request.headers.pairs() if k.lower() in _CONTENT_HEADERS)
        found[case.example] = RequestExample(
            case.example, operation, request.body or b"", request.method, path, headers
        )
    return tuple(found[name] for name in sorted(found))


def with_credentials(api: str, body: bytes, values: dict[str, str]) -> bytes:
    """``body`` with each body credential the contract declares, where the body has its place, set to
    ``values[name]`` (an XML element or a JSON member, at the credential's path)."""
    credentials = [c for c in contract_of(api).rules.credentials if c.where == "body" and c.name in values]
    if not credentials:
        return body
    root = xml_root(body)
    if root is not None:
        for credential in credentials:
            node = element_at(root, credential.at)
            if node is not None:
                node.text = values[credential.name]
        written: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8")
        return written
    document = _json_or_none(body)
    if document is None:
        return body
    for credential in credentials:
        holder, member = holder_of(document, credential.at)
        if holder is not None and member in holder:
            holder[member] = values[credential.name]
    return json.dumps(document).encode("utf-8")


# Checks that compare a request member with the earlier requests of the run (a duplicate, a repeat).
def with_fresh_keys(judge: Judge, operation: str, body: bytes) -> bytes:
    """``body`` (JSON) with a value of this test's own at each member that a rule of the operation
    compares with earlier requests (``unique``, ``repeat_accepted``): a caller never repeats a key
    by accident, and a test's answer must not depend on which test ran before it."""
    document = _json_or_none(body)
    if document is None:
        return body
    return json.dumps(fresh_keys(judge.contract, operation, document, judge.tag)).encode("utf-8")


def unplaced_credentials(api: str, body: bytes) -> list[str]:
    """The body credentials the contract declares that ``body`` has no place for."""
    root = xml_root(body)
    names = []
    for credential in contract_of(api).rules.credentials:
        if credential.where != "body":
            continue
        if root is not None:
            missing = element_at(root, credential.at) is None
        else:
            holder, member = holder_of(_json_or_none(body), credential.at)
            missing = holder is None or member not in holder
        if missing:
            names.append(credential.name)
    return names


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def headers_for(api: str, operation: str, values: dict[str, str]) -> dict[str, str]:
    """The headers of a SOAP call: SOAP's, and the header credentials the contract declares."""
    actions = contract_of(api).soap_service[1]
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{actions.get(operation, "")}"'}
    credentials = contract_of(api).rules.credentials
    return headers | {c.at: values[c.name] for c in credentials if c.where == "header" and c.name in values}


def example_path(api: str, example: RequestExample, values: dict[str, str]) -> str:
    """Where the example goes: the SOAP address, or the path it shows with each path credential's
    segment (the document's sample key) back to its ``{name}`` placeholder, for the target to fill."""
    contract = contract_of(api)
    if not example.path:
        return contract.soap_service[0]
    template = contract.operation(example.operation).template
    path, _, query = example.path.partition("?")
    segments = path.strip("/").split("/")
    for name, index in parameter_segments(template, path).items():
        if f"{{{name}}}" in values:
            segments[index] = f"{{{name}}}"
    return "/" + "/".join(segments) + (f"?{query}" if query else "")


def send(
    judge: Judge, operation: str, body: bytes, values: dict[str, str] | None = None, headers: Any = None
) -> Any:
    """POST ``body`` to the SOAP address with ``headers`` (default: ``headers_for`` the target's credentials)."""
    values = judge.target.credentials() if values is None else values
    sent = dict(headers) if headers is not None else headers_for(judge.api, operation, values)
    return judge.send(
        "POST", contract_of(judge.api).soap_service[0], body=body, headers=sent, with_credentials=False
    )


def send_example(
    judge: Judge,
    example: RequestExample,
    body: bytes | None = None,
    headers: Any = None,
    values: dict[str, str] | None = None,
) -> Any:
    """Send the example (or ``body`` in its place) as the target's caller: SOAP with ``send``; REST
    with its content headers (or ``headers``), the target adding its credentials where ``headers``
    does not set them."""
    values = judge.target.credentials() if values is None else values
    if body is None:
        body = with_fresh_keys(judge, example.operation, with_credentials(judge.api, example.body, values))
    if not example.path:
        return send(judge, example.operation, body, values, headers)
    sent = dict(headers) if headers is not None else dict(example.headers)
    path = example_path(judge.api, example, values)
    return judge.send(example.method, path, body=body or None, headers=sent)


def signed(judge: Judge, example: RequestExample) -> bytes:
    """The example's body with the target's credentials where the contract says they travel."""
    return with_credentials(judge.api, example.body, judge.target.credentials())


def _asked(judge: Judge, example: RequestExample) -> Exchange:
    """The example as the target's caller sends it, credentials included where they are the
    caller's to write (not an auth flow's token), for a mutation to start from."""
    api = judge.api
    contract = contract_of(api)
    values = judge.target.credentials()
    body = with_fresh_keys(judge, example.operation, with_credentials(api, example.body, values))
    if not example.path:
        headers = Headers(headers_for(api, example.operation, values))
        return Exchange(
            api,
            Request("POST", f"https://target{contract.soap_service[0]}", headers, body),
            operation=example.operation,
        )
    url = f"https://target{example_path(api, example, values)}"
    request = Request(example.method, url, Headers(example.headers), body or None)
    # the credentials as the target adds them (an auth flow's token is the flow's, not in the mutation)
    return Exchange(
        api,
        request if contract.rules.auth_flow else with_credentials_applied(request, values),
        operation=example.operation,
    )


def _send_as_asked(judge: Judge, asked: Exchange) -> Any:
    """Send a request ``_asked`` built (or a mutation of it) exactly: its headers, path and body; only
    an auth flow's token is the target's to add."""
    request = asked.request
    if judge.contract.soap_operations:
        return send(judge, asked.operation or "", request.body or b"", headers=request.headers.pairs())
    url = urlsplit(request.url)
    path = url.path + (f"?{url.query}" if url.query else "")
    return judge.send(
        request.method,
        path,
        body=request.body,
        headers=dict(request.headers.pairs()),
        with_credentials=judge.contract.rules.auth_flow is not None,
    )


def _json_object(body: bytes) -> bool:
    return isinstance(_json_or_none(body), dict)


def generated_operations(api: str) -> dict[str, RequestExample]:
    """operation -> the first request example of it, for each REST operation whose example is a JSON
    object and whose spec gives a request body schema: the example says where the request goes and
    with what content headers; the body is drawn from the contract."""
    contract = contract_of(api)
    found: dict[str, RequestExample] = {}
    for example in request_examples(api):
        if (
            example.path
            and example.operation not in found
            and _json_object(example.body)
            and request_body_schemas(contract.spec, example.operation)
        ):
            found[example.operation] = example
    return found


def rule_driven_tests(api: str) -> tuple[Callable[..., None], ...]:
    """The five generic tests of ``api``, parametrized from its contract and examples."""
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

    def usable(example: RequestExample) -> RequestExample:
        unplaced = unplaced_credentials(api, example.body)
        if unplaced:
            pytest.skip(
                f"the document's {example.name} has no place for {', '.join(unplaced)} "
                "(where the contract says it travels): it cannot be sent as the target's caller"
            )
        return example

    @pytest.mark.parametrize(
        "example", sorted(by_name) or [pytest.param("", marks=pytest.mark.skip(reason="no request example"))]
    )
    def test_each_request_example_is_answered_as_the_contract_says(judge: Judge, example: str) -> None:
        judgement = send_example(judge, usable(by_name[example]))
        judge.expect_conforms(judgement)

    @pytest.mark.parametrize(
        "rule_id", [pytest.param(r, marks=pytest.mark.rules(r), id=r) for r in breakable]
    )
    def test_a_request_breaking_a_rule_is_answered_as_the_contract_says(judge: Judge, rule_id: str) -> None:
        rule = contract.rules.get(rule_id)
        for example in (e for e in examples if rule.applies_to(e.operation)):
            if unplaced_credentials(api, example.body):
                continue
            broken = breaking_request_of(contract, rule_id, _asked(judge, example))
            if broken is not None:
                break
        else:
            pytest.skip(f"no mutation of the examples breaks {rule_id} alone")
        judgement = _send_as_asked(judge, broken)
        sent = contract.check(broken, side="client")  # as sent: the judged exchange is redacted
        # broken, or (a rule with other readings) broken as the adopted reading has it
        assert rule_id in {f.rule for f in [*sent.findings, *sent.discrepancies]}, (
            f"the request did not break {rule_id}"
        )
        judge.expect_conforms(judgement)
        answer = judgement.exchange.response
        # The vendor must refuse it where the document says so: a rule judged on the vendor, broken
        # as no other reading allows. A caller's rule (judged: [client]) says nothing of the answer.
        if "vendor" in rule.judged and rule_id in {f.rule for f in sent.findings}:
            assert answer is not None and contract.refuses(rule, answer), (
                f"a request breaking {rule_id} was not refused"
            )

    @pytest.mark.parametrize("name", secrets)
    def test_a_wrong_secret_gets_another_answer_than_the_right_one(judge: Judge, name: str) -> None:
        if not examples:
            pytest.skip("the contract has no request example yet (examples/index.yaml, kind: request)")
        example = usable(examples[0])
        right = send_example(judge, example)
        wrong_values = {**judge.target.credentials(), name: "b2bconform-wrong-" + re.sub(r"\W", "", name)}
        credential = next(c for c in contract.rules.credentials if c.name == name)
        headers = None
        if example.path and credential.where == "header":
            headers = {**dict(example.headers), credential.at: wrong_values[name]}
        wrong = send_example(judge, example, headers=headers, values=wrong_values)
        judge.expect_conforms()
        assert right.exchange.response is not None and wrong.exchange.response is not None
        assert (wrong.exchange.response.status, wrong.exchange.response.body) != (
            right.exchange.response.status,
            right.exchange.response.body,
        ), f"a wrong {name} was answered as the right one"
        if credential.refused_by:  # a rule says a wrong one is refused: as credentials are, or as it says
            answer = wrong.exchange.response
            refusal = contract.rules.get(credential.refused_by)
            assert contract.refused_credentials(answer) or contract.refuses(refusal, answer), (
                f"a wrong {name} was not refused as {credential.refused_by} says"
            )

    generated = generated_operations(api)

    @pytest.mark.writes
    @pytest.mark.parametrize(
        "operation",
        sorted(generated)
        or [pytest.param("", marks=pytest.mark.skip(reason="no REST operation with a JSON request example"))],
    )
    @given(data=st.data())
    def test_requests_drawn_from_the_contract_are_answered_as_it_says(
        judge: Judge, operation: str, data: st.DataObject
    ) -> None:
        example = usable(generated[operation])
        document = data.draw(request_bodies(api, operation, judge.tag), label="body")
        body = with_credentials(api, json.dumps(document).encode("utf-8"), judge.target.credentials())
        judgement = send_example(judge, example, body=body)
        judge.expect_conforms(judgement)

    created, read = contract.rules.state.get("create"), contract.rules.state.get("read")
    creating = next((e for e in examples if created and e.operation == created[0] and e.path), None)
    template = contract.operation(read[0]).template if read else ""

    @pytest.mark.writes
    @pytest.mark.skipif(
        creating is None or not template,
        reason="the contract declares no state (create and read) with a request example to create from",
    )
    def test_a_created_record_reads_back_as_the_contract_says(judge: Judge) -> None:
        assert creating is not None and created is not None and read is not None
        made = send_example(judge, usable(creating))
        answer = made.exchange.response
        assert answer is not None
        holder, member = holder_of(_json_or_none(answer.body or b""), created[1])
        key = holder.get(member) if isinstance(holder, dict) else None
        assert isinstance(key, (str, int)) and str(key), (
            f"the {created[0]} answer ({answer.status}) carries no key at {created[1]}"
        )
        path = template.replace(f"{{{read[1]}}}", quote(str(key), safe=""))
        judgement = judge.send(contract.operation(read[0]).method, path)
        judge.expect_conforms(made, judgement)
        assert judgement.exchange.response is not None and 200 <= judgement.exchange.response.status < 300, (
            f"the record {key} created by {created[0]} could not be read back with {read[0]}"
        )

    return (
        test_each_request_example_is_answered_as_the_contract_says,
        test_requests_drawn_from_the_contract_are_answered_as_it_says,
        test_a_request_breaking_a_rule_is_answered_as_the_contract_says,
        test_a_wrong_secret_gets_another_answer_than_the_right_one,
        test_a_created_record_reads_back_as_the_contract_says,
    )
