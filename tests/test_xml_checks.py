"""XML/SOAP checks: each shown failing, holding and (where it can) not applying."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from b2bconform.engine.checks import CheckContext, Outcome, get_check
from b2bconform.engine.documents import parse_document
from b2bconform.engine.model import Direction, Exchange, Headers, Request, Response, Severity
from b2bconform.engine.rules import Rule, Source

LISTS = frozenset({"Order", "OrderLine"})
ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def envelope(body: str, header: str = "") -> bytes:
    return f'<s:Envelope xmlns:s="{ENV}"><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>'.encode()


def query(
    account: str = "1001065",
    numbers: tuple[str, ...] = ("704571",),
    serials: str | None = None,
    user: str = "1001065",
) -> bytes:
    flag = f"<ReturnSerialNumberAndMACAddress>{serials}</ReturnSerialNumberAndMACAddress>" if serials else ""
    orders = "".join(f"<Order><OrderNumber>{n}</OrderNumber></Order>" for n in numbers)
    security = f"<Security><UsernameToken><Username>{user}</Username></UsernameToken></Security>"
    return envelope(
        f"<GetOrderStatus><request><WestconOrderStatus><CustomerAccountNumber>{account}</CustomerAccountNumber>"
        f"<OrderNumberType>W</OrderNumberType>{flag}<Orders>{orders}</Orders></WestconOrderStatus></request></GetOrderStatus>",
        security,
    )


def answer(orders: str) -> bytes:
    return envelope(
        f"<GetOrderStatusResponse><GetOrderStatusResult><Orders>{orders}</Orders></GetOrderStatusResult></GetOrderStatusResponse>"
    )


def order(
    number: str = "0000704571", code: str = "22", description: str = "Sales Review", extra: str = ""
) -> str:
    return (f"<Order><ERPOrderNumber>{number}</ERPOrderNumber><HeaderStatusCode>{code}</HeaderStatusCode>"
            f"<HeaderStatusDescription>{description}</HeaderStatusDescription>{extra}</Order>")  # fmt: skip


def run(
    name: str,
    params: dict[str, Any],
    sent: bytes,
    received: bytes | None,
    *,
    side: str = "response",
    root: Path | None = None,
) -> Outcome:
    rule = Rule(
        id="DEMO-XML-001", statement="A rule that exercises one check.", source=Source("demo.txt", "Checks"),
        direction=Direction.REQUEST if side == "request" else Direction.RESPONSE, severity=Severity.NORMAL,
        kind="test", check=name, params=params,
    )  # fmt: skip
    exchange = Exchange(
        api="demo",
        request=Request("POST", "https://x/svc", Headers({"Content-Type": "text/xml"}), sent),
        response=Response(
            200 if received is not None else 500, Headers({"Content-Type": "text/xml"}), received or b""
        ),
    )
    context = CheckContext(rule=rule, exchange=exchange, list_elements=LISTS, contract_root=root, xml=True)
    return get_check(name)(context, **params)


SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://www.w3.org/2005/08/addressing"


def soap12(header: str, body: str = "<GetOrderStatusResponse/>") -> bytes:
    """A SOAP 1.2 answer with WS-Addressing headers (prefix wsa)."""
    return (f'<s:Envelope xmlns:s="{SOAP12}" xmlns:wsa="{WSA}"><s:Header>{header}</s:Header>'
            f"<s:Body>{body}</s:Body></s:Envelope>").encode()  # fmt: skip


ORDERS = "/Envelope/Body/GetOrderStatusResponse/GetOrderStatusResult/Orders/Order"
TABLE = {"22": "Sales Review", "71": "Released"}
XSD = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="CustomerAccountNumber"><xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="10"/></xs:restriction></xs:simpleType></xs:element>
</xs:schema>"""


def test_xml_bodies_become_trees_of_local_names_with_lists_for_repeating_elements() -> None:
    tree = parse_document(query(numbers=("1",)), LISTS)
    orders = tree["Envelope"]["Body"]["GetOrderStatus"]["request"]["WestconOrderStatus"]["Orders"]["Order"]
    assert orders == [{"OrderNumber": "1"}]


def test_nil_elements_read_as_none() -> None:
    body = b'<a xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><b i:nil="true"/><c/></a>'
    assert parse_document(body) == {"a": {"b": None, "c": ""}}


