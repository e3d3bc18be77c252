"""Static checks on the Westcon Order Status SOAP contract (src/b2bconform/apis/westcon_soap/contract).

No network and no b2bconform import: zeep loads the WSDL from local files only (any remote load
fails the test), xmlschema loads the XSDs, and the vendor's own samples stored next to them are
validated. Where the document's tables and its samples disagree, the test names the discrepancy.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml
import zeep
from lxml import etree
from zeep.transports import Transport

from vendor_documents import vendor_doc

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_DIR = ROOT / "src" / "b2bconform" / "apis" / "westcon_soap" / "contract"
WSDL_PATH = CONTRACT_DIR / "OrderStatus.wsdl"
XSD_PATH = CONTRACT_DIR / "OrderStatus.xsd"
EXAMPLES_DIR = CONTRACT_DIR / "examples"
INDEX_PATH = EXAMPLES_DIR / "index.yaml"
VENDOR_DOC_NAME = "001_2b4e72c753f32ece.txt"

TEMPURI = "http://tempuri.org/"
REQ_NS = "http://schemas.datacontract.org/2004/07/Westcon.B2B.WebServices.OrderStatus.Contracts.Request"
RESP_NS = "http://schemas.datacontract.org/2004/07/Westcon.B2B.WebServices.OrderStatus.Contracts.Response"
SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
SOAP_ACTION = "http://tempuri.org/IOrderStatus/GetOrderStatus"
QA_ADDRESS = "https://webservicetest.westcon.com/B2B/OrderStatus/v2/OrderStatus.svc"

# SHA-256 of the sample authentication key printed in the vendor document (5.1). The key itself is
# never written into the repository: this test only compares digests.
SAMPLE_KEY_SHA256 = "7bb6278b70b0672cc86d8617a077c26a1bc3341dc48c43fa0898cf3b9ebb9a20"
SAMPLE_KEY_LENGTH = 36

# Places where the document's tables and its samples disagree; the contract follows the samples.
DISCREPANCIES = {
    "return-serial-true": '3.1 gives "TRUE" as the example of ReturnSerialNumberAndMACAddress (boolean); '
    "xs:boolean only accepts true/false/1/0",
    "return-serial-required": "3.1 marks ReturnSerialNumberAndMACAddress Required; the 4.2.2 sample request omits it",
    "promised-date-format": "3.2 types PromisedDeliveryDate as date with example 20131201; "
    "the 4.2.3 sample sends 2016-05-31T00:00:00",
}


def R(name: str) -> str:
    return f"{{{REQ_NS}}}{name}"


def S(name: str) -> str:
    return f"{{{RESP_NS}}}{name}"


def T(name: str) -> str:
    return f"{{{TEMPURI}}}{name}"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD_PATH))


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Transport, url: str, timeout: Any = None) -> bytes:
        raise AssertionError(f"zeep tried to fetch {url}: the contract must load from local files only")

    monkeypatch.setattr(Transport, "_load_remote_data", refuse)


@pytest.fixture
def client(offline: None) -> zeep.Client:
    return zeep.Client(str(WSDL_PATH))


def _sample_request() -> etree._ElementTree:
    return etree.parse(str(EXAMPLES_DIR / "request.sample.xml"))


def _sample_response() -> etree._ElementTree:
    return etree.parse(str(EXAMPLES_DIR / "response.sample.xml"))


def _request_wos(tree: etree._ElementTree) -> etree._Element:
    wos = tree.getroot().find(
        f"{{{SOAP11_ENV}}}Body/{T('GetOrderStatus')}/{T('request')}/{R('WestconOrderStatus')}"
    )
    assert wos is not None
    return wos


def _response_wrapper(tree: etree._ElementTree) -> etree._Element:
    wrapper = tree.getroot().find(f"{{{SOAP12_ENV}}}Body/{T('GetOrderStatusResponse')}")
    assert wrapper is not None
    return wrapper


def _result_declaration(schema: xmlschema.XMLSchema) -> Any:
    declaration = schema.elements["GetOrderStatusResponse"].type.content[0]
    assert declaration.name == T("GetOrderStatusResult")
    return declaration


def _path(element: etree._Element) -> list[str]:
    names = []
    node: etree._Element | None = element
    while node is not None:
        names.append(etree.QName(node).localname)
        node = node.getparent()
    return names[::-1]


# --- WSDL -------------------------------------------------------------------------------------------


def test_zeep_loads_the_wsdl_offline_and_exposes_get_order_status(client: zeep.Client) -> None:
    service = client.wsdl.services["OrderStatus"]
    port = service.ports["BasicHttpBinding_IOrderStatus"]
    assert port.binding_options["address"] == QA_ADDRESS
    assert client.service._binding_options["address"] == QA_ADDRESS
    binding = port.binding
    assert type(binding).__name__ == "Soap11Binding"
    assert binding.port_name == etree.QName(TEMPURI, "IOrderStatus")
    operation = binding.get("GetOrderStatus")
    assert operation.soapaction == SOAP_ACTION
    assert operation.style == "document"
    assert operation.input.body.qname == etree.QName(TEMPURI, "GetOrderStatus")
    assert operation.output.body.qname == etree.QName(TEMPURI, "GetOrderStatusResponse")
    assert callable(client.service.GetOrderStatus)


def test_wsdl_imports_are_local_files() -> None:
    wsdl = etree.parse(str(WSDL_PATH))
    locations = wsdl.xpath("//@schemaLocation")
    for xsd in CONTRACT_DIR.glob("*.xsd"):
        locations += etree.parse(str(xsd)).xpath("//@schemaLocation")
    assert locations
    for location in locations:
        assert "://" not in location, location
        assert (CONTRACT_DIR / location).is_file(), location


def test_zeep_builds_the_request_with_the_sample_layout(
    client: zeep.Client, schema: xmlschema.XMLSchema
) -> None:
    envelope = client.create_message(
        client.service,
        "GetOrderStatus",
        request={
            "WestconOrderStatus": {
                "CustomerAccountNumber": "1001065",
                "OrderNumberType": "W",
                "Orders": {"Order": [{"OrderNumber": "704571"}]},
            }
        },
    )
    assert etree.QName(envelope).namespace == SOAP11_ENV
    built = envelope.find(
        f"{{{SOAP11_ENV}}}Body/{T('GetOrderStatus')}/{T('request')}/{R('WestconOrderStatus')}"
    )
    assert built is not None
    sample = _request_wos(_sample_request())
    assert [e.tag for e in built.iter()] == [e.tag for e in sample.iter() if isinstance(e.tag, str)]
    schema.validate(built)


def test_zeep_reads_the_sample_response_body(client: zeep.Client) -> None:
    element = client.get_element(T("GetOrderStatusResponse"))
    result = element.parse(_response_wrapper(_sample_response()), client.wsdl.types)
    order = result.GetOrderStatusResult.Orders.Order[0]
    assert order.OrderType == "ZOR"
    assert order.OrderLines.OrderLine[0].LineQuantity == "         1.000"
    assert order.OrderLines.OrderLine[0].ScheduleLines.ScheduleLine[0].WestconScheduleLineNumber == "0001"


# --- XSD and the vendor's samples -------------------------------------------------------------------


def test_xsd_loads_with_all_three_namespaces(schema: xmlschema.XMLSchema) -> None:
    assert schema.target_namespace == TEMPURI
    assert {"GetOrderStatus", "GetOrderStatusResponse"} <= set(schema.elements)
    assert R("WestconOrderStatus") in schema.maps.elements
    assert S("WestconOrderStatus") in schema.maps.types


def test_sample_request_paths() -> None:
    wos = _request_wos(_sample_request())
    assert _path(wos) == ["Envelope", "Body", "GetOrderStatus", "request", "WestconOrderStatus"]


def test_sample_response_paths() -> None:
    order = _response_wrapper(_sample_response()).find(
        f"{T('GetOrderStatusResult')}/{S('Orders')}/{S('Order')}"
    )
    assert order is not None
    assert _path(order) == [
        "Envelope",
        "Body",
        "GetOrderStatusResponse",
        "GetOrderStatusResult",
        "Orders",
        "Order",
    ]


def test_sample_request_validates(schema: xmlschema.XMLSchema) -> None:
    # discrepancy "return-serial-required": valid only because the element is optional here
    wos = _request_wos(_sample_request())
    assert wos.find(R("ReturnSerialNumberAndMACAddress")) is None
    schema.validate(wos)
    schema.validate(wos.getparent().getparent())  # the whole tempuri GetOrderStatus wrapper


def test_sample_response_result_validates(schema: xmlschema.XMLSchema) -> None:
    wrapper = _response_wrapper(_sample_response())
    result = wrapper.find(T("GetOrderStatusResult"))
    assert result is not None
    errors = list(_result_declaration(schema).iter_errors(result))
    assert errors == []
    schema.validate(wrapper)


# --- request rejections -----------------------------------------------------------------------------


def _mutated_request(mutate: Any) -> etree._Element:
    wos = copy.deepcopy(_request_wos(_sample_request()))
    mutate(wos)
    return wos


def _set_text(path: str, value: str) -> Any:
    def mutate(wos: etree._Element) -> None:
        node = wos.find(path)
        assert node is not None
        node.text = value

    return mutate


def _insert_return_serial(value: str) -> Any:
    def mutate(wos: etree._Element) -> None:
        node = etree.Element(R("ReturnSerialNumberAndMACAddress"))
        node.text = value
        order_number_type = wos.find(R("OrderNumberType"))
        assert order_number_type is not None
        order_number_type.addnext(node)

    return mutate


def _empty_orders(wos: etree._Element) -> None:
    orders = wos.find(R("Orders"))
    assert orders is not None
    for child in list(orders):
        orders.remove(child)


REJECTED_REQUESTS = {
    "CustomerAccountNumber of 11 characters": _set_text(R("CustomerAccountNumber"), "1" * 11),
    'OrderNumberType "X"': _set_text(R("OrderNumberType"), "X"),
    "OrderNumber of 36 characters": _set_text(f"{R('Orders')}/{R('Order')}/{R('OrderNumber')}", "7" * 36),
    "Orders without Order": _empty_orders,
    'ReturnSerialNumberAndMACAddress "TRUE" (discrepancy return-serial-true)': _insert_return_serial("TRUE"),
}


@pytest.mark.parametrize("mutate", REJECTED_REQUESTS.values(), ids=REJECTED_REQUESTS.keys())
def test_request_rejected(schema: xmlschema.XMLSchema, mutate: Any) -> None:
    assert not schema.is_valid(_mutated_request(mutate))


@pytest.mark.parametrize(
    "mutate",
    [
        _set_text(R("CustomerAccountNumber"), "1" * 10),
        _set_text(R("OrderNumberType"), "C"),
        _set_text(f"{R('Orders')}/{R('Order')}/{R('OrderNumber')}", "7" * 35),
        _insert_return_serial("true"),
        _insert_return_serial("false"),
    ],
    ids=["account 10", "type C", "order 35", "serial true", "serial false"],
)
def test_request_boundary_accepted(schema: xmlschema.XMLSchema, mutate: Any) -> None:
    schema.validate(_mutated_request(mutate))


def test_discrepancy_return_serial_true_is_not_an_xs_boolean(schema: xmlschema.XMLSchema) -> None:
    assert "TRUE" in DISCREPANCIES["return-serial-true"]
    assert not schema.is_valid(_mutated_request(_insert_return_serial("TRUE")))
    assert schema.is_valid(_mutated_request(_insert_return_serial("true")))


# --- response rejections ----------------------------------------------------------------------------


def _result_with(path: str, value: str) -> etree._Element:
    result = copy.deepcopy(_response_wrapper(_sample_response()).find(T("GetOrderStatusResult")))
    assert result is not None
    node = result.find(path)
    assert node is not None
    node.text = value
    return result


ORDER = f"{S('Orders')}/{S('Order')}"
SCHEDULE_LINE = f"{ORDER}/{S('OrderLines')}/{S('OrderLine')}/{S('ScheduleLines')}/{S('ScheduleLine')}"


def test_response_order_type_outside_enum_rejected(schema: xmlschema.XMLSchema) -> None:
    declaration = _result_declaration(schema)
    assert declaration.is_valid(_result_with(f"{ORDER}/{S('OrderType')}", "ZRE"))
    assert not declaration.is_valid(_result_with(f"{ORDER}/{S('OrderType')}", "ZXX"))


def test_discrepancy_promised_delivery_date_table_format_rejected(schema: xmlschema.XMLSchema) -> None:
    assert "20131201" in DISCREPANCIES["promised-date-format"]
    declaration = _result_declaration(schema)
    assert not declaration.is_valid(_result_with(f"{SCHEDULE_LINE}/{S('PromisedDeliveryDate')}", "20131201"))


# --- examples index and vendor text -----------------------------------------------------------------


def test_examples_index() -> None:
    index = yaml.safe_load(INDEX_PATH.read_text(encoding="utf-8"))
    assert {entry["file"] for entry in index} == {"request.sample.xml", "response.sample.xml"}
    sections = {entry["file"]: entry["source"]["section"] for entry in index}
    assert sections == {
        "request.sample.xml": "4.2.2 Sample Request",
        "response.sample.xml": "4.2.3  Sample Response",
    }
    for entry in index:
        assert entry["operation"] == "GetOrderStatus"
        assert entry["source"]["file"] == VENDOR_DOC_NAME
        assert (EXAMPLES_DIR / entry["file"]).read_text(encoding="utf-8").endswith("\n")
    response = next(entry for entry in index if entry["file"] == "response.sample.xml")
    assert any("line break" in artefact for artefact in response["artefacts"])


def _vendor_text() -> str:
    return vendor_doc(VENDOR_DOC_NAME).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "start", "end"),
    [
        ("request.sample.xml", "<soapenv:Envelope", "</soapenv:Envelope>"),
        ("response.sample.xml", "<s:Envelope", "</s:Envelope>"),
    ],
)
def test_examples_are_the_vendor_text_with_only_line_joins(file: str, start: str, end: str) -> None:
    text = _vendor_text()
    block = text[text.index(start) : text.index(end) + len(end)]
    example = (EXAMPLES_DIR / file).read_text(encoding="utf-8").rstrip(" \n")
    assert example.replace("\n", "") == block.replace("\n", "")
    assert example.count("\n") < block.count("\n")


def test_headings_in_index_are_the_documents() -> None:
    text = _vendor_text()
    toc = {line.strip() for line in text.splitlines() if line.startswith("\t")}
    assert {"4.2.2 Sample Request", "4.2.3  Sample Response"} <= toc


def _contract_files() -> Iterator[Path]:
    yield from (path for path in sorted(CONTRACT_DIR.rglob("*")) if path.is_file())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_sample_authentication_key_not_in_contract() -> None:
    for path in _contract_files():
        content = path.read_text(encoding="utf-8")
        for run in re.findall(rf"[A-Za-z0-9]{{{SAMPLE_KEY_LENGTH},}}", content):
            windows = {run[i : i + SAMPLE_KEY_LENGTH] for i in range(len(run) - SAMPLE_KEY_LENGTH + 1)}
            assert SAMPLE_KEY_SHA256 not in {_digest(w) for w in windows}, f"sample key copied into {path}"


def test_sample_authentication_key_digest_matches_the_document() -> None:
    text = _vendor_text()
    after = text[text.index("Authentication Key") :]
    match = re.search(rf"\b[A-Za-z0-9]{{{SAMPLE_KEY_LENGTH}}}\b", after)
    assert match is not None
    key = match.group(0)
    assert _digest(key) == SAMPLE_KEY_SHA256
    for path in _contract_files():
        assert key not in path.read_text(encoding="utf-8"), f"sample key copied into {path}"
