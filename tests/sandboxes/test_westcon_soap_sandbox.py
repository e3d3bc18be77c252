"""The Westcon SOAP Order Status sandbox: faithful to the contract, and each fault breaks its one rule."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
import xmlschema
import yaml
import zeep
from fault_probes import JudgedClient, derived_probes, probe_tests
from lxml import etree
from starlette.exceptions import StarletteDeprecationWarning
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from b2bconform.apis.westcon_soap.sandbox import (
    ACCOUNTS,
    SERVICE_PATH,
    SYSTEM_ERROR_ORDER_NUMBER,
    Line,
    Order,
    Schedule,
    WestconSoapSandbox,
    add_security_header,
)
from b2bconform.engine.contract import Contract
from b2bconform.engine.model import Exchange, Headers, Request, Response
from b2bconform.errors import UsageError
from b2bconform.locations import contract_dir
from b2bconform.sandboxes import SANDBOXES, Fault, get_sandbox
from b2bconform.sandboxes.serve import start_in_thread

with warnings.catch_warnings():
    # Starlette nudges towards httpx2; the httpx-based TestClient works the same for us.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

CONTRACT_DIR = contract_dir("westcon_soap")
SAMPLE_REQUEST = (CONTRACT_DIR / "examples" / "request.sample.xml").read_bytes()
SAMPLE_RESPONSE = (CONTRACT_DIR / "examples" / "response.sample.xml").read_bytes()
RULES = yaml.safe_load((CONTRACT_DIR / "rules.yaml").read_text(encoding="utf-8"))["rules"]
RULES_BY_ID = {rule["id"]: rule for rule in RULES}
SCHEMA = xmlschema.XMLSchema(str(CONTRACT_DIR / "OrderStatus.xsd"))
CONTRACT = Contract.load("westcon_soap")

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
TEMPURI = "http://tempuri.org/"
REQ_NS = "http://schemas.datacontract.org/2004/07/Westcon.B2B.WebServices.OrderStatus.Contracts.Request"
RESP_NS = "http://schemas.datacontract.org/2004/07/Westcon.B2B.WebServices.OrderStatus.Contracts.Response"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)
PASSWORD_DIGEST = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
)
SOAP_ACTION = "http://tempuri.org/IOrderStatus/GetOrderStatus"
SERVICE_URL = "http://testserver" + SERVICE_PATH
# SHA-256 of the authentication key printed in the vendor document (5.1); the key itself is never written.
VENDOR_SAMPLE_KEY_SHA256 = "7bb6278b70b0672cc86d8617a077c26a1bc3341dc48c43fa0898cf3b9ebb9a20"

USER, PASSWORD = ACCOUNTS[0].number, ACCOUNTS[0].password


def B(name: str) -> str:
    return f"{{{RESP_NS}}}{name}"


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def request_envelope(
    account: str | None = USER,
    kind: str | None = "W",
    numbers: tuple[str, ...] = ("704571",),
    serials: str | None = None,
) -> bytes:
    """A GetOrderStatus envelope laid out like the document's sample (without a security header)."""
    parts = []
    if account is not None:
        parts.append(f"<wes:CustomerAccountNumber>{escape(account)}</wes:CustomerAccountNumber>")
    if kind is not None:
        parts.append(f"<wes:OrderNumberType>{escape(kind)}</wes:OrderNumberType>")
    if serials is not None:
        parts.append(f"<wes:ReturnSerialNumberAndMACAddress>{serials}</wes:ReturnSerialNumberAndMACAddress>")
    orders = "".join(
        f"<wes:Order><wes:OrderNumber>{escape(n)}</wes:OrderNumber></wes:Order>" for n in numbers
    )
    parts.append(f"<wes:Orders>{orders}</wes:Orders>")
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11}" xmlns:tem="{TEMPURI}" xmlns:wes="{REQ_NS}">'
        "<soapenv:Header/><soapenv:Body><tem:GetOrderStatus><tem:request><wes:WestconOrderStatus>"
        + "".join(parts)
        + "</wes:WestconOrderStatus></tem:request></tem:GetOrderStatus></soapenv:Body></soapenv:Envelope>"
    ).encode()


def to_exchange(sent: bytes, response: httpx.Response, method: str = "POST") -> Exchange:
    request = Request(
        method, str(response.request.url), Headers(response.request.headers.multi_items()), sent
    )
    return Exchange(
        "westcon_soap",
        request,
        Response(response.status_code, Headers(response.headers.multi_items()), response.content),
    )


class Api(JudgedClient):
    sandbox_class = WestconSoapSandbox
    contract = CONTRACT

    def post(self, body: bytes, content_type: str = "text/xml; charset=utf-8") -> httpx.Response:
        headers = {"Content-Type": content_type, "SOAPAction": f'"{SOAP_ACTION}"'}
        response: httpx.Response = self.http.post(SERVICE_PATH, content=body, headers=headers)
        assert str(response.request.url) == SERVICE_URL
        self.exchanges.append(to_exchange(body, response))
        return response

    def call(
        self,
        *,
        site: int = 0,
        user: str | None = None,
        password: str | None = None,
        token: bool = True,
        **query: Any,
    ) -> httpx.Response:
        """POST a GetOrderStatus envelope (see request_envelope), signed as ``site`` unless told otherwise."""
        site_user, site_password = self.sandbox.credentials(site)
        query.setdefault("account", site_user)
        body = request_envelope(**query)
        if token:
            body = add_security_header(body, user or site_user, password or site_password)
        return self.post(body)