# (check, params, request body, response body, side, needs xsd) — each breaks its check
BREAKING_XML = [
    pytest.param("xsd_valid", {"schema": "demo.xsd", "element": "CustomerAccountNumber"}, query(account="12345678901"), None, "request", True, id="xsd_valid-too-long"),
    pytest.param("soap_fault", {}, query(), answer(order()), "response", False, id="soap_fault-no-fault"),
    pytest.param("code_table", {"path": f"{ORDERS}/*", "code": "HeaderStatusCode", "description": "HeaderStatusDescription", "table": TABLE},
                 query(), answer(order(code="71", description="Invoiced")), "response", False, id="code_table-wrong-description"),
    pytest.param("only_when_asked", {"path": f"{ORDERS}/*/Serials", "request_path": "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/ReturnSerialNumberAndMACAddress", "yes": ["true", "1"]},
                 query(serials="false"), answer(order(extra="<Serials><S>1</S></Serials>")), "response", False, id="only_when_asked-serials-unasked"),
    pytest.param("fields_equal", {"path": "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/CustomerAccountNumber", "other_path": "/Envelope/Header/Security/UsernameToken/Username"},
                 query(account="1001065", user="2002002"), None, "request", False, id="fields_equal-account-not-username"),
    pytest.param("matches_request", {"path": f"{ORDERS}/*/ERPOrderNumber", "request_path": "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/Orders/Order/*/OrderNumber"},
                 query(numbers=("704571",)), answer(order(number="0000543814")), "response", False, id="matches_request-unqueried-order"),
    pytest.param("xml_envelope", {}, b"<notsoap/>", None, "request", False, id="xml_envelope-no-envelope"),
    pytest.param("present", {"path": "/Envelope/Header/Security/UsernameToken/Username"}, envelope("<GetOrderStatus/>"), None, "request", False, id="present-no-token"),
    pytest.param("soap12_addressing", {"header": "Action", "value": "urn:done"}, query(), soap12("<wsa:Action>urn:other</wsa:Action>"), "response", False, id="soap12_addressing-wrong-action"),
    pytest.param("text_matches", {"path": "/Envelope/Header/Security/UsernameToken/Username", "regex": "[0-9]{7}"}, query(user="abc"), None, "request", False, id="text_matches-not-digits"),
]  # fmt: skip
XML_CHECKS = {
    "xsd_valid",
    "soap_fault",
    "code_table",
    "only_when_asked",
    "fields_equal",
    "matches_request",
    "xml_envelope",
    "present",
    "soap12_addressing",
    "text_matches",
}


@pytest.mark.parametrize(("name", "params", "sent", "received", "side", "needs_xsd"), BREAKING_XML)
def test_each_xml_check_reports_a_violation_for_a_message_that_breaks_it(
    name: str,
    params: dict[str, Any],
    sent: bytes,
    received: bytes | None,
    side: str,
    needs_xsd: bool,
    tmp_path: Path,
) -> None:
    if needs_xsd:
        (tmp_path / "demo.xsd").write_text(XSD)
    outcome = run(name, params, sent, received, side=side, root=tmp_path)
    assert outcome, f"{name} held on a message that breaks it"


def test_the_xml_table_covers_every_xml_check() -> None:
    assert {p.values[0] for p in BREAKING_XML} == XML_CHECKS  # type: ignore[union-attr]


def test_xsd_valid_holds_for_a_valid_element_and_does_not_apply_without_one(tmp_path: Path) -> None:
    (tmp_path / "demo.xsd").write_text(XSD)
    params = {"schema": "demo.xsd", "element": "CustomerAccountNumber"}
    assert run("xsd_valid", params, query(), None, side="request", root=tmp_path) == []
    assert (
        run(
            "xsd_valid",
            {"schema": "demo.xsd", "element": "Nope"},
            query(),
            None,
            side="request",
            root=tmp_path,
        )
        is None
    )


def test_xsd_valid_names_the_offending_element_by_its_path(tmp_path: Path) -> None:
    (tmp_path / "demo.xsd").write_text(XSD)
    found = run(
        "xsd_valid",
        {"schema": "demo.xsd", "element": "CustomerAccountNumber"},
        query(account="12345678901"),
        None,
        side="request",
        root=tmp_path,
    )
    assert found and found[0].path.endswith("/WestconOrderStatus/CustomerAccountNumber")
    assert "12345678901" in found[0].received


def test_soap_fault_holds_for_a_11_and_a_12_fault() -> None:
    fault11 = envelope("<Fault><faultcode>s:Client</faultcode><faultstring>denied</faultstring></Fault>")
    fault12 = envelope(
        "<Fault><Code><Value>s:Sender</Value></Code><Reason><Text>denied</Text></Reason></Fault>"
    )
    assert run("soap_fault", {}, query(), fault11) == []
    assert run("soap_fault", {}, query(), fault12) == []


