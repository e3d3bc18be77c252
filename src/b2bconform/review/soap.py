"""What the review of every SOAP contract's examples shares.

A SOAP contract's judging.yaml holds ``pairings`` (a response example answering a request example,
judged as the vendor's answer) and ``requests`` (a request example judged alone as a caller's,
answered with one reply example). Each request is POSTed to the service URL as the API sends it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from b2bconform.engine.contract import wsdl_service
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.errors import UsageError
from b2bconform.review.examples import ExampleSet, load_examples, pairs_judging_schema
from b2bconform.review.model import ExampleCase

__all__ = ["SOAP_11", "load_soap_examples", "soap_cases", "soap_judging_schema", "wsdl_cases"]

SOAP_11 = {"Content-Type": "text/xml; charset=utf-8"}


def soap_judging_schema(*pairing_keys: str) -> dict[str, Any]:
    """The judging.yaml schema of a SOAP contract; each pairing also holds ``pairing_keys``."""
    return pairs_judging_schema(*pairing_keys)


def soap_cases(
    examples: ExampleSet,
    url: str,
    reply: str,
    request_headers: Mapping[str, str] = SOAP_11,
    response_headers: Mapping[str, str] = SOAP_11,
    send: Callable[[bytes], bytes] = lambda envelope: envelope,
) -> list[ExampleCase]:
    """The cases of ``examples``' pairings and requests; ``send`` is what the caller does to a printed
    request before sending it, ``reply`` the example answering a request judged alone."""

    def exchange(request: str, response: str) -> Exchange:
        sent = Request("POST", url, Headers(dict(request_headers)), send(examples.bytes(request)))
        answered = Response(200, Headers(dict(response_headers)), examples.bytes(response))
        return Exchange(api=examples.api, request=sent, response=answered)

    return examples.paired_cases(exchange, lambda _request: reply)


def load_soap_examples(api: str, contracts_dir: Path | None = None) -> ExampleSet:
    """A SOAP contract's examples, read with the SOAP judging schema."""
    return load_examples(api, soap_judging_schema(), contracts_dir)


def wsdl_cases(examples: ExampleSet) -> list[ExampleCase]:
    """The cases of a SOAP contract with no review module of its own, built from its WSDL: each
    request POSTed to the soap:address with its operation's SOAPAction; a request judged alone is
    answered with its operation's first HTTP 200 response example."""
    found = wsdl_service(examples.folder.parent)
    if found is None:
        raise UsageError(f"{examples.folder.parent}: no WSDL with a soap:address to send the examples to")
    url, actions = found

    def headers(request: str) -> dict[str, str]:
        return {
            **SOAP_11,
            "SOAPAction": f'"{actions.get(examples.indexed(request).get("operation", ""), "")}"',
        }

    def exchange(request: str, response: str) -> Exchange:
        sent = Request("POST", url, Headers(headers(request)), examples.bytes(request))
        answered = Response(200, Headers(dict(SOAP_11)), examples.bytes(response))
        return Exchange(api=examples.api, request=sent, response=answered)

    return examples.paired_cases(exchange, lambda request: examples.first_answer(request, range(200, 201)))
