"""The SOAP 1.1 messages the sandbox sends: the GetOrderStatus result (after 4.2.3) and faults."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from b2bconform.apis.westcon_soap.sandbox.orders import STATUS_DESCRIPTIONS, Line, Order, Schedule
from b2bconform.sandboxes.contract_soap import fault_envelope

__all__ = [
    "REQ_NS",
    "RESP_NS",
    "SOAP11_NS",
    "SYSTEM_ERROR_DETAIL",
    "TEMPURI",
    "XSI_NS",
    "ErrorEntry",
    "RenderOptions",
    "fault_envelope",
    "result_envelope",
]

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
TEMPURI = "http://tempuri.org/"
REQ_NS = "http://schemas.datacontract.org/2004/07/Westcon.B2B.WebServices.OrderStatus.Contracts.Request"
RESP_NS = "http://schemas.datacontract.org/2004/07/Westcon.B2B.WebServices.OrderStatus.Contracts.Response"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

SYSTEM_ERROR_DETAIL = "System Error. Please try again"  # 3.2's example of ErrorDetail

# WestconMetadata as the sample response carries it (only the TimeStamp varies).
_METADATA = (
    ("Culture", "2000"),
    ("OperationType", "OrderStatus"),
    ("SourceSystem", "B2BWEB"),
    ("TimeStamp", None),
    ("TransactionID", "SI_WestconOrderStatus_Out"),
)
_NIL = f"{{{XSI_NS}}}nil"


@dataclass(frozen=True)
class ErrorEntry:
    number: str
    detail: str


def _describe(code: str) -> str:
    return STATUS_DESCRIPTIONS.get(code, "")


@dataclass(frozen=True)
class RenderOptions:
    """How a result is written; each fault on the response side switches one of these."""

    serials: bool = False  # the request asked for serial numbers and MAC addresses
    order_errors: Sequence[ErrorEntry] = ()  # inside each Order: nil when empty


def _envelope() -> tuple[Any, Any]:
    envelope = etree.Element(f"{{{SOAP11_NS}}}Envelope", nsmap={"s": SOAP11_NS})
    return envelope, etree.SubElement(envelope, f"{{{SOAP11_NS}}}Body")


def _serialize(envelope: Any) -> bytes:
    data: bytes = etree.tostring(envelope, xml_declaration=False, encoding="utf-8")
    return data


def _b(parent: Any, name: str, text: str | None = None, *, nil: bool = False) -> Any:
    element = etree.SubElement(parent, f"{{{RESP_NS}}}{name}")
    if nil:
        element.set(_NIL, "true")
    elif text is not None:
        element.text = text
    return element


def _quantity(value: Decimal) -> str:
    """Right-aligned in 14 characters with three decimals, as the sample sends ("         1.000")."""
    return f"{value:14.3f}"


def _errors(parent: Any, entries: Sequence[ErrorEntry]) -> None:
    if not entries:
        _b(parent, "Errors", nil=True)
        return
    errors = _b(parent, "Errors")
    for entry in entries:
        error = _b(errors, "Error")
        _b(error, "ErrorNo", entry.number)  # 3.2 table order
        _b(error, "ErrorDetail", entry.detail)


def _schedule(parent: Any, schedule: Schedule, options: RenderOptions) -> None:
    element = _b(parent, "ScheduleLine")
    _b(element, "PromisedDeliveryDate", schedule.delivery.strftime("%Y-%m-%dT00:00:00"))
    _b(element, "PromisedQuantity", _quantity(schedule.quantity))
    _b(element, "PurchasingDocumentNumber", nil=True)
    if schedule.status is not None:
        _b(element, "ScheduleLineStatusCode", schedule.status)
        _b(element, "ScheduleLineStatusDescription", _describe(schedule.status))
    _b(element, "VendorSONumber", nil=True)
    _b(element, "WestconScheduleLineNumber", schedule.number)


def _line(parent: Any, line: Line, options: RenderOptions) -> None:
    element = _b(parent, "OrderLine")
    _b(element, "CustomerLineNumber", nil=True)
    _b(element, "ERPOrderLineNumber", line.number)
    _b(element, "ERPProductNumber", line.product)
    _b(element, "LineQuantity", _quantity(line.quantity))
    _b(element, "LineStatusCode", line.status)
    _b(element, "LineStatusDescription", _describe(line.status))
    schedules = _b(element, "ScheduleLines")
    for schedule in line.schedules:
        _schedule(schedules, schedule, options)
    serials = _b(element, "SerialNumbersandMACAddresses")  # empty unless asked for (as in the sample)
    for serial in line.serials if options.serials else ():
        entry = _b(serials, "SerialNumbersandMACAddress")
        _b(entry, "ProductSerialNumber", serial.serial_number)  # 3.2 table order
        _b(entry, "ProductMACAddress", serial.mac_address)
    _b(element, "TrackingInfos", nil=True)
    _b(element, "UnitOfMeasure", line.unit)


def _order(parent: Any, order: Order, customer_number: str, options: RenderOptions) -> None:
    element = _b(parent, "Order")
    _b(element, "CustomerNumber", customer_number)
    _b(element, "CustomerOrderNumber", order.customer_number)
    _b(element, "ERPOrderNumber", order.padded_erp_number)
    _errors(element, options.order_errors)
    _b(element, "HeaderStatusCode", order.status)
    _b(element, "HeaderStatusDescription", _describe(order.status))
    lines = _b(element, "OrderLines")
    for line in order.lines:
        _line(lines, line, options)
    _b(element, "OrderType", order.order_type)


def result_envelope(
    orders: Sequence[Order] | None,
    customer_number: str,
    now: datetime,
    options: RenderOptions,
    errors: Sequence[ErrorEntry] = (),
) -> bytes:
    """The 200 answer: GetOrderStatusResponse/GetOrderStatusResult, laid out as the sample response.

    ``orders`` None writes Orders nil; ``errors`` fills the result-level Errors (system errors only).
    """
    envelope, body = _envelope()
    response = etree.SubElement(body, f"{{{TEMPURI}}}GetOrderStatusResponse", nsmap={None: TEMPURI})
    result = etree.SubElement(
        response, f"{{{TEMPURI}}}GetOrderStatusResult", nsmap={"b": RESP_NS, "i": XSI_NS}
    )
    metadata = _b(result, "WestconMetadata")
    for name, value in _METADATA:
        if name == "TimeStamp":
            value = now.strftime("%Y-%m-%dT%H:%M:%S")
        _b(metadata, name, value)
    if orders is None:
        _b(result, "Orders", nil=True)
    else:
        block = _b(result, "Orders")
        for order in orders:
            _order(block, order, customer_number, options)
    _b(result, "Exception", nil=True)
    _errors(result, errors)
    return _serialize(envelope)
