"""The PromoStandards Order Shipment Notification 2.0.0 sandbox: faithful to the contract (its example
requests answered with the seeded shipments and no findings, each refusal the standard's
ServiceMessage), and each fault breaks its one rule."""

from __future__ import annotations

import copy
import re
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fault_probes import JudgedClient, derived_probes, probe_tests
from lxml import etree
from starlette.exceptions import StarletteDeprecationWarning

from b2bconform.apis.promostandards_osn.sandbox import SITES, UNAUTHORISED_ID, PromoStandardsOsnSandbox
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.errors import UsageError
from b2bconform.locations import contract_dir
from b2bconform.rulesuite import with_credentials
from b2bconform.sandboxes import SANDBOXES, Fault, get_sandbox
from b2bconform.sandboxes.serve import start_in_thread

with warnings.catch_warnings():
    # Starlette nudges towards httpx2; the httpx-based TestClient works the same for us.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

API = "promostandards_osn"
CONTRACT = Contract.load(API)
CONTRACT_DIR = contract_dir(API)
EXAMPLES = {
    path.name: path.read_bytes() for path in sorted((CONTRACT_DIR / "examples").glob("request.*.xml"))
}
SHIPPED = etree.fromstring((CONTRACT_DIR / "examples" / "response.shipped.xml").read_bytes())
SERVICE_PATH = "/osn/2.0.0"  # the path of the WSDL's soap:address
SERVICE_URL = "http://testserver" + SERVICE_PATH
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"getOrderShipmentNotification"'}
RULE = "PROMOSTANDARDS_OSN-"

PO, SO = "PO-100234", "SO-558812"  # the seeded shipment's purchase and sales order
FIRST, SECOND = "1ZACME0000000001", "1ZACME0000000002"  # its packages, shipped 2024-03-12 and 2024-03-13


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def _local(node: Any) -> str:
    return str(etree.QName(node).localname) if isinstance(node.tag, str) else ""


def _all(node: Any, name: str) -> list[Any]:
    return [child for child in node.iter() if _local(child) == name]


def request_body(example: str = "request.query-po.xml", site: int = 0, **members: str | None) -> bytes:
    """An example request with the demo credentials of ``site`` written in, then each member of
    ``members`` set to its value, or left out (None)."""
    root = etree.fromstring(with_credentials(API, EXAMPLES[example], SITES[site]))
    (request,) = _all(root, "GetOrderShipmentNotificationRequest")
    for name, value in members.items():
        (node,) = [child for child in request if _local(child) == name]
        if value is None:
            request.remove(node)
        else:
            node.text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def to_exchange(sent: bytes, response: httpx.Response, method: str = "POST") -> Exchange:
    request = Request(
        method, str(response.request.url), Headers(response.request.headers.multi_items()), sent
    )
    return Exchange(
        API,
        request,
        Response(response.status_code, Headers(response.headers.multi_items()), response.content),
    )


class Api(JudgedClient):
    sandbox_class = PromoStandardsOsnSandbox
    contract = CONTRACT

    def post(self, body: bytes) -> httpx.Response:
        response: httpx.Response = self.http.post(SERVICE_PATH, content=body, headers=HEADERS)
        assert str(response.request.url) == SERVICE_URL
        self.exchanges.append(to_exchange(body, response))
        return response

    def call(
        self, example: str = "request.query-po.xml", site: int = 0, **members: str | None
    ) -> httpx.Response:
        """POST an example request as ``site``, its members changed (see request_body)."""
        return self.post(request_body(example, site, **members))


@pytest.fixture
def api() -> Api:
    return Api()