def test_code_table_holds_for_matching_pairs_and_ignores_unknown_codes_when_told() -> None:
    params = {
        "path": f"{ORDERS}/*",
        "code": "HeaderStatusCode",
        "description": "HeaderStatusDescription",
        "table": TABLE,
    }
    assert run("code_table", params, query(), answer(order())) == []
    assert run(
        "code_table", params, query(), answer(order(code="IA", description="x"))
    )  # unknown fails by default
    assert (
        run(
            "code_table",
            {**params, "unknown_codes": "ignore"},
            query(),
            answer(order(code="IA", description="x")),
        )
        == []
    )


def test_code_table_reads_descriptions_broken_across_lines_as_one() -> None:
    params = {
        "path": f"{ORDERS}/*",
        "code": "HeaderStatusCode",
        "description": "HeaderStatusDescription",
        "table": TABLE,
    }
    assert run("code_table", params, query(), answer(order(description="Sales \n Review"))) == []


def test_only_when_asked_holds_when_asked_and_when_nothing_is_returned() -> None:
    params = {
        "path": f"{ORDERS}/*/Serials",
        "request_path": "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/ReturnSerialNumberAndMACAddress",
        "yes": ["true", "1"],
    }
    assert (
        run(
            "only_when_asked",
            params,
            query(serials="true"),
            answer(order(extra="<Serials><S>1</S></Serials>")),
        )
        == []
    )
    assert run("only_when_asked", params, query(serials="false"), answer(order())) == []


def test_fields_equal_holds_with_zero_padding() -> None:
    params = {"path": f"{ORDERS}/*/ERPOrderNumber", "other_path": f"{ORDERS}/*/ERPOrderNumber", "pad_to": 10}
    assert run("fields_equal", params, query(), answer(order())) == []


def test_matches_request_ignores_zero_padding() -> None:
    params = {
        "path": f"{ORDERS}/*/ERPOrderNumber",
        "request_path": "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/Orders/Order/*/OrderNumber",
    }
    assert (
        run("matches_request", params, query(numbers=("704571",)), answer(order(number="0000704571"))) == []
    )


def test_xml_envelope_reports_xml_that_is_not_well_formed_and_holds_for_an_envelope() -> None:
    assert run("xml_envelope", {}, b"<Envelope><Body>", None, side="request")
    assert run("xml_envelope", {}, query(), None, side="request") == []


def test_present_holds_when_the_element_exists() -> None:
    assert (
        run(
            "present",
            {"path": "/Envelope/Header/Security/UsernameToken/Username"},
            query(),
            None,
            side="request",
        )
        == []
    )


def test_matches_request_applies_only_for_the_named_order_number_type() -> None:
    params = {
        "path": f"{ORDERS}/*/ERPOrderNumber",
        "request_path": "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/Orders/Order/*/OrderNumber",
        "if_request_path": "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/OrderNumberType",
        "if_request_in": ["C"],
    }
    assert (
        run("matches_request", params, query(), answer(order(number="0000543814"))) is None
    )  # the query is type W


def test_enum_collapses_white_space_when_told_as_xsd_simple_types_do() -> None:
    path = "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/ReturnSerialNumberAndMACAddress"
    params = {"path": path, "values": ["true", "false", "1", "0"]}
    assert run("enum", params, query(serials=" true"), None, side="request")
    assert (
        run("enum", {**params, "collapse_whitespace": True}, query(serials=" true"), None, side="request")
        == []
    )
    assert run("enum", {**params, "collapse_whitespace": True}, query(serials="TRUE"), None, side="request")


def test_soap_fault_reads_a_reason_with_only_attributes_as_missing() -> None:
    fault = envelope(
        '<Fault><faultcode>s:Client</faultcode><faultstring xml:lang="en-US"></faultstring></Fault>'
    )
    assert run("soap_fault", {}, query(), fault)


ORDERED = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="Result"><xs:complexType><xs:sequence>
    <xs:element name="A" type="xs:string"/><xs:element name="B" type="xs:string"/>
    <xs:element name="List"><xs:complexType><xs:sequence><xs:element name="I" type="xs:string" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""


