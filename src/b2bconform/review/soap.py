"""What the review of every SOAP contract's examples shares.

A SOAP contract's judging.yaml holds ``pairings`` (a response example answering a request example,
judged as the vendor's answer) and ``requests`` (a request example judged alone as a caller's,
answered with one reply example). Each request is POSTed to the service URL as the API sends it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.review.examples import NOTE, ExampleSet, entry_list, judging_schema
from b2bconform.review.model import ExampleCase

__all__ = ["SOAP_11", "soap_cases", "soap_judging_schema"]

SOAP_11 = {"Content-Type": "text/xml; charset=utf-8"}


def soap_judging_schema(*pairing_keys: str) -> dict[str, Any]:
    """The judging.yaml schema of a SOAP contract; each pairing also holds ``pairing_keys``."""
    return judging_schema(
        pairings=entry_list(
            "request", "response", "expected_findings", *pairing_keys, request=NOTE, response=NOTE
        ),
        requests=entry_list("file", "expected_findings", file=NOTE),
    )


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

    found = [
        examples.pairing_case(location, entry, [exchange(entry["request"], entry["response"])])
        for location, entry in examples.entries("pairings")
    ]
    found += [
        examples.request_case(location, entry, [exchange(entry["file"], reply)])
        for location, entry in examples.entries("requests")
    ]
    return found