def answer_of(response: httpx.Response) -> Any:
    """The GetOrderShipmentNotificationResponse of an HTTP 200 SOAP 1.1 answer sent as text/xml."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    (answer,) = etree.fromstring(response.content).iterfind(f"{{{SOAP11}}}Body/*")
    assert _local(answer) == "GetOrderShipmentNotificationResponse", response.text
    return answer


def messages(response: httpx.Response) -> list[tuple[str, str, str]]:
    """(code, description, severity) of each ServiceMessage of the answer."""
    return [
        tuple((_all(m, name)[0].text or "").strip() for name in ("code", "description", "severity"))  # type: ignore[misc]
        for m in _all(answer_of(response), "ServiceMessage")
    ]


def codes(response: httpx.Response) -> list[str]:
    return [code for code, _, _ in messages(response)]


def shipments(response: httpx.Response) -> list[Any]:
    """The OrderShipmentNotification entries of the answer ([] when it has none)."""
    return _all(answer_of(response), "OrderShipmentNotification")


def refused(response: httpx.Response) -> tuple[str, str, str]:
    """The one ServiceMessage of an answer that carries no shipment data."""
    assert shipments(response) == [] and not _all(answer_of(response), "OrderShipmentNotificationArray")
    (message,) = messages(response)
    return message


def leaves(element: Any) -> list[tuple[str, str]]:
    """(local-name path, text) of every leaf below ``element``, in document order."""

    def path(leaf: Any) -> str:
        names = []
        while leaf is not element:
            names.append(_local(leaf))
            leaf = leaf.getparent()
        return "/".join(reversed(names))

    return [
        (path(leaf), (leaf.text or "").strip()) for leaf in element.iter() if len(leaf) == 0 and _local(leaf)
    ]


def seeded(drop_packages: tuple[str, ...] = ()) -> Any:
    """The example answer's OrderShipmentNotification, without the packages tracked as ``drop_packages``."""
    (entry,) = copy.deepcopy(_all(SHIPPED, "OrderShipmentNotification"))
    for package in _all(entry, "Package"):
        if _all(package, "trackingNumber")[0].text in drop_packages:
            package.getparent().remove(package)
    return entry


def tracking(response: httpx.Response) -> list[str]:
    return [(n.text or "").strip() for n in _all(answer_of(response), "trackingNumber")]


def sales_orders(response: httpx.Response) -> list[str]:
    return [(n.text or "").strip() for n in _all(answer_of(response), "salesOrderNumber")]


def add_sales_order(sandbox: PromoStandardsOsnSandbox, number: str) -> None:
    """A second sales order under the seeded purchase order (a copy of the first, renumbered)."""
    (po,) = sandbox._shipments
    (order,) = _all(po, "SalesOrder")
    extra = copy.deepcopy(order)
    _all(extra, "salesOrderNumber")[0].text = number
    order.addnext(extra)


def fault_of(response: httpx.Response) -> tuple[str, str]:
    """(faultcode, faultstring) of a SOAP 1.1 Fault answered with HTTP 500 as text/xml."""
    assert response.status_code == 500, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    fault = etree.fromstring(response.content).find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault is not None, response.text
    return fault.findtext("faultcode") or "", fault.findtext("faultstring") or ""


# ── the contract's example requests ──────────────────────────────────────────────────────────


def test_the_contract_has_three_example_requests_one_per_query_type() -> None:
    assert sorted(EXAMPLES) == ["request.query-date.xml", "request.query-po.xml", "request.query-so.xml"]


@pytest.mark.parametrize("example", sorted(EXAMPLES))
@pytest.mark.parametrize("site", [0, 1])
def test_every_example_request_gets_the_seeded_shipment_and_no_finding(
    api: Api, example: str, site: int
) -> None:
    response = api.call(example, site)
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert messages(response) == []
    (entry,) = shipments(response)
    assert leaves(entry) == leaves(seeded())
    (judgement,) = api.judge()
    assert judgement.findings == [] and judgement.broken_by_request == set()
    assert {f"{RULE}RES-006", f"{RULE}RES-007"} <= {r for r, o in judgement.outcomes.items() if o == "passed"}


def test_the_credentials_written_in_are_the_sites_demo_ones() -> None:
    root = etree.fromstring(request_body(site=1))
    assert [(n.text or "") for n in _all(root, "id") + _all(root, "password")] == [
        SITES[1]["id"],
        SITES[1]["password"],
    ]
    assert b"example-password" not in request_body(site=0)


# ── the service description ──────────────────────────────────────────────────────────────────