@pytest.fixture
def api() -> Api:
    return Api()


def signed(body: bytes = SAMPLE_REQUEST, user: str = USER, password: str = PASSWORD) -> bytes:
    return add_security_header(body, user, password)


def root_of(response: httpx.Response) -> Any:
    return etree.fromstring(response.content)


def result_of(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    result = root_of(response).find(
        f"{{{SOAP11}}}Body/{{{TEMPURI}}}GetOrderStatusResponse/{{{TEMPURI}}}GetOrderStatusResult"
    )
    assert result is not None, response.text
    return result


def orders_of(response: httpx.Response) -> list[Any] | None:
    """The returned Order elements; None when Orders is nil."""
    orders = result_of(response).find(B("Orders"))
    if orders.get(f"{{{XSI}}}nil") == "true":
        return None
    return list(orders.iterfind(B("Order")))


def erp_numbers(response: httpx.Response) -> list[str]:
    return [order.findtext(B("ERPOrderNumber")) for order in orders_of(response) or []]


def fault_of(response: httpx.Response) -> tuple[str, str]:
    """(faultcode, faultstring) of a SOAP 1.1 fault answered with HTTP 500 as text/xml."""
    assert response.status_code == 500, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    fault = root_of(response).find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault is not None, response.text
    assert [etree.QName(child).localname for child in fault] == ["faultcode", "faultstring"]
    return fault.findtext("faultcode"), fault.findtext("faultstring")


def serial_entries(order: Any) -> list[list[tuple[str, str]]]:
    """Per line, the (serial, MAC) pairs returned."""
    return [
        [
            (entry.findtext(B("ProductSerialNumber")), entry.findtext(B("ProductMACAddress")))
            for entry in line.iterfind(
                f"{B('SerialNumbersandMACAddresses')}/{B('SerialNumbersandMACAddress')}"
            )
        ]
        for line in order.iterfind(f"{B('OrderLines')}/{B('OrderLine')}")
    ]


def xsd_errors(response: httpx.Response) -> list[str]:
    element = root_of(response).find(f"{{{SOAP11}}}Body/{{{TEMPURI}}}GetOrderStatusResponse")
    assert element is not None
    return [str(error.reason) for error in SCHEMA.iter_errors(element)]


def shape(element: Any) -> list[tuple[int, str, str | None]]:
    """Element structure: depth, qualified tag and xsi:nil of every element, in document order."""
    out = []

    def walk(node: Any, depth: int) -> None:
        out.append((depth, node.tag, node.get(f"{{{XSI}}}nil")))
        for child in node:
            if isinstance(child.tag, str):
                walk(child, depth + 1)

    walk(element, 0)
    return out


def texts(element: Any) -> dict[str, str]:
    """Leaf text by local-name path below ``element`` (blank runs collapsed: the PDF broke one line)."""

    def path(leaf: Any) -> str:
        names = []
        while leaf is not element:
            names.append(etree.QName(leaf).localname)
            leaf = leaf.getparent()
        return "/" + "/".join(reversed(names))

    return {
        path(leaf): " ".join((leaf.text or "").split())
        for leaf in element.iter()
        if isinstance(leaf.tag, str) and len(leaf) == 0
    }


# ── the document's own sample ────────────────────────────────────────────────────────────────


def test_documents_sample_request_with_a_token_gets_order_704571(api: Api) -> None:
    response = api.post(signed())
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert erp_numbers(response) == ["0000704571"]
    assert xsd_errors(response) == []
    assert api.failed_rules() == set()


def test_result_has_the_sample_responses_structure_namespaces_and_nils(api: Api) -> None:
    response = api.post(signed())
    ours = root_of(response).find(f"{{{SOAP11}}}Body/{{{TEMPURI}}}GetOrderStatusResponse")
    theirs = etree.fromstring(SAMPLE_RESPONSE).find(f"{{{SOAP12}}}Body/{{{TEMPURI}}}GetOrderStatusResponse")
    assert shape(ours) == shape(theirs)
    # The same prefixes, declared where the sample declares them.
    assert (
        f'<GetOrderStatusResponse xmlns="{TEMPURI}"><GetOrderStatusResult xmlns:b="{RESP_NS}" xmlns:i="{XSI}">'.encode()
        in response.content
    )
    # The same order content as the sample, but for the order asked for (the sample answers 543814).
    differing = {k for k, v in texts(theirs).items() if texts(ours).get(k) != v}
    assert differing == {
        "/GetOrderStatusResult/WestconMetadata/TimeStamp",
        "/GetOrderStatusResult/Orders/Order/ERPOrderNumber",
    }


def test_timestamp_is_utc_without_zone(api: Api) -> None:
    stamp = result_of(api.post(signed())).findtext(f"{B('WestconMetadata')}/{B('TimeStamp')}")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", stamp)


def test_security_header_is_added_without_changing_anything_else() -> None:
    body = signed()
    inserted = re.search(rb"<soapenv:Header>.*</soapenv:Header>", body)
    assert inserted is not None
    assert body[: inserted.start()] + body[inserted.end() :] == SAMPLE_REQUEST
    token = etree.fromstring(body).find(f"{{{SOAP11}}}Header/{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
    assert token.findtext(f"{{{WSSE}}}Username") == USER
    password = token.find(f"{{{WSSE}}}Password")
    assert (password.text, password.get("Type")) == (PASSWORD, PASSWORD_TEXT)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"<soapenv:Header/>", b"<soapenv:Header>{token}</soapenv:Header>"),
        (b'<soapenv:Header a="x>"  />', b'<soapenv:Header a="x>">{token}</soapenv:Header>'),
        (
            b"<soapenv:Header><x:Other xmlns:x='urn:x'/></soapenv:Header>",
            b"<soapenv:Header>{token}<x:Other xmlns:x='urn:x'/></soapenv:Header>",
        ),
    ],
)
def test_security_header_goes_into_an_existing_header(header: bytes, expected: bytes) -> None:
    body = (
        f'<?xml version="1.0"?><!-- c --><soapenv:Envelope xmlns:soapenv="{SOAP11}"> '.encode()
        + header
        + b"<soapenv:Body/></soapenv:Envelope>"
    )
    token = re.search(rb"<wsse:Security.*</wsse:Security>", signed(body, "u&1", "p<2")).group(0)  # type: ignore[union-attr]
    assert b"u&amp;1" in token and b"p&lt;2" in token
    assert signed(body, "u&1", "p<2") == body.replace(header, expected.replace(b"{token}", token))