def test_xsd_valid_any_order_takes_members_in_any_order_and_without_leaves_elements_out(
    tmp_path: Path,
) -> None:
    (tmp_path / "ordered.xsd").write_text(ORDERED)
    swapped = envelope("<Result><B>b</B><A>a</A><List><I>1</I><I>2</I></List></Result>")
    extra = envelope("<Result><Extra>x</Extra><B>b</B><A>a</A><List><I>1</I></List></Result>")
    params: dict[str, Any] = {"schema": "ordered.xsd", "element": "Result"}
    assert run("xsd_valid", params, query(), swapped, root=tmp_path)
    assert run("xsd_valid", {**params, "any_order": True}, query(), swapped, root=tmp_path) == []
    assert run("xsd_valid", {**params, "any_order": True}, query(), extra, root=tmp_path)
    relaxed = {**params, "any_order": True, "without": ["Extra"]}
    assert run("xsd_valid", relaxed, query(), extra, root=tmp_path) == []
    missing = envelope("<Result><B>b</B><List><I>1</I></List></Result>")
    assert run("xsd_valid", relaxed, query(), missing, root=tmp_path)


def test_matches_request_none_holds_only_for_an_answer_about_other_numbers() -> None:
    params = {"path": f"{ORDERS}/*/ERPOrderNumber", "request_path": "/Envelope/Body/GetOrderStatus/request/WestconOrderStatus/Orders/Order/*/OrderNumber", "none": True}  # fmt: skip
    assert (
        run("matches_request", params, query(numbers=("704571",)), answer(order(number="0000543814"))) == []
    )
    mixed = answer(order(number="0000543814") + order(number="0000704571"))
    assert run("matches_request", params, query(numbers=("704571",)), mixed)


def test_soap12_addressing_relates_to_the_request_message_id_and_leaves_soap11_alone() -> None:
    params: dict[str, Any] = {"header": "RelatesTo"}
    with_id = envelope("<GetOrderStatus/>", f'<wsa:MessageID xmlns:wsa="{WSA}">urn:1</wsa:MessageID>')
    assert run("soap12_addressing", params, with_id, soap12("<wsa:RelatesTo>urn:1</wsa:RelatesTo>")) == []
    assert run("soap12_addressing", params, with_id, soap12("<wsa:RelatesTo>urn:2</wsa:RelatesTo>"))
    assert run("soap12_addressing", params, query(), soap12("<wsa:RelatesTo>urn:2</wsa:RelatesTo>")) == []
    assert run("soap12_addressing", params, query(), soap12(""))
    lenient = {**params, "required": "with_message_id"}
    assert run("soap12_addressing", lenient, query(), soap12("")) == []
    assert run("soap12_addressing", lenient, with_id, soap12(""))
    assert run("soap12_addressing", params, query(), answer(order())) is None


def test_text_matches_reads_text_beside_attributes_and_keeps_a_secret_secret() -> None:
    path = "/Envelope/Header/Security/UsernameToken/Password"
    token = '<Security><UsernameToken><Password Type="PasswordText">{}</Password></UsernameToken></Security>'
    params = {"path": path, "regex": ".{36}", "secret": True}
    outcome = run(
        "text_matches", params, envelope("<GetOrderStatus/>", token.format("short-key")), None, side="request"
    )
    assert outcome and outcome[0].received == "9 characters"
    assert run("text_matches", params, envelope("<X/>", token.format("k" * 36)), None, side="request") == []
    assert run("text_matches", params, envelope("<X/>", token.format("***")), None, side="request") is None


# ── XML written back from a changed document (the mutation proofs of SOAP rules) ───────────────

_SAMPLE = (
    b'<s:Envelope xmlns:s="urn:s" xmlns:x="urn:x"><s:Body><x:R><x:A>1</x:A>'
    b"<x:L><x:I>a</x:I></x:L><x:L><x:I>b</x:I></x:L><x:N/></x:R></s:Body></s:Envelope>"
)


def test_xml_written_back_reads_as_the_changed_document_with_its_namespaces() -> None:
    import copy

    from b2bconform.engine.documents import parse_document, xml_with

    lists = frozenset({"L"})
    document = parse_document(_SAMPLE, lists, xml=True)
    changed = copy.deepcopy(document)
    result = changed["Envelope"]["Body"]["R"]
    result["A"] = "2"  # a value changed
    del result["L"][1]["I"]  # a member removed from the second entry
    result["New"] = "z"  # a member added
    result["N"] = None  # nil
    written = xml_with(_SAMPLE, changed, lists)
    assert written is not None
    assert parse_document(written, lists, xml=True) == changed
    assert b"<x:New>z</x:New>" in written and b'xsi:nil="true"' in written
    assert parse_document(_SAMPLE, lists, xml=True) == document  # the original is left as it was


def test_xml_is_not_written_for_a_document_of_another_root_or_a_body_that_is_not_xml() -> None:
    from b2bconform.engine.documents import xml_with

    assert xml_with(_SAMPLE, {"Other": {}}) is None
    assert xml_with(b'{"json": true}', {"json": True}) is None