def _addresses(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    return [a.get("location") for a in etree.fromstring(response.content).iter(f"{{{WSDL_SOAP}}}address")]


@pytest.mark.parametrize("query", ["wsdl", "WSDL"])
def test_the_wsdl_is_served_at_query_wsdl_addressed_to_the_request(api: Api, query: str) -> None:
    response = api.get(f"{SERVICE_PATH}?{query}")
    assert _addresses(response) == [SERVICE_URL]
    # the contract's WSDL, its placeholder address replaced and nothing else
    shipped = (CONTRACT_DIR / "OrderShipmentNotificationService.wsdl").read_text(encoding="utf-8")
    assert response.text == shipped.replace("https://supplier.example/osn/2.0.0", SERVICE_URL)


def test_the_wsdl_address_follows_the_host_and_scheme_asked() -> None:
    with TestClient(PromoStandardsOsnSandbox().app(), base_url="https://osn.example:8443") as http:
        assert _addresses(http.get(f"{SERVICE_PATH}?wsdl")) == [f"https://osn.example:8443{SERVICE_PATH}"]


def test_the_service_path_is_the_one_the_contracts_wsdl_names() -> None:
    assert CONTRACT.soap_service[0] == SERVICE_PATH


def test_other_gets_paths_and_methods_are_not_served(api: Api) -> None:
    assert api.get(SERVICE_PATH).status_code == 404
    assert api.get(f"{SERVICE_PATH}?xsd=SharedObjects.xsd").status_code == 404
    assert api.get("/osn/1.0.0?wsdl").status_code == 404
    assert api.http.put(SERVICE_PATH, content=b"").status_code == 405


def test_served_over_http_the_wsdl_names_the_served_url_and_a_search_is_answered() -> None:
    url, stop = start_in_thread(API)
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            assert _addresses(http.get(f"{SERVICE_PATH}?wsdl")) == [f"{url}{SERVICE_PATH}"]
            response = http.post(SERVICE_PATH, content=request_body(), headers=HEADERS)
            assert [leaves(e) for e in shipments(response)] == [leaves(seeded())]
    finally:
        stop()


# ── searches ─────────────────────────────────────────────────────────────────────────────────


def test_query_type_1_returns_the_purchase_order_with_all_its_sales_orders(api: Api) -> None:
    add_sales_order(api.sandbox, "SO-558813")
    response = api.call(referenceNumber=PO)
    (entry,) = shipments(response)
    assert _all(entry, "purchaseOrderNumber")[0].text == PO
    assert sales_orders(response) == [SO, "SO-558813"]
    assert api.failed_rules() == set()


@pytest.mark.parametrize("number", ["PO-100235", SO, "PO-10023"])
def test_query_type_1_for_a_number_no_purchase_order_has_finds_nothing(api: Api, number: str) -> None:
    assert refused(api.call(referenceNumber=number)) == ("160", "No Results Found", "Information")


def test_query_type_2_returns_only_that_sales_order_under_its_purchase_order(api: Api) -> None:
    add_sales_order(api.sandbox, "SO-558813")
    for number in (SO, "SO-558813"):
        response = api.call("request.query-so.xml", referenceNumber=number)
        (entry,) = shipments(response)
        assert _all(entry, "purchaseOrderNumber")[0].text == PO
        assert sales_orders(response) == [number]
        assert tracking(response) == [FIRST, SECOND]
    assert api.failed_rules() == set()


def test_query_type_2_answers_the_seeded_shipment_as_the_example_says(api: Api) -> None:
    (entry,) = shipments(api.call("request.query-so.xml"))
    assert leaves(entry) == leaves(seeded())


@pytest.mark.parametrize("number", ["SO-558813", PO])
def test_query_type_2_for_a_number_no_sales_order_has_finds_nothing(api: Api, number: str) -> None:
    assert refused(api.call("request.query-so.xml", referenceNumber=number))[0] == "160"


@pytest.mark.parametrize(
    ("since", "dropped"),
    [
        ("2024-03-01T00:00:00Z", ()),
        ("2024-03-12T15:30:00Z", ()),  # at the first package's date: it is returned
        ("2024-03-12T15:30:01Z", (FIRST,)),
        ("2024-03-13T00:00:00Z", (FIRST,)),
        ("2024-03-13T09:45:00Z", (FIRST,)),
    ],
)
def test_query_type_3_returns_only_the_packages_shipped_at_or_after_the_date(
    api: Api, since: str, dropped: tuple[str, ...]
) -> None:
    response = api.call("request.query-date.xml", shipmentDateTimestamp=since)
    (entry,) = shipments(response)
    assert leaves(entry) == leaves(seeded(drop_packages=dropped))
    assert api.failed_rules() == set()


def test_query_type_3_after_the_last_shipment_finds_nothing(api: Api) -> None:
    response = api.call("request.query-date.xml", shipmentDateTimestamp="2024-03-13T09:45:01Z")
    assert refused(response) == ("160", "No Results Found", "Information")
    assert api.failed_rules() == set()


def test_reset_forgets_changes_and_restores_the_seed(api: Api) -> None:
    add_sales_order(api.sandbox, "SO-558813")
    assert sales_orders(api.call()) == [SO, "SO-558813"]
    api.sandbox.reset()
    assert sales_orders(api.call()) == [SO]


def test_state_is_per_instance() -> None:
    first, second = Api(), Api()
    add_sales_order(first.sandbox, "SO-558813")
    assert sales_orders(first.call()) == [SO, "SO-558813"]
    assert sales_orders(second.call()) == [SO]


# ── refusals: the standard's ServiceMessages, in an HTTP 200 answer ──────────────────────────


def test_an_unknown_id_is_answered_with_code_100(api: Api) -> None:
    assert refused(api.call(id="b2bconform-unknown-id")) == ("100", "ID (customerId) not found", "Error")


def test_an_id_not_authorised_for_the_service_is_answered_with_code_104(api: Api) -> None:
    assert refused(api.call(id=UNAUTHORISED_ID))[::2] == ("104", "Error")


@pytest.mark.parametrize("password", ["b2bconform-wrong", SITES[1]["password"]], ids=["wrong", "other-sites"])
def test_a_wrong_password_is_answered_with_code_105(api: Api, password: str) -> None:
    assert refused(api.call(password=password)) == ("105", "Authentication Credentials failed", "Error")


def test_no_password_is_answered_with_code_110(api: Api) -> None:
    assert refused(api.call(password=None)) == ("110", "Authentication Credentials required", "Error")


def test_no_id_is_answered_with_code_110(api: Api) -> None:
    assert refused(api.call(id=None))[::2] == ("110", "Error")


@pytest.mark.parametrize(
    ("example", "member"),
    [
        ("request.query-po.xml", "referenceNumber"),
        ("request.query-so.xml", "referenceNumber"),
        ("request.query-date.xml", "shipmentDateTimestamp"),
    ],
)
def test_a_member_the_query_type_needs_is_named_by_code_120(api: Api, example: str, member: str) -> None:
    missing: dict[str, Any] = {member: None}
    code, description, severity = refused(api.call(example, **missing))
    assert (code, severity) == ("120", "Error")
    assert re.search(rf"\[{member}\]", description), description


def test_another_ws_version_is_answered_with_code_115(api: Api) -> None:
    assert refused(api.call(wsVersion="1.0.0")) == ("115", "wsVersion not found", "Error")


def test_query_type_4_is_refused_with_code_300_or_a_soap_fault(api: Api) -> None:
    response = api.call(queryType="4")
    if response.status_code == 500:
        code, text = fault_of(response)
        assert code and text
    else:
        assert refused(response)[::2] == ("300", "Error")


def test_a_body_that_is_not_xml_gets_a_soap_fault_with_http_500(api: Api) -> None:
    for body in (b"not xml", request_body()[:-40], b""):
        code, text = fault_of(api.post(body))
        assert code.endswith("Client") and text


def test_a_timestamp_without_a_zone_is_read_as_utc_or_refused_with_code_302(api: Api) -> None:
    response = api.call("request.query-date.xml", shipmentDateTimestamp="2024-03-13T00:00:00")
    assert codes(response) == ["302"] or tracking(response) == [SECOND]


@pytest.mark.parametrize(
    "body",
    [
        b"<GetOrderShipmentNotificationRequest/>",
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><x/></s:Body></s:Envelope>'.encode(),
    ],
    ids=["no-envelope", "another-body-element"],
)
def test_xml_that_is_no_request_of_the_operation_gets_a_soap_fault(api: Api, body: bytes) -> None:
    code, text = fault_of(api.post(body))
    assert code.endswith("Client") and text


REFUSED: dict[str, tuple[Callable[[], bytes], str, str | None]] = {
    # name -> (request, the code answered, the request rule it breaks or None)
    "unknown-id": (lambda: request_body(id="b2bconform-unknown-id"), "100", None),
    "unauthorised-id": (lambda: request_body(id=UNAUTHORISED_ID), "104", None),
    "wrong-password": (lambda: request_body(password="b2bconform-wrong"), "105", None),
    "no-password": (lambda: request_body(password=None), "110", None),
    "no-id": (lambda: request_body(id=None), "110", f"{RULE}AUTH-001"),
    "no-reference": (lambda: request_body(referenceNumber=None), "120", f"{RULE}REQ-007"),
    "no-timestamp": (
        lambda: request_body("request.query-date.xml", shipmentDateTimestamp=None),
        "120",
        f"{RULE}REQ-008",
    ),
    "ws-version": (lambda: request_body(wsVersion="1.0.0"), "115", f"{RULE}REQ-004"),
    "query-type-4": (lambda: request_body(queryType="4"), "300", f"{RULE}REQ-006"),
    "date-not-a-date": (
        lambda: request_body("request.query-date.xml", shipmentDateTimestamp="last week"),
        "302",
        f"{RULE}REQ-009",
    ),
    "nothing-found": (lambda: request_body(referenceNumber="PO-100235"), "160", None),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refusal_is_a_conforming_answer_to_the_request_it_refuses(name: str) -> None:
    body, code, broken = REFUSED[name]
    api = Api()
    assert refused(api.post(body()))[0] == code
    (judgement,) = api.judge()
    assert judgement.findings == []
    assert f"{RULE}ERR-001" in judgement.outcomes
    if broken is not None:
        # judged as a caller, the request breaks the rule the refusal answers
        assert broken in {f.rule for f in CONTRACT.check(api.exchanges[0], side="client").findings}


# ── every faithful answer conforms ────────────────────────────────────────────────────────────


def _example(name: str) -> Callable[[Api], httpx.Response]:
    return lambda a: a.call(name)


def _posting(body: Callable[[], bytes]) -> Callable[[Api], httpx.Response]:
    return lambda a: a.post(body())


#: Calls covering every behaviour; used to show the faithful sandbox conforms and each fault is confined.
SCENARIOS: dict[str, Callable[[Api], httpx.Response]] = {
    **{f"example-{name}": _example(name) for name in EXAMPLES},
    "second-site": lambda a: a.call(site=1),
    "date-later": lambda a: a.call("request.query-date.xml", shipmentDateTimestamp="2024-03-13T00:00:00Z"),
    "no-sales-order": lambda a: a.call("request.query-so.xml", referenceNumber="SO-558813"),
    **{f"refused-{name}": _posting(body) for name, (body, _, _) in REFUSED.items()},
    "not-xml": lambda a: a.post(b"not xml"),
    "wsdl": lambda a: a.get(f"{SERVICE_PATH}?wsdl"),
}


def run_scenarios(api: Api) -> dict[str, int]:
    """Run every scenario; the GET of the WSDL is recorded too. The statuses answered, by scenario."""
    statuses = {}
    for name, scenario in SCENARIOS.items():
        before = len(api.exchanges)
        response = scenario(api)
        if len(api.exchanges) == before:
            api.exchanges.append(to_exchange(b"", response, "GET"))
        statuses[name] = response.status_code
    return statuses


def test_the_engine_finds_nothing_in_any_faithful_answer(api: Api) -> None:
    statuses = run_scenarios(api)
    assert {name for name, status in statuses.items() if status != 200} == {"not-xml"}
    assert statuses["not-xml"] == 500
    assert [str(f) for judgement in api.judge() for f in judgement.findings] == []
    evaluated = {rule for judgement in api.judge() for rule in judgement.outcomes}
    vendor_checked = {r.id for r in CONTRACT.rules if r.check and "vendor" in r.judged}
    # rules no faithful answer reaches: it is served on loopback (exempt from the HTTPS rule) and it
    # never answers code 301 (ERR-005); its SOAP Fault (RES-002) is judged
    assert vendor_checked - evaluated == {f"{RULE}TRN-002", f"{RULE}ERR-005"}


# ── registry, credentials, catalogue ─────────────────────────────────────────────────────────


def test_registry_knows_the_promostandards_osn_sandbox() -> None:
    assert SANDBOXES[API] is PromoStandardsOsnSandbox
    assert get_sandbox(API) is PromoStandardsOsnSandbox
    assert PromoStandardsOsnSandbox.api == API


def test_unknown_fault_is_a_usage_error_listing_the_faults() -> None:
    with pytest.raises(UsageError, match="date-ignored"):
        PromoStandardsOsnSandbox("no-such-fault")


def test_credentials_travel_in_the_body_per_site() -> None:
    sandbox = PromoStandardsOsnSandbox()
    assert sandbox.client_credentials(0) == SITES[0] and sandbox.client_credentials(1) == SITES[1]
    assert SITES[0] != SITES[1] and all(v.startswith("sbx-osn-") for site in SITES for v in site.values())
    assert sandbox.client_headers(0) == {} and sandbox.client_headers(1) == {}
    with pytest.raises(IndexError):
        sandbox.client_credentials(2)


def test_every_fault_names_one_distinct_rule_of_the_contract() -> None:
    faults = PromoStandardsOsnSandbox.faults
    assert len({fault.rule for fault in faults.values()}) == len(faults)
    for name, fault in faults.items():
        assert isinstance(fault, Fault) and fault.name == name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert CONTRACT.rules.get(fault.rule).id == fault.rule
        assert fault.description and "\n" not in fault.description


def test_broken_rule_and_has() -> None:
    assert PromoStandardsOsnSandbox().broken_rule is None
    sandbox = PromoStandardsOsnSandbox("date-ignored")
    assert sandbox.broken_rule == f"{RULE}RES-010"
    assert sandbox.has("date-ignored") and not sandbox.has("any-password")
    with pytest.raises(KeyError):
        sandbox.has("typo")


# ── each fault: its misbehaviour is present, and absent from the faithful sandbox ────────────


def _served(response: httpx.Response) -> bool:
    return response.status_code == 200 and bool(shipments(response)) and messages(response) == []


FAULT_PROBES: dict[str, Callable[[Api], bool]] = {
    "serves-unauthorised-id": lambda a: codes(a.call(id=UNAUTHORISED_ID)) == ["100"],
    "any-password": lambda a: _served(a.call(password="b2bconform-wrong")),
    "general-error-for-no-match": lambda a: codes(a.call(referenceNumber="PO-100235")) == ["999"],
    "missing-password-as-wrong": lambda a: codes(a.call(password=None)) == ["105"],
    "unknown-id-as-wrong-password": lambda a: codes(a.call(id="b2bconform-nobody")) == ["105"],
    "fault-without-reason": lambda a: fault_of(a.post(b"not xml"))[1] == "",
    "refusals-as-warnings": lambda a: messages(a.call(password="b2bconform-wrong"))[0][2] == "Warning",
    "unknown-query-type-as-no-results": lambda a: codes(a.call(queryType="4")) == ["160"],
    "no-id-as-failed": lambda a: codes(a.call(id=None)) == ["105"],
    "unnamed-required-field": lambda a: "referenceNumber" not in messages(a.call(referenceNumber=None))[0][1],
    "ws-version-as-general-error": lambda a: codes(a.call(wsVersion="1.0.0")) == ["999"],
    "week-back-limit": lambda a: (
        codes(a.call("request.query-date.xml", shipmentDateTimestamp="2000-01-01T00:00:00Z")) == ["160"]
    ),
    "date-ignored": lambda a: (
        FIRST in tracking(a.call("request.query-date.xml", shipmentDateTimestamp="2024-03-13T00:00:00Z"))
    ),
}


# faults derived from their rules: every scenario run (the example requests, then the refusals: a
# rule on ServiceMessages, ERR-003, reads only the latter), the engine fails the rule
FAULT_PROBES.update(
    derived_probes(PromoStandardsOsnSandbox.faults, lambda api: (run_scenarios(api), api.failed_rules())[1])
)


test_every_fault_has_a_probe, test_fault_misbehaves_and_the_faithful_sandbox_does_not = probe_tests(
    PromoStandardsOsnSandbox.faults, FAULT_PROBES, Api
)


# faults on a rule no check reads (a behaviour the suite's tests assert), or on a request rule
# judged on callers only (the engine judging the supplier does not read it: the suite's rule-driven
# test sends the breaking request), are proven by the fault self-test (tests/test_fault_detection.py)
CHECKED_FAULTS = sorted(
    name
    for name, f in PromoStandardsOsnSandbox.faults.items()
    if CONTRACT.rules.get(f.rule).check and "vendor" in CONTRACT.rules.get(f.rule).judged
)


@pytest.mark.parametrize("fault", CHECKED_FAULTS)
def test_the_engine_sees_the_fault_on_its_rule_and_nowhere_else(fault: str) -> None:
    api = Api(fault)
    FAULT_PROBES[fault](api)
    run_scenarios(api)
    assert api.failed_rules() == {PromoStandardsOsnSandbox.faults[fault].rule}