def test_security_header_refuses_what_is_no_envelope() -> None:
    for body in (b"<a>", b"<a/>", b"{}"):
        with pytest.raises(ValueError):
            add_security_header(body, USER, PASSWORD)


# ── the service description ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("query", ["wsdl", "WSDL", "Wsdl"])
def test_wsdl_is_served_addressed_to_the_sandbox(api: Api, query: str) -> None:
    response = api.get(f"/b2b/orderstatus/v2/OrderStatus.svc?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    wsdl = etree.fromstring(response.content)
    addresses = [a.get("location") for a in wsdl.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address")]
    assert addresses == [SERVICE_URL]
    locations = [e.get("schemaLocation") for e in wsdl.iter() if e.get("schemaLocation")]
    assert locations == [f"{SERVICE_URL}?xsd=OrderStatus.xsd"]


@pytest.mark.parametrize(
    ("name", "imports"),
    [
        ("OrderStatus.xsd", ["OrderStatus.Request.xsd", "OrderStatus.Response.xsd"]),
        ("OrderStatus.Request.xsd", []),
        ("OrderStatus.Response.xsd", []),
    ],
)
def test_schemas_are_served_with_imports_pointing_at_the_sandbox(
    api: Api, name: str, imports: list[str]
) -> None:
    response = api.get(f"{SERVICE_PATH}?xsd={name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    schema = etree.fromstring(response.content)
    assert schema.get("targetNamespace") == etree.fromstring((CONTRACT_DIR / name).read_bytes()).get(
        "targetNamespace"
    )
    locations = [e.get("schemaLocation") for e in schema.iter() if e.get("schemaLocation")]
    assert locations == [f"{SERVICE_URL}?xsd={i}" for i in imports]


def test_unknown_schema_and_path_are_not_found(api: Api) -> None:
    assert api.get(f"{SERVICE_PATH}?xsd=other.xsd").status_code == 404
    assert api.get("/B2B/OrderStatus/v1/OrderStatus.svc?wsdl").status_code == 404
    assert api.http.put(SERVICE_PATH, content=b"").status_code == 405


def test_service_url_without_query_shows_a_help_page_naming_the_wsdl(api: Api) -> None:
    response = api.get(SERVICE_PATH)
    assert response.status_code == 200
    assert f"{SERVICE_URL}?wsdl" in response.text


class InProcessTransport(Transport):
    """zeep loading documents through the in-process client; records every URL it fetched."""

    def __init__(self, http: TestClient) -> None:
        super().__init__()
        self.http = http
        self.fetched: list[str] = []

    def _load_remote_data(self, url: str) -> bytes:
        self.fetched.append(url)
        response = self.http.get(url)
        assert response.status_code == 200, url
        content: bytes = response.content
        return content


def test_zeep_loads_the_whole_description_from_the_sandbox(api: Api) -> None:
    transport = InProcessTransport(api.http)
    client = zeep.Client(f"{SERVICE_URL}?wsdl", transport=transport)
    assert client.service._binding_options["address"] == SERVICE_URL
    assert sorted(transport.fetched) == sorted(
        [f"{SERVICE_URL}?wsdl"]
        + [
            f"{SERVICE_URL}?xsd={n}"
            for n in ("OrderStatus.xsd", "OrderStatus.Request.xsd", "OrderStatus.Response.xsd")
        ]
    )
    assert [op for op in client.wsdl.bindings[f"{{{TEMPURI}}}BasicHttpBinding_IOrderStatus"]._operations] == [
        "GetOrderStatus"
    ]


def test_zeep_calls_the_sandbox_over_http_with_a_username_token() -> None:
    url, stop = start_in_thread("westcon_soap")
    try:
        client = zeep.Client(f"{url}{SERVICE_PATH}?wsdl", wsse=UsernameToken(USER, PASSWORD))
        # Never let a mis-rewritten address send the call to Westcon's QA host.
        assert client.service._binding_options["address"] == f"{url}{SERVICE_PATH}"
        query = {"CustomerAccountNumber": USER, "ReturnSerialNumberAndMACAddress": True}
        result = client.service.GetOrderStatus(
            request={"WestconOrderStatus": {**query, "Orders": {"Order": [{"OrderNumber": "543814"}]}}}
        )
        order = result.Orders.Order[0]
        assert (order.ERPOrderNumber, order.HeaderStatusDescription) == ("0000543814", "Released")
        serials = order.OrderLines.OrderLine[0].SerialNumbersandMACAddresses.SerialNumbersandMACAddress
        assert serials[0].ProductMACAddress == "FF:AC:BB:22:33:44"
        other = {"CustomerAccountNumber": "2002002", "Orders": {"Order": [{"OrderNumber": "800200"}]}}
        with pytest.raises(zeep.exceptions.Fault, match="Authentication failed"):
            client.service.GetOrderStatus(request={"WestconOrderStatus": other})
    finally:
        stop()


# ── lookups ──────────────────────────────────────────────────────────────────────────────────


def test_orders_are_returned_in_query_order_once_and_unknown_ones_skipped(api: Api) -> None:
    response = api.call(numbers=("543814", "999999", "704571", "0000543814", "600100"))
    assert erp_numbers(response) == ["0000543814", "0000704571", "0000600100"]
    assert [o.findtext(B("CustomerNumber")) for o in orders_of(response) or []] == ["0001001065"] * 3
    assert xsd_errors(response) == []


def test_leading_zeros_of_westcon_numbers_are_ignored(api: Api) -> None:
    for number in ("704571", "0704571", "0000704571"):
        assert erp_numbers(api.call(numbers=(number,))) == ["0000704571"]


def test_order_number_type_defaults_to_w(api: Api) -> None:
    assert erp_numbers(api.call(kind=None, numbers=("704571",))) == ["0000704571"]
    assert erp_numbers(api.call(kind=None, numbers=("PO-4471",))) == []


def test_customer_order_numbers_are_looked_up_with_c(api: Api) -> None:
    response = api.call(kind="C", numbers=("PO-4471", "897879"))
    assert erp_numbers(response) == ["0000543814", "0000704571"]
    assert [o.findtext(B("CustomerOrderNumber")) for o in orders_of(response) or []] == ["PO-4471", "897879"]


def test_a_number_queried_as_the_other_kind_is_not_found(api: Api) -> None:
    assert orders_of(api.call(kind="W", numbers=("PO-4471",))) == []
    assert orders_of(api.call(kind="C", numbers=("543814",))) == []
    assert orders_of(api.call(kind="C", numbers=("0000704571",))) == []


def test_another_accounts_orders_are_not_returned(api: Api) -> None:
    assert orders_of(api.call(numbers=("800200",))) == []
    assert erp_numbers(api.call(site=1, numbers=("800200", "704571"))) == ["0000800200"]


def test_order_543814_statuses_follow_the_5_2_table(api: Api) -> None:
    (order,) = orders_of(api.call(numbers=("543814",))) or []
    assert (order.findtext(B("HeaderStatusCode")), order.findtext(B("HeaderStatusDescription"))) == (
        "71",
        "Released",
    )
    lines = list(order.iterfind(f"{B('OrderLines')}/{B('OrderLine')}"))
    assert [
        (line.findtext(B("LineStatusCode")), line.findtext(B("LineStatusDescription"))) for line in lines
    ] == [
        ("71", "Released"),
        ("73", "Invoiced"),
    ]
    assert [line.findtext(B("LineQuantity")) for line in lines] == ["         2.000", "        10.000"]
    schedule = lines[1].find(f"{B('ScheduleLines')}/{B('ScheduleLine')}")
    assert schedule.findtext(B("ScheduleLineStatusDescription")) == "Invoiced"
    assert schedule.findtext(B("WestconScheduleLineNumber")) == "0001"
    assert order.findtext(B("OrderType")) == "ZOR"


def test_return_order_600100_is_zre_and_scheduled(api: Api) -> None:
    (order,) = orders_of(api.call(numbers=("600100",))) or []
    assert order.findtext(B("OrderType")) == "ZRE"
    assert (order.findtext(B("HeaderStatusCode")), order.findtext(B("HeaderStatusDescription"))) == (
        "41",
        "Scheduled",
    )


@pytest.mark.parametrize("flag", ["true", "1", " true "])
def test_serial_numbers_are_returned_when_asked(api: Api, flag: str) -> None:
    response = api.call(numbers=("543814",), serials=flag)
    (order,) = orders_of(response) or []
    assert serial_entries(order) == [
        [("FCH1734A0K1", "FF:AC:BB:22:33:44"), ("FCH1734A0K2", "FF:AC:BB:22:33:45")],
        [],
    ]
    assert xsd_errors(response) == []


@pytest.mark.parametrize("flag", [None, "false", "0"])
def test_serial_numbers_are_not_returned_unless_asked(api: Api, flag: str | None) -> None:
    (order,) = orders_of(api.call(numbers=("543814",), serials=flag)) or []
    assert serial_entries(order) == [[], []]
    for line in order.iterfind(f"{B('OrderLines')}/{B('OrderLine')}"):
        container = line.find(B("SerialNumbersandMACAddresses"))
        assert container is not None and len(container) == 0 and container.get(f"{{{XSI}}}nil") is None


def test_system_error_trigger_reports_the_documented_error(api: Api) -> None:
    response = api.call(numbers=("704571", SYSTEM_ERROR_ORDER_NUMBER))
    result = result_of(response)
    assert orders_of(response) is None
    errors = result.findall(f"{B('Errors')}/{B('Error')}")
    assert [(e.findtext(B("ErrorNo")), e.findtext(B("ErrorDetail"))) for e in errors] == [
        ("1", "System Error. Please try again")
    ]
    assert result.find(B("Exception")).get(f"{{{XSI}}}nil") == "true"
    assert xsd_errors(response) == []
    assert api.failed_rules() == set()


def test_content_type_application_soap_xml_is_accepted(api: Api) -> None:
    response = api.post(signed(), content_type="application/soap+xml; charset=utf-8")
    assert erp_numbers(response) == ["0000704571"]


# ── refusals ─────────────────────────────────────────────────────────────────────────────────


def _replace(old: bytes, new: bytes, body: bytes | None = None) -> bytes:
    body = signed() if body is None else body
    assert old in body
    return body.replace(old, new)


def with_header(header: str, body: bytes = SAMPLE_REQUEST) -> bytes:
    """``body`` (the sample by default) with ``header`` as its SOAP Header's content."""
    return body.replace(
        b"<soapenv:Body>", f"<soapenv:Header>{header}</soapenv:Header><soapenv:Body>".encode(), 1
    )


EMPTY_SECURITY = with_header(f'<wsse:Security xmlns:wsse="{WSSE}"/>')
NO_TYPE = _replace(f' Type="{PASSWORD_TEXT}"'.encode(), b"")

#: name -> (request body, a phrase of the faultstring, the rule the request breaks or None)
REFUSALS: dict[str, tuple[Callable[[], bytes], str, str | None]] = {
    "missing-token": (lambda: SAMPLE_REQUEST, "Authentication failed", "WESTCON_SOAP-AUTH-001"),
    "security-without-token": (lambda: EMPTY_SECURITY, "Authentication failed", "WESTCON_SOAP-AUTH-001"),
    "wrong-password": (
        lambda: signed(password="sbx-wsc-key-0000000000000000-2002002"),
        "Authentication failed",
        None,
    ),
    "unknown-user": (
        lambda: signed(SAMPLE_REQUEST.replace(b">1001065<", b">9999999<"), "9999999", PASSWORD),
        "Authentication failed",
        None,
    ),
    "digest-password": (
        lambda: _replace(PASSWORD_TEXT.encode(), PASSWORD_DIGEST.encode()),
        "Authentication failed",
        None,
    ),
    "account-mismatch": (
        lambda: signed(request_envelope(account="2002002")),
        "Authentication failed",
        "WESTCON_SOAP-AUTH-004",
    ),
    "malformed-xml": (lambda: signed()[:-40], "not well-formed", "WESTCON_SOAP-REQ-001"),
    "not-an-envelope": (lambda: b"<GetOrderStatus/>", "not a SOAP envelope", "WESTCON_SOAP-REQ-001"),
    "no-body": (
        lambda: f'<s:Envelope xmlns:s="{SOAP11}"><s:Header/></s:Envelope>'.encode(),
        "no Body",
        "WESTCON_SOAP-REQ-001",
    ),
    "soap-1.2-envelope": (lambda: signed().replace(SOAP11.encode(), SOAP12.encode()), "SOAP 1.1", None),
    "empty-body": (
        lambda: signed(f'<s:Envelope xmlns:s="{SOAP11}"><s:Body/></s:Envelope>'.encode()),
        "Body is empty",
        None,
    ),
    "unknown-operation": (
        lambda: _replace(b"tem:GetOrderStatus>", b"tem:GetOrderState>"),
        "does not offer",
        None,
    ),
    "long-account": (
        lambda: signed(request_envelope(account="1" * 11)),
        "value length cannot be greater than 10",
        "WESTCON_SOAP-REQ-003",
    ),
    "unknown-order-type": (
        lambda: signed(request_envelope(kind="X")),
        "value must be one of ['W', 'C']",
        "WESTCON_SOAP-REQ-004",
    ),
    "long-order-number": (
        lambda: signed(request_envelope(numbers=("7" * 36,))),
        "value length cannot be greater than 35",
        "WESTCON_SOAP-REQ-008",
    ),
    "empty-orders": (lambda: signed(request_envelope(numbers=())), "Orders", "WESTCON_SOAP-REQ-006"),
    "serials-TRUE": (
        lambda: signed(request_envelope(serials="TRUE")),
        "'TRUE' is not a boolean value",
        "WESTCON_SOAP-REQ-005",
    ),
    "no-account": (
        lambda: signed(request_envelope(account=None)),
        "CustomerAccountNumber",
        "WESTCON_SOAP-REQ-002",
    ),
    "no-order-number": (
        # (an Order with other content: the engine reads an empty <Order/> as text, not as a missing member)
        lambda: signed(
            request_envelope(numbers=("",)).replace(
                b"<wes:OrderNumber></wes:OrderNumber>", b"<wes:Note>704571</wes:Note>"
            )
        ),
        "OrderNumber",
        "WESTCON_SOAP-REQ-007",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refused_calls_get_a_soap_1_1_fault_with_code_and_reason(api: Api, name: str) -> None:
    body, reason, broken = REFUSALS[name]
    code, text = fault_of(api.post(body()))
    assert code == ("s:VersionMismatch" if name == "soap-1.2-envelope" else "s:Client")
    assert reason in text
    if reason == "Authentication failed":
        assert text.startswith("Authentication failed")
    (judgement,) = api.judge()
    assert judgement.findings == []
    if broken is not None:
        # A negative test the vendor passes: the request broke the rule and was refused.
        assert broken in judgement.broken_by_request
        assert judgement.outcomes[broken] == "passed"


def test_password_without_type_is_read_as_password_text(api: Api) -> None:
    assert erp_numbers(api.post(NO_TYPE)) == ["0000704571"]


def test_credentials_are_judged_before_the_schema(api: Api) -> None:
    _, text = fault_of(api.post(signed(request_envelope(account="1" * 11), password="wrong")))
    assert text.startswith("Authentication failed")


def test_schema_is_judged_before_the_account_match(api: Api) -> None:
    _, text = fault_of(api.post(signed(request_envelope(account="2002002", kind="X"))))
    assert "value must be one of" in text


def test_every_schema_problem_is_named(api: Api) -> None:
    _, text = fault_of(api.post(signed(request_envelope(kind="X", numbers=("7" * 36,)))))
    assert "value must be one of" in text and "greater than 35" in text


def test_a_document_type_declaration_is_refused(api: Api) -> None:
    body = b'<!DOCTYPE x [<!ENTITY e "1001065">]>' + signed()
    code, text = fault_of(api.post(body))
    assert code == "s:Client" and "Document Type Declaration" in text


def test_an_internal_error_is_a_server_fault(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api.sandbox, "_answer", explode)
    code, text = fault_of(api.post(signed()))
    assert code == "s:Server" and "internal error" in text


# ── every faithful answer conforms ────────────────────────────────────────────────────────────

#: Calls covering every behaviour; used to show the faithful sandbox conforms and each fault is confined.
SCENARIOS: dict[str, Callable[[Api], httpx.Response]] = {
    "sample": lambda a: a.post(signed()),
    "several": lambda a: a.call(numbers=("704571", "543814", "600100", "999999")),
    "serials-true": lambda a: a.call(numbers=("543814",), serials="true"),
    "serials-1": lambda a: a.call(numbers=("543814",), serials="1"),
    "serials-false": lambda a: a.call(numbers=("543814",), serials="false"),
    "serials-absent": lambda a: a.call(numbers=("543814", "704571")),
    "by-customer-number": lambda a: a.call(kind="C", numbers=("PO-4471", "RMA-2201")),
    "default-type": lambda a: a.call(kind=None, numbers=("0000704571",)),
    "customer-number-as-w": lambda a: a.call(numbers=("PO-4471",)),
    "westcon-number-as-c": lambda a: a.call(kind="C", numbers=("543814",)),
    "second-account": lambda a: a.call(site=1, numbers=("800200",)),
    "system-error": lambda a: a.call(numbers=(SYSTEM_ERROR_ORDER_NUMBER,)),
    "wsdl": lambda a: a.get(f"{SERVICE_PATH}?wsdl"),
    **{f"refused-{name}": (lambda a, b=body: a.post(b())) for name, (body, _, _) in REFUSALS.items()},
}


def run_scenarios(api: Api) -> None:
    """Run every scenario; GETs are recorded too (their responses are judged by the transport rules)."""
    for name, scenario in SCENARIOS.items():
        before = len(api.exchanges)
        response = scenario(api)
        if len(api.exchanges) == before:
            api.exchanges.append(to_exchange(b"", response, "GET"))
        assert response.status_code in (200, 500), name


def test_the_engine_finds_nothing_in_any_faithful_answer(api: Api) -> None:
    run_scenarios(api)
    findings = [str(f) for judgement in api.judge() for f in judgement.findings]
    assert findings == []
    evaluated = {rule for judgement in api.judge() for rule in judgement.outcomes}
    vendor_checked = {r["id"] for r in RULES if r.get("check") and r.get("judged") != ["client"]}
    # rules no answer of this sandbox can reach: it is served on loopback (exempt from the HTTPS
    # rule) and answers SOAP 1.1 (the WS-Addressing rules judge SOAP 1.2 answers)
    unreachable = {"WESTCON_SOAP-TRN-003", "WESTCON_SOAP-RES-015", "WESTCON_SOAP-RES-016"}
    assert vendor_checked - evaluated == unreachable


def test_every_faithful_200_validates_against_the_xsd(api: Api) -> None:
    for name, scenario in SCENARIOS.items():
        response = scenario(api)
        if response.status_code == 200 and name != "wsdl":
            assert xsd_errors(response) == [], name


# ── state, registry, credentials ─────────────────────────────────────────────────────────────


def _extra_order(erp_number: str) -> Order:
    schedule = Schedule("0001", date(2027, 1, 15), Decimal("1"), None)  # a schedule without status (3.2)
    return Order(
        USER,
        erp_number,
        f"PO-{erp_number}",
        "00",
        "ZOR",
        (Line("000010", "X1", Decimal("1"), "00", (schedule,)),),
    )


def test_reset_forgets_added_orders_and_restores_the_seed(api: Api) -> None:
    api.sandbox.add_order(_extra_order("123"))
    response = api.call(numbers=("123", "704571"))
    assert erp_numbers(response) == ["0000000123", "0000704571"]
    assert xsd_errors(response) == []
    api.sandbox.reset()
    assert erp_numbers(api.call(numbers=("123", "704571"))) == ["0000704571"]
    assert api.failed_rules() == set()


def test_state_is_per_instance() -> None:
    first, second = Api(), Api()
    first.sandbox.add_order(_extra_order("124"))
    assert erp_numbers(first.call(numbers=("124",))) == ["0000000124"]
    assert erp_numbers(second.call(numbers=("124",))) == []


def test_added_orders_must_have_numeric_account_and_order_numbers() -> None:
    sandbox = WestconSoapSandbox()
    with pytest.raises(UsageError, match="account"):
        sandbox.add_order(Order("12345678901", "1", "x", "22", "ZOR", ()))
    with pytest.raises(UsageError, match="order number"):
        sandbox.add_order(Order(USER, "A1", "x", "22", "ZOR", ()))


def test_registry_knows_the_westcon_soap_sandbox() -> None:
    assert SANDBOXES["westcon_soap"] is WestconSoapSandbox
    assert get_sandbox("westcon_soap") is WestconSoapSandbox
    assert WestconSoapSandbox.api == "westcon_soap"


def test_unknown_fault_is_a_usage_error_listing_the_faults() -> None:
    with pytest.raises(UsageError, match="serials-always"):
        WestconSoapSandbox("no-such-fault")


def test_credentials_per_site_and_no_client_headers() -> None:
    sandbox = WestconSoapSandbox()
    assert sandbox.credentials() == ("1001065", "sbx-wsc-key-0000000000000000-1001065")
    assert sandbox.credentials(1) == ("2002002", "sbx-wsc-key-0000000000000000-2002002")
    assert sandbox.client_headers() == {} and sandbox.client_headers(1) == {}
    for site in (2, -1):
        with pytest.raises(UsageError, match="no site"):
            sandbox.credentials(site)
        with pytest.raises(UsageError):
            sandbox.client_headers(site)


def test_demo_credentials_are_sandbox_values_not_the_vendor_sample_key() -> None:
    for account in ACCOUNTS:
        assert hashlib.sha256(account.password.encode()).hexdigest() != VENDOR_SAMPLE_KEY_SHA256
        assert account.password.startswith("sbx-")


def test_every_fault_names_one_distinct_vendor_judged_rule_of_the_catalogue() -> None:
    faults = WestconSoapSandbox.faults
    assert len({fault.rule for fault in faults.values()}) == len(faults)
    for name, fault in faults.items():
        assert isinstance(fault, Fault) and fault.name == name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert fault.rule in RULES_BY_ID, f"{name}: {fault.rule} is not in rules.yaml"
        assert RULES_BY_ID[fault.rule].get("judged", ["vendor"]) != ["client"], (
            f"{name} breaks a client-only rule"
        )
        assert fault.description and "\n" not in fault.description


def test_broken_rule_and_has() -> None:
    assert WestconSoapSandbox().broken_rule is None
    sandbox = WestconSoapSandbox("serials-always")
    assert sandbox.broken_rule == "WESTCON_SOAP-RES-008"
    assert sandbox.has("serials-always") and not sandbox.has("wrong-content-type")
    with pytest.raises(KeyError):
        sandbox.has("typo")


# ── each fault: its misbehaviour is present, and absent from the faithful sandbox ────────────


def _accepted(response: httpx.Response) -> bool:
    return response.status_code == 200


def _long_account(api: Api) -> bool:
    long = "1" * 11
    response = api.call(account=long, user=long, password=PASSWORD)
    return _accepted(response) and orders_of(response) is None


def _unknown_type_read_as_w(api: Api) -> bool:
    response = api.call(kind="X", numbers=("704571",))
    return _accepted(response) and erp_numbers(response) == ["0000704571"]


def _empty_orders(api: Api) -> bool:
    response = api.call(numbers=())
    return _accepted(response) and orders_of(response) is None


def _no_token(api: Api) -> bool:
    response = api.post(SAMPLE_REQUEST)
    return _accepted(response) and erp_numbers(response) == ["0000704571"]


def _mismatch(api: Api) -> bool:
    response = api.call(account="2002002", numbers=("800200",))
    return _accepted(response) and erp_numbers(response) == ["0000800200"]


def _serials_unasked(api: Api) -> bool:
    (order,) = orders_of(api.call(numbers=("543814",))) or []
    return serial_entries(order)[0] != []


def _empty_faultstring(api: Api) -> bool:
    response = api.post(signed(password="wrong"))
    fault = root_of(response).find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    return (
        response.status_code == 500
        and fault.findtext("faultcode") == "s:Client"
        and fault.findtext("faultstring") == ""
    )


def _order_errors(api: Api) -> bool:
    response = api.post(signed())
    (order,) = orders_of(response) or []
    errors = order.findall(f"{B('Errors')}/{B('Error')}")
    pairs = [(e.findtext(B("ErrorNo")), e.findtext(B("ErrorDetail"))) for e in errors]
    return pairs == [("0", "none")] and xsd_errors(response) == []


FAULT_PROBES: dict[str, Callable[[Api], bool]] = {
    "accepts-long-account-number": _long_account,
    "accepts-unknown-order-type": _unknown_type_read_as_w,
    "accepts-long-order-number": lambda a: _accepted(a.call(numbers=("7" * 36, "704571"))),
    "accepts-empty-orders": _empty_orders,
    "ignores-missing-token": _no_token,
    "ignores-account-mismatch": _mismatch,
    "serials-always": _serials_unasked,
    "fault-without-reason": _empty_faultstring,
    "order-level-errors": _order_errors,
    # 704571 is a Westcon order number: without OrderNumberType it is found only when read as one
    "default-type-customer": lambda a: erp_numbers(a.call(kind=None, numbers=("704571",))) == [],
    "accepts-wrong-password": lambda a: _accepted(a.call(password="wrong")),
}


# faults derived from their rules: every scenario run, the engine fails the rule
FAULT_PROBES.update(
    derived_probes(WestconSoapSandbox.faults, lambda api: (run_scenarios(api), api.failed_rules())[1])
)


test_every_fault_has_a_probe, test_fault_misbehaves_and_the_faithful_sandbox_does_not = probe_tests(
    WestconSoapSandbox.faults, FAULT_PROBES, Api
)


# faults on a rule no check reads (a behaviour the suite's tests assert) are proven by the fault
# self-test alone (tests/test_fault_detection.py)
CHECKED_FAULTS = sorted(
    name for name, f in WestconSoapSandbox.faults.items() if RULES_BY_ID[f.rule].get("check")
)


@pytest.mark.parametrize("fault", CHECKED_FAULTS)
def test_the_engine_sees_the_fault_on_its_rule_and_nowhere_else(fault: str) -> None:
    api = Api(fault)
    FAULT_PROBES[fault](api)
    # GETs are judged too: the content-type fault shows there as well.
    run_scenarios(api)
    assert api.failed_rules() == {WestconSoapSandbox.faults[fault].rule}


def test_missing_token_fault_still_refuses_a_wrong_password() -> None:
    api = Api("ignores-missing-token")
    body = SAMPLE_REQUEST.replace(
        b"<soapenv:Body>",
        f'<soapenv:Header><o:Security xmlns:o="{WSSE}"><o:UsernameToken><o:Password>wrong</o:Password>'
        "</o:UsernameToken></o:Security></soapenv:Header><soapenv:Body>".encode(),
    )
    _, text = fault_of(api.post(body))
    assert text.startswith("Authentication failed")
    assert fault_of(api.post(signed(password="wrong")))[1].startswith("Authentication failed")
    # The account must still match the user it stands for.
    assert fault_of(api.post(request_envelope(account="2002002")))[1].startswith("Authentication failed")


def test_long_account_fault_still_refuses_unknown_short_users_and_wrong_passwords() -> None:
    api = Api("accepts-long-account-number")
    assert fault_of(api.call(account="9999999", user="9999999", password=PASSWORD))[1].startswith(
        "Authentication failed"
    )
    long = "1" * 11
    assert fault_of(api.call(account=long, user=long, password="wrong"))[1].startswith(
        "Authentication failed"
    )
    # An 11-character account under a 7-character user is still a mismatch.
    assert fault_of(api.call(account=long))[1].startswith("Authentication failed")


def test_start_in_thread_runs_the_fault() -> None:
    url, stop = start_in_thread("westcon_soap", fault="metadata-operation-type")
    try:
        response = httpx.post(
            f"{url}{SERVICE_PATH}", content=signed(), headers={"Content-Type": "text/xml"}, timeout=10
        )
        assert response.status_code == 200
        assert b"<b:OperationType>OrderStatus</b:OperationType>" not in response.content  # the rewrite acts
    finally:
        stop()


def test_a_rule_left_unenforced_excuses_only_its_own_xsd_errors() -> None:
    api = Api("accepts-long-order-number")
    assert _accepted(api.call(numbers=("7" * 36, "704571")))
    _, reason = fault_of(api.call(kind="X", numbers=("7" * 36,)))
    assert "OrderNumberType" in reason and "OrderNumber)" not in reason
    _, faithful = fault_of(Api().call(kind="X", numbers=("7" * 36,)))
    assert "OrderNumberType" in faithful and "Order/OrderNumber)" in faithful
