"""What every sandbox's fault probes share: the probe of a fault derived from its rule
(sandboxes/derived.py), and the tests each probe gets."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from b2bconform.engine.contract import Contract, Judgement
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.sandboxes.base import Fault, Sandbox
from b2bconform.sandboxes.derived import BrokenAnswers

with warnings.catch_warnings():
    # Starlette nudges towards httpx2; the httpx-based TestClient works the same for us.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient


def derived_probes(
    faults: Mapping[str, Fault], failed_rules: Callable[[Any], set[str]]
) -> dict[str, Callable[[Any], bool]]:
    """fault name -> a probe: the engine, judging what ``failed_rules`` runs, fails the fault's rule."""
    return {
        name: (lambda api, rule=fault.rule: rule in failed_rules(api))
        for name, fault in faults.items()
        if isinstance(fault.rewrite, BrokenAnswers)
    }


def probe_tests(
    faults: Mapping[str, Fault], probes: Mapping[str, Callable[[Any], bool]], api: Callable[..., Any]
) -> tuple[Callable[[], None], Callable[[str], None]]:
    """The two tests every sandbox's probes get: each fault has one, and each probe sees its fault's
    misbehaviour under the fault (``api(fault)``) and not on the faithful sandbox (``api()``)."""

    def test_every_fault_has_a_probe() -> None:
        assert set(probes) == set(faults)

    @pytest.mark.parametrize("fault", sorted(probes))
    def test_fault_misbehaves_and_the_faithful_sandbox_does_not(fault: str) -> None:
        assert probes[fault](api(fault)), f"{fault}: misbehaviour not observed"
        assert not probes[fault](api()), f"faithful sandbox shows the {fault} misbehaviour"

    return test_every_fault_has_a_probe, test_fault_misbehaves_and_the_faithful_sandbox_does_not


class JudgedClient:
    """A sandbox instance (``sandbox_class``, maybe running a fault), an in-process client over it,
    and every exchange made through it, judged by ``contract``."""

    sandbox_class: ClassVar[type[Sandbox]]
    contract: ClassVar[Contract]

    def __init__(self, fault: str | None = None) -> None:
        self.sandbox = self.sandbox_class(fault)
        self.http = TestClient(self.sandbox.app())  # a fault that rewrites answers included
        self.exchanges: list[Exchange] = []

    def get(self, url: str) -> httpx.Response:
        response: httpx.Response = self.http.get(url)
        return response

    def judge(self) -> list[Judgement]:
        return [self.contract.check(exchange) for exchange in self.exchanges]

    def failed_rules(self) -> set[str]:
        return {finding.rule for judgement in self.judge() for finding in judgement.findings}


def exchange_of(api: str, response: httpx.Response) -> Exchange:
    """An in-process client's call as the engine's exchange."""
    sent = response.request
    request = Request(sent.method, str(sent.url), Headers(list(sent.headers.items())), sent.content or None)
    answer = Response(response.status_code, Headers(list(response.headers.items())), response.content)
    return Exchange(api, request, answer)


def failed_rules_of(contract: Contract, responses: list[httpx.Response]) -> set[str]:
    """The rules the engine fails on these calls, each judged after the ones before it."""
    exchanges = [contract.classify(exchange_of(contract.api, response)) for response in responses]
    return {
        finding.rule
        for index, exchange in enumerate(exchanges)
        for finding in contract.check(exchange, history=exchanges[:index]).findings
    }
