"""The Westcon REST Order Status document's examples as exchanges.

Each request example is sent as the document instructs (the token request to Azure AD, the order
status call with a Bearer token and the subscription key: placeholders, never the sample
configuration's values) and answered with the response the document prints after it. The sample
configuration is judged by no rule; its note is kept for the vendor.
"""

from __future__ import annotations

from pathlib import Path

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.review.examples import NOTE, ExampleSet, entry_list, judging_schema, load_examples
from b2bconform.review.model import ExampleCase

__all__ = [
    "API",
    "JUDGING_SCHEMA",
    "ORDER_STATUS_URL",
    "REQUESTS",
    "TOKEN_URL",
    "cases",
    "example_exchange",
    "load",
]

API = "westcon_rest"
# The tenant is the one in the document's token URL (line 8); it names Westcon's directory, no secret.
TOKEN_URL = "https://login.microsoftonline.com/ec8933c6-cfb2-4dd9-bfc9-621cde1dea8f/oauth2/token"
ORDER_STATUS_URL = "https://api.westconcomstor.com/Orders/orderStatus"
# Placeholders for the headers the document asks for (lines 17-19); never the sample configuration's values.
REQUESTS: dict[str, tuple[str, dict[str, str]]] = {
    "getAccessToken": (TOKEN_URL, {"Content-Type": "application/x-www-form-urlencoded"}),
    "getOrderStatus": (
        ORDER_STATUS_URL,
        {
            "Authorization": "Bearer example-access-token",
            "Ocp-Apim-Subscription-Key": "example-subscription-key",
            "Content-Type": "application/json",
        },
    ),
}
RESPONSE_HEADERS = Headers({"Content-Type": "application/json; charset=utf-8"})

JUDGING_SCHEMA = judging_schema(
    pairings=entry_list(
        "request", "response", "expected_findings",
        request=NOTE, response=NOTE, billing_document_length={"type": "integer"},
    ),
    requests=entry_list(
        "file", "response", "expected_findings",
        file=NOTE, response=NOTE, sends_resource={"type": "boolean"},
    ),
    configuration={
        "type": "object",
        "required": ["file", "keys"],
        "properties": {"file": NOTE, "keys": {"type": "array", "items": NOTE}, "discrepancy": NOTE},
    },
)  # fmt: skip


def load(contracts_dir: Path | None = None) -> ExampleSet:
    return load_examples(API, JUDGING_SCHEMA, contracts_dir)


def example_exchange(examples: ExampleSet, request_file: str, response_file: str) -> Exchange:
    """The request example sent as the document instructs, answered with the response example."""
    operation = str(examples.indexed(request_file)["operation"])
    target, headers = REQUESTS[operation]
    request = Request("POST", target, Headers(headers), examples.bytes(request_file))
    status = int(examples.indexed(response_file)["status"])
    response = Response(status, RESPONSE_HEADERS, examples.bytes(response_file))
    return Exchange(api=API, request=request, response=response)


def cases(examples: ExampleSet) -> list[ExampleCase]:
    found = []
    for location, pairing in examples.entries("pairings"):
        exchange = example_exchange(examples, pairing["request"], pairing["response"])
        found.append(examples.pairing_case(location, pairing, [exchange]))
    for location, entry in examples.entries("requests"):
        exchange = example_exchange(examples, entry["file"], entry["response"])
        found.append(examples.request_case(location, entry, [exchange], paired=[entry["response"]]))
    configuration = examples.judging["configuration"]
    found.append(examples.case("unjudged", ("configuration",), configuration, example=configuration["file"]))
    return found
