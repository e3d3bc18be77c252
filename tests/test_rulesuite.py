"""The rule-driven suite every API gets (b2bconform.rulesuite): its requests are the document's own
examples as the review builders read them, sent as the target's caller (the document's sample
credentials never sent), REST and SOAP alike; a sandbox fault it must catch makes it fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from b2bconform.engine.contract import known_apis
from b2bconform.locations import contract_dir, suite_dir
from b2bconform.rulesuite import example_path, request_examples, unplaced_credentials, with_credentials

CONTENT_HEADERS = {"content-type", "soapaction", "accept"}


@pytest.mark.parametrize("api", sorted(known_apis()))
def test_every_api_sends_its_documents_request_examples_without_their_credentials(api: str) -> None:
    examples = request_examples(api)
    assert examples, f"{api}: no request example"
    for example in examples:
        assert {name.lower() for name, _ in example.headers} <= CONTENT_HEADERS, example.name
        assert example.operation


def test_an_auth_flows_token_request_is_the_targets_not_an_example() -> None:
    operations = {example.operation for example in request_examples("westcon_rest")}
    assert operations == {"getOrderStatus"}


def test_a_path_credential_goes_back_to_its_placeholder_for_the_target_to_fill() -> None:
    add = next(e for e in request_examples("manex_so") if e.path.startswith("/API/SO/Add/") and "?" in e.path)
    assert "EXAMPLEKEY" in add.path
    path = example_path("manex_so", add, {"{apiKey}": "the-targets-key"})
    assert path.startswith("/API/SO/Add/{apiKey}?") and "EXAMPLEKEY" not in path
    assert path.partition("?")[2] == add.path.partition("?")[2]


def test_a_json_body_credential_is_written_at_its_member() -> None:
    example = request_examples("westcon_rest")[0]
    written = json.loads(with_credentials("westcon_rest", example.body, {"partnerKey": "mine-0001"}))
    assert written["mT_OrderStatus_API_REQ"]["partnerKey"] == "mine-0001"
    assert unplaced_credentials("westcon_rest", example.body) == []


def test_a_body_with_no_place_for_a_credential_is_left_as_is_and_the_credential_named() -> None:
    body = b'{"mT_OrderStatus_API_REQ": {"orderType": "W"}}'
    assert (
        with_credentials("westcon_rest", body, {"partnerKey": "mine-0001"})
        == json.dumps(json.loads(body)).encode()
    )
    assert unplaced_credentials("westcon_rest", body) == ["partnerKey"]
    soap = b'<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body/></Envelope>'
    assert unplaced_credentials("westcon_soap", soap) == ["Username", "Password"]


@pytest.mark.slow
def test_the_rule_driven_suite_fails_a_sandbox_that_accepts_a_wrong_subscription_key(tmp_path: Path) -> None:
    suite = suite_dir("moduslink_po") / "test_contract.py"
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(suite),
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
    ]
    faithful = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert faithful.returncode == 0, faithful.stdout[-3000:]
    broken = subprocess.run(
        [*command, "--fault", "accepts-any-subscription-key"], cwd=tmp_path, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert broken.returncode == 1
    failed = [line for line in broken.stdout.splitlines() if line.startswith("FAILED")]
    assert failed and all("test_wrong_secrets[Ocp-Apim-Subscription-Key]" in line for line in failed), failed


def test_a_soap_contract_without_a_review_module_gets_its_examples_built_from_its_wsdl() -> None:
    from b2bconform.review import builder_of
    from b2bconform.review.soap import wsdl_cases

    load, build = builder_of("promostandards_osn") or (None, None)
    assert build is wsdl_cases and load is not None
    cases = build(load(None))
    requests = [case for case in cases if case.kind == "request"]
    shipped = (contract_dir("promostandards_osn") / "examples" / "response.shipped.xml").read_bytes()
    assert requests and all(
        case.exchanges[-1].request.url == "https://supplier.example/osn/2.0.0"
        and case.exchanges[-1].request.headers.get("SOAPAction") == '"getOrderShipmentNotification"'
        and case.exchanges[-1].response is not None
        and case.exchanges[-1].response.body == shipped  # the operation's first HTTP 200 answer
        for case in requests
    )


def test_a_contract_with_no_spec_to_send_its_examples_by_is_told_to_write_a_review_module(
    tmp_path: Path,
) -> None:
    from b2bconform.errors import UsageError
    from b2bconform.review import builder_of, review_api

    contract = tmp_path / "toy_rest"
    contract.mkdir()
    (contract / "rules.yaml").write_text("api: toy_rest\ndocument: toy.txt\nrules: []\n", encoding="utf-8")
    assert builder_of("toy_rest", tmp_path) is None
    with pytest.raises(
        UsageError, match=r"neither a WSDL nor openapi\.yaml needs the API folder's review\.py"
    ):
        review_api("toy_rest", tmp_path)


def test_members_compared_with_earlier_requests_get_a_value_of_the_tests_own() -> None:
    from types import SimpleNamespace

    from b2bconform.engine.contract import contract_of
    from b2bconform.references import RunTag
    from b2bconform.rulesuite import with_fresh_keys

    example = next(e for e in request_examples("moduslink_po") if e.name == "request.create-order.json")
    run = RunTag()
    sent = [
        json.loads(
            with_fresh_keys(
                SimpleNamespace(contract=contract_of("moduslink_po"), tag=run.for_test(t)),
                example.operation,
                example.body,
            )
        )  # type: ignore[arg-type]
        for t in ("a.py::t1", "a.py::t2")
    ]
    header = [s["clientRequest"]["requestHeader"] for s in sent]
    printed = json.loads(example.body)["clientRequest"]["requestHeader"]
    for member in ("requestReference", "externalMessageReference"):  # unique; repeat_accepted
        assert len({printed[member], header[0][member], header[1][member]}) == 3, member
    assert header[0]["client"] == printed["client"]  # nothing else changes


def test_every_shipped_api_takes_the_rule_driven_suite() -> None:
    from b2bconform.locations import suite_dirs

    missing = [api for api, folder in suite_dirs().items() if not (folder / "test_contract.py").is_file()]
    assert missing == [], f"no suite/test_contract.py: {missing}"
