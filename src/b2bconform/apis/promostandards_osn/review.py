"""The PromoStandards Order Shipment Notification 2.0.0 examples (the harness's own, written from the
public specification) as exchanges: SOAP 1.1 calls to the WSDL's placeholder address, with the
binding's SOAPAction; a request judged alone is answered with the shipped answer."""

from __future__ import annotations

from pathlib import Path

from b2bconform.review.examples import ExampleSet, load_examples
from b2bconform.review.model import ExampleCase
from b2bconform.review.soap import SOAP_11, soap_cases, soap_judging_schema

__all__ = ["API", "JUDGING_SCHEMA", "URL", "cases", "load"]

API = "promostandards_osn"
URL = "https://supplier.example/osn/2.0.0"  # the WSDL's soap:address
HEADERS = {**SOAP_11, "SOAPAction": '"getOrderShipmentNotification"'}
REPLY = "response.shipped.xml"
JUDGING_SCHEMA = soap_judging_schema()


def load(contracts_dir: Path | None = None) -> ExampleSet:
    return load_examples(API, JUDGING_SCHEMA, contracts_dir)


def cases(examples: ExampleSet) -> list[ExampleCase]:
    return soap_cases(examples, URL, REPLY, HEADERS)
