"""Every registered check: it reports what breaks its rule, holds when nothing does, and says
"not applicable" (None) when the exchange gives it nothing to judge."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2bconform.engine.checks import CHECKS, CheckContext, Outcome, get_check, validate_params
from b2bconform.engine.model import Direction, Exchange, Headers, Request, Response, Severity, Violation
from b2bconform.engine.rules import Rule, Source

API = "demo"
BASE = "https://partner.example.com"
ORDERS = f"{BASE}/api/v1/orders"
CREATE = "createOrder"
READ = "getOrder"

ORDER: dict[str, Any] = {
    "clientRequest": {
        "requestHeader": {
            "requestReference": "REF-1",
            "externalMessageReference": "EXT-1",
            "dateTimeSent": "2019-02-06T00:00:00Z",
        },
        "item": [
            {"itemId": "1", "sku": "503001", "quantity": {"value": "1", "uom": "EA"}},
            {"itemId": "2", "sku": "503002", "quantity": {"value": "2", "uom": "BX"}},
        ],
    }
}


# ── builders ─────────────────────────────────────────────────────────────────────────────────


def order(**header: Any) -> dict[str, Any]:
    """The sample order with requestHeader members replaced (a value of None removes the member)."""
    document = copy.deepcopy(ORDER)
    for key, value in header.items():
        if value is None:
            document["clientRequest"]["requestHeader"].pop(key, None)
        else:
            document["clientRequest"]["requestHeader"][key] = value
    return document


def encode(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8")


def request(
    document: Any = None,
    *,
    method: str = "POST",
    url: str = ORDERS,
    headers: Mapping[str, str] | None = None,
    raw: bytes | None = None,
) -> Request:
    payload = raw if raw is not None else (encode(document) if document is not None else None)
    return Request(method, url, Headers(headers or {}), payload)


def response(
    document: Any = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    raw: bytes | None = None,
) -> Response:
    payload = raw if raw is not None else (encode(document) if document is not None else b"")
    return Response(
        status, Headers(headers if headers is not None else {"Content-Type": "application/json"}), payload
    )


def exchange(
    sent: Request | None = None,
    received: Response | None = None,
    *,
    operation: str = CREATE,
    index: int | None = None,
    error: str | None = None,
) -> Exchange:
    return Exchange(
        api=API,
        request=sent if sent is not None else request(),
        response=received,
        error=error,
        operation=operation,
        index=index,
    )


def replying(document: Any, *, status: int = 200) -> Exchange:
    """An exchange whose response carries ``document`` (for response rules)."""
    return exchange(request(ORDER), response(document, status=status))


def sending(document: Any, *, status: int = 202) -> Exchange:
    """An exchange whose request carries ``document`` (for request rules)."""
    return exchange(request(document), response({"result": "true"}, status=status))


def make_rule(name: str, params: Mapping[str, Any], side: str) -> Rule:
    return Rule(
        id="DEMO-CHK-001",
        statement="A rule that exercises one check.",
        source=Source("demo.txt", "Checks"),
        direction=Direction.REQUEST if side == "request" else Direction.RESPONSE,
        severity=Severity.NORMAL,
        kind="test",
        check=name,
        params=dict(params),
    )


def run(
    name: str,
    params: Mapping[str, Any],
    subject: Exchange,
    *,
    side: str = "response",
    history: Sequence[Exchange] = (),
    request_violations: Mapping[str, list[Violation]] | None = None,
) -> Outcome:
    """Call the check as the engine does: ``check(ctx, **rule.params)``."""
    assert validate_params(name, params) is None, validate_params(name, params)
    context = CheckContext(
        rule=make_rule(name, params, side),
        exchange=subject,
        history=history,
        request_violations=request_violations or {},
    )
    return get_check(name)(context, **params)


def accepted_create(document: Any, *, request_id: str = "42", index: int | None = None) -> Exchange:
    """An earlier createOrder that the vendor accepted (202)."""
    return exchange(
        request(document), response({"requestId": request_id}, status=202), operation=CREATE, index=index
    )


SOME_VIOLATION = {"DEMO-REQ-001": [Violation("/x", "something", "something else")]}


# ── the table: one breaking exchange per registered check ────────────────────────────────────


@dataclass
class Breaking:
    check: str
    params: dict[str, Any]
    subject: Exchange
    side: str = "response"
    history: tuple[Exchange, ...] = ()
    request_violations: dict[str, list[Violation]] = field(default_factory=dict)

    def run(self) -> Outcome:
        return run(
            self.check,
            self.params,
            self.subject,
            side=self.side,
            history=self.history,
            request_violations=self.request_violations,
        )


BREAKING = [
    pytest.param(
        Breaking(
            "any_group_present",
            {"groups": [["/UNIQUELN"], ["/line_no", "/SoNo"]]},
            sending({"line_no": "1"}),
            "request",
        ),
        id="any-group-present-none-whole",
    ),
    pytest.param(
        Breaking(
            "by_operation",
            {"checks": {CREATE: {"check": "required", "params": {"path": "/id"}}}},
            replying({"name": "x"}),
        ),
        id="by-operation-runs-the-operations-check",
    ),
    pytest.param(
        Breaking("type_in", {"path": "/SessionId", "types": ["string", "null"]}, replying({"SessionId": 7})),
        id="type-in-a-number",
    ),
    pytest.param(
        Breaking(
            "refused_only_when",
            {"message_path": "/Message", "pattern": "SoNo is required", "absent": ["/SoNo"]},
            exchange(request({"SoNo": "0000000001"}), response({"Message": "SoNo is required."}, status=403)),
        ),
        id="refused-only-when-the-reason-does-not-hold",
    ),
    pytest.param(
        Breaking(
            "difference",
            {"within": "/schedules/*", "path": "/BALANCE", "minuend": "/SCHD_QTY", "subtrahend": "/RECDQTY"},
            replying({"schedules": [{"BALANCE": 5, "SCHD_QTY": 10, "RECDQTY": 3}]}),
        ),
        id="difference-balance-not-schedule-less-received",
    ),
    pytest.param(
        Breaking(
            "matches_filter",
            {"path": "/results/*/POSTATUS", "request_path": "/poStatus"},
            exchange(request({"poStatus": "Open"}), response({"results": [{"POSTATUS": "CLOSED"}]})),
        ),
        id="matches-filter-closed-for-open",
    ),
    pytest.param(
        Breaking(
            "gateway_refusal",
            {"statuses": [401]},
            replying({"statusCode": "401", "message": "x"}, status=401),
        ),
        id="gateway-refusal-status-as-text",
    ),
    pytest.param(
        Breaking(
            "undocumented_member_sent",
            {"documented": {"/order": ["id", "sku"]}},
            exchange(request({"order": {"id": "1", "sku": "A"}}), response({}, status=412)),
        ),
        id="undocumented-member-none-sent",
    ),
    pytest.param(
        Breaking(
            "required_enum",
            {"path": "/items/*/uom", "values": ["EA", "BX"]},
            sending({"items": [{"uom": "XX"}]}),
            "request",
        ),
        id="required-enum-unlisted",
    ),
    pytest.param(
        Breaking(
            "same_per_group_spelled",
            {"path": "/lines/*", "key": "order", "member": "custpo", "ignore": "-"},
            replying({"lines": [{"order": "1", "custpo": "A-03"}, {"order": "1", "custpo": "A-04"}]}),
        ),
        id="same-per-group-spelled-two-numbers",
    ),
    pytest.param(
        Breaking(
            "matches_request_spelled",
            {"path": "/lines/*/custpo", "request_path": "/numbers/*", "ignore": "-"},
            exchange(request({"numbers": ["A-03"]}), response({"lines": [{"custpo": "B03"}]})),
        ),
        id="matches-request-spelled-another-number",
    ),
    pytest.param(
        Breaking(
            "required",
            {"path": "/clientRequest/requestHeader/requestReference"},
            sending(order(requestReference=None)),
            "request",
        ),
        id="required-member-missing",
    ),
    pytest.param(
        Breaking(
            "absent",
            {"path": "/clientRequest/requestHeader/requestStatus"},
            sending(order(requestStatus="x")),
            "request",
        ),
        id="absent-member-sent",
    ),
    pytest.param(
        Breaking(
            "max_length",
            {"path": "/clientRequest/requestHeader/requestReference", "max": 25},
            sending(order(requestReference="A" * 26)),
            "request",
        ),
        id="max_length-26-for-25",
    ),
    pytest.param(
        Breaking(
            "format",
            {"path": "/clientRequest/requestHeader/dateTimeSent", "format": "utc-datetime"},
            sending(order(dateTimeSent="2019-02-06T00:00:00+01:00")),
            "request",
        ),
        id="format-offset-instead-of-Z",
    ),
    pytest.param(
        Breaking(
            "enum", {"path": "/status", "values": ["created", "confirmed"]}, replying({"status": "lost"})
        ),
        id="enum-undocumented-value",
    ),
    pytest.param(
        Breaking("type", {"path": "/result", "type": "string"}, replying({"result": True})),
        id="type-boolean-for-string",
    ),
    pytest.param(
        Breaking("equals", {"path": "/result", "value": "true"}, replying({"result": "false"})),
        id="equals-other-value",
    ),
    pytest.param(
        Breaking("pattern", {"path": "/code", "regex": "[A-Z]{3}"}, replying({"code": "AB1"})),
        id="pattern-no-match",
    ),
    pytest.param(
        Breaking("not_empty", {"path": "/requestId"}, replying({"requestId": ""})),
        id="not_empty-empty-string",
    ),
    pytest.param(
        Breaking("min_items", {"path": "/message", "min": 1}, replying({"message": []})),
        id="min_items-empty-array",
    ),
    pytest.param(
        Breaking(
            "each_has", {"path": "/links", "members": ["href", "rel"]}, replying({"links": [{"href": "/a"}]})
        ),
        id="each_has-member-missing",
    ),
    pytest.param(
        Breaking(
            "distinct", {"path": "/item/*/itemId"}, replying({"item": [{"itemId": "1"}, {"itemId": "1"}]})
        ),
        id="distinct-repeated-value",
    ),
    pytest.param(
        Breaking("excludes", {"path": "/status", "values": ["cancelled"]}, replying({"status": "cancelled"})),
        id="excludes-reserved-value",
    ),
    pytest.param(
        Breaking(
            "echo",
            {"path": "/requestReference", "request_path": "/clientRequest/requestHeader/requestReference"},
            replying({"requestReference": "SOMETHING-ELSE"}),
        ),
        id="echo-different-value",
    ),
    pytest.param(
        Breaking("equals_status", {"path": "/errorCode"}, replying({"errorCode": "400"}, status=412)),
        id="equals_status-other-status",
    ),
    pytest.param(
        Breaking(
            "implies",
            {"when_path": "/status", "when_in": ["confirmed"], "then_path": "/orderId"},
            replying({"status": "confirmed"}),
        ),
        id="implies-consequent-absent",
    ),
    pytest.param(
        Breaking("json_body", {}, exchange(request(ORDER), response(raw=b"<html>oops</html>"))),
        id="json_body-not-json",
    ),
    pytest.param(
        Breaking(
            "link",
            {
                "path": "/links",
                "rel": "orders",
                "method": "GET",
                "href_template": "/api/v1/orders/{id}",
                "id_path": "/requestId",
            },
            replying(
                {
                    "requestId": "42",
                    "links": [{"rel": "orders", "method": "GET", "href": "/api/v1/orders/43"}],
                }
            ),
        ),
        id="link-wrong-href",
    ),
    pytest.param(
        Breaking("status_in", {"statuses": [202, 400]}, replying({}, status=418)),
        id="status_in-undocumented-status",
    ),
    pytest.param(
        Breaking("header_present", {"name": "ClientAuthKey"}, sending(ORDER), "request"),
        id="header_present-header-missing",
    ),
    pytest.param(
        Breaking(
            "content_type",
            {"media_type": "application/json"},
            exchange(request(ORDER), response({"a": 1}, headers={"Content-Type": "text/html"})),
        ),
        id="content_type-wrong-media-type",
    ),
    pytest.param(
        Breaking(
            "https", {}, exchange(request(ORDER, url="http://partner.example.com/api/v1/orders")), "request"
        ),
        id="https-plain-http",
    ),
    pytest.param(
        Breaking(
            "unique",
            {"path": "/clientRequest/requestHeader/requestReference"},
            sending(ORDER),
            "request",
            history=(accepted_create(ORDER),),
        ),
        id="unique-repeats-accepted-value",
    ),
    pytest.param(
        Breaking(
            "repeat_accepted",
            {"path": "/clientRequest/requestHeader/externalMessageReference", "conflict_statuses": [409]},
            sending(order(requestReference="REF-2"), status=409),
            history=(accepted_create(ORDER),),
        ),
        id="repeat_accepted-refused-as-duplicate",
    ),
    pytest.param(
        Breaking("accepts_conforming", {"rejection_statuses": [400, 412]}, sending(ORDER, status=412)),
        id="accepts_conforming-conforming-request-rejected",
    ),
    pytest.param(
        Breaking(
            "reads_back",
            {
                "created_by": CREATE,
                "id_path": "/requestId",
                "fields": {"/item/*/sku": "/clientRequest/item/*/sku"},
            },
            exchange(
                request(method="GET", url=f"{ORDERS}/42"),
                response({"item": [{"sku": "503001"}, {"sku": "999999"}]}),
                operation=READ,
            ),
            history=(accepted_create(ORDER, request_id="42"),),
        ),
        id="reads_back-different-sku",
    ),
    pytest.param(
        Breaking("any_present", {"paths": ["/sono", "/custpo"]}, replying({"custno": "0000000001"})),
        id="any_present-neither-present",
    ),
    pytest.param(
        Breaking(
            "compare",
            {"path": "/shipqty", "op": "lt", "than": "/ordqty"},
            replying({"shipqty": 12, "ordqty": 10}),
        ),
        id="compare-lt-violated-number",
    ),
    pytest.param(
        Breaking(
            "compare",
            {"path": "/shipdate", "op": "le", "than": "/duedate", "as": "date"},
            replying({"shipdate": "06-20-2024", "duedate": "06-14-2024"}),
        ),
        id="compare-as-date-ship-after-due",
    ),
    pytest.param(
        Breaking(
            "compare",
            {
                "within": "/items/*",
                "path": "/schedule/*/qty",
                "op": "le",
                "than": "/ordqty",
                "aggregate": "sum",
            },
            replying({"items": [{"ordqty": "10", "schedule": [{"qty": "6"}, {"qty": "5"}]}]}),
        ),
        id="compare-within-sum-scheduled-above-ordered",
    ),
    pytest.param(
        Breaking("working_day", {"path": "/duedate"}, replying({"duedate": "2024-06-15"})),
        id="working_day-saturday",
    ),
    pytest.param(
        Breaking("whole_number", {"path": "/expires_in", "min": 1}, replying({"expires_in": "3599"})),
        id="whole_number-digit-string-without-text",
    ),
    pytest.param(
        Breaking(
            "same_per_group",
            {"path": "/lines/*", "key": "order", "member": "custpo"},
            replying({"lines": [{"order": "1", "custpo": "A-03"}, {"order": "1", "custpo": "A03"}]}),
        ),
        id="same_per_group-two-customer-numbers-in-one-order",
    ),
]


@pytest.mark.parametrize("case", BREAKING)
def test_each_check_reports_a_violation_for_an_exchange_that_breaks_it(case: Breaking) -> None:
    outcome = case.run()
    assert outcome, f"check {case.check!r} held (or did not apply) on an exchange that breaks it: {outcome!r}"
    assert all(isinstance(v, Violation) for v in outcome)


def test_the_breaking_table_covers_every_registered_check() -> None:
    from test_xml_checks import XML_CHECKS  # the XML checks' failing cases live beside their tests

    covered = {param.values[0].check for param in BREAKING} | XML_CHECKS  # type: ignore[union-attr]
    assert covered == set(CHECKS), f"checks never shown failing: {sorted(set(CHECKS) - covered)}"


# ── registry ─────────────────────────────────────────────────────────────────────────────────


def test_get_check_names_the_known_checks_when_asked_for_an_unknown_one() -> None:
    with pytest.raises(KeyError, match=r"unknown check 'nope'.*max_length"):
        get_check("nope")


def test_validate_params_names_a_parameter_the_check_does_not_take() -> None:
    problem = validate_params("max_length", {"path": "/a", "max": 1, "min": 0})
    assert problem is not None and "no parameter min" in problem


def test_validate_params_names_a_missing_required_parameter() -> None:
    problem = validate_params("max_length", {"path": "/a"})
    assert problem is not None and "needs parameter(s) max" in problem


def test_validate_params_accepts_omitted_optional_parameters() -> None:
    assert validate_params("enum", {"path": "/a", "values": ["x"]}) is None


# ── required ─────────────────────────────────────────────────────────────────────────────────


def test_required_reports_the_missing_member_of_each_item_by_concrete_pointer() -> None:
    document = copy.deepcopy(ORDER)
    del document["clientRequest"]["item"][1]["sku"]
    outcome = run("required", {"path": "/clientRequest/item/*/sku"}, sending(document), side="request")
    assert outcome == [Violation("/clientRequest/item/1/sku", "member 'sku' present", "absent")]


def test_required_holds_when_every_parent_has_the_member() -> None:
    assert run("required", {"path": "/clientRequest/item/*/sku"}, sending(ORDER), side="request") == []


def test_required_does_not_apply_when_the_parent_is_absent() -> None:
    assert run("required", {"path": "/clientRequest/order/note"}, sending(ORDER), side="request") is None


def test_required_does_not_apply_to_a_body_that_is_not_json() -> None:
    subject = exchange(request(raw=b"not json"), response({}))
    assert run("required", {"path": "/clientRequest"}, subject, side="request") is None


def test_required_judges_the_response_for_a_response_rule() -> None:
    # the request holds /requestId nowhere; the response is the subject of a response rule
    assert run("required", {"path": "/requestId"}, replying({"requestId": "1"})) == []
    assert run("required", {"path": "/requestId"}, replying({"other": "1"})) == [
        Violation("/requestId", "member 'requestId' present", "absent")
    ]


# ── absent ───────────────────────────────────────────────────────────────────────────────────


def test_absent_reports_each_response_only_member_that_was_sent() -> None:
    params = {
        "path": ["/clientRequest/requestHeader/requestType", "/clientRequest/requestHeader/requestStatus"]
    }
    outcome = run("absent", params, sending(order(requestType="PO", requestStatus="created")), side="request")
    assert outcome is not None
    assert [v.path for v in outcome] == [
        "/clientRequest/requestHeader/requestType",
        "/clientRequest/requestHeader/requestStatus",
    ]
    assert outcome[0].expected == "absent" and outcome[0].received == '"PO"'


def test_absent_holds_when_the_member_is_not_sent() -> None:
    params = {"path": "/clientRequest/requestHeader/requestStatus"}
    assert run("absent", params, sending(ORDER), side="request") == []


def test_absent_does_not_apply_to_a_body_that_is_not_json() -> None:
    subject = exchange(request(raw=b"\x00\x01"), response({}))
    assert run("absent", {"path": "/a"}, subject, side="request") is None


# ── max_length ───────────────────────────────────────────────────────────────────────────────

REFERENCE = "/clientRequest/requestHeader/requestReference"


def test_max_length_reports_the_element_one_character_too_long() -> None:
    outcome = run(
        "max_length",
        {"path": REFERENCE, "max": 25},
        sending(order(requestReference="R" * 26)),
        side="request",
    )
    assert outcome == [Violation(REFERENCE, "at most 25 characters", f'"{"R" * 26}" (26 characters)')]


def test_max_length_holds_at_exactly_the_limit() -> None:
    assert (
        run(
            "max_length",
            {"path": REFERENCE, "max": 25},
            sending(order(requestReference="R" * 25)),
            side="request",
        )
        == []
    )


def test_max_length_does_not_apply_to_a_value_that_is_not_a_string() -> None:
    assert (
        run("max_length", {"path": REFERENCE, "max": 25}, sending(order(requestReference=12)), side="request")
        is None
    )


def test_max_length_does_not_apply_when_the_element_is_absent() -> None:
    assert (
        run(
            "max_length",
            {"path": REFERENCE, "max": 25},
            sending(order(requestReference=None)),
            side="request",
        )
        is None
    )


def test_max_length_reports_only_the_offending_elements_of_several_paths() -> None:
    params = {"path": ["/a", "/b/*"], "max": 3}
    outcome = run("max_length", params, replying({"a": "abcd", "b": ["abc", "abcde"]}))
    assert outcome is not None and [v.path for v in outcome] == ["/a", "/b/1"]


@given(value=st.text(max_size=40), limit=st.integers(min_value=0, max_value=40))
def test_max_length_reports_a_string_exactly_when_it_is_longer_than_the_limit(value: str, limit: int) -> None:
    outcome = run("max_length", {"path": "/name", "max": limit}, replying({"name": value}))
    assert outcome is not None
    assert bool(outcome) == (len(value) > limit)


# ── format ───────────────────────────────────────────────────────────────────────────────────

SENT_AT = "/clientRequest/requestHeader/dateTimeSent"


def test_format_reports_a_date_time_with_an_offset_and_says_why() -> None:
    params = {"path": SENT_AT, "format": "utc-datetime"}
    outcome = run("format", params, sending(order(dateTimeSent="2019-02-06T00:00:00+01:00")), side="request")
    assert outcome is not None and len(outcome) == 1
    assert outcome[0].path == SENT_AT
    assert outcome[0].expected == "yyyy-mm-ddThh:mm:ssZ"
    assert "+01:00" in outcome[0].received


def test_format_holds_for_a_utc_date_time() -> None:
    params = {"path": SENT_AT, "format": "utc-datetime"}
    assert run("format", params, sending(ORDER), side="request") == []


def test_format_does_not_apply_to_a_value_that_is_not_a_string() -> None:
    params = {"path": SENT_AT, "format": "utc-datetime"}
    assert run("format", params, sending(order(dateTimeSent=20190206)), side="request") is None


def test_format_passes_its_options_to_the_format() -> None:
    params = {"path": "/name", "format": "bounded-string", "options": {"max_length": 3}}
    assert run("format", params, replying({"name": "abcd"}))
    assert run("format", params, replying({"name": "abc"})) == []


ANY_DATE = {"path": "/duedate", "formats": ["iso-date", "mm-dd-yyyy"]}


def test_format_holds_for_a_value_in_the_second_of_several_formats() -> None:
    assert run("format", ANY_DATE, replying({"duedate": "06-14-2024"})) == []
    assert run("format", ANY_DATE, replying({"duedate": "2024-06-14"})) == []


def test_format_reports_a_value_in_none_of_several_formats_naming_them_all() -> None:
    outcome = run("format", ANY_DATE, replying({"duedate": "14.06.2024"}))
    assert outcome is not None and len(outcome) == 1
    assert outcome[0].path == "/duedate"
    assert outcome[0].expected == "yyyy-mm-dd or MM-DD-YYYY"
    assert outcome[0].received.startswith('"14.06.2024"')


def test_format_with_a_one_entry_formats_list_judges_like_format() -> None:
    params = {"path": "/duedate", "formats": ["iso-date"]}
    assert run("format", params, replying({"duedate": "06-14-2024"}))
    assert run("format", params, replying({"duedate": "2024-06-14"})) == []


def test_format_without_format_or_formats_is_refused() -> None:
    with pytest.raises(ValueError, match="'format' or 'formats'"):
        run("format", {"path": "/duedate"}, replying({"duedate": "2024-06-14"}))


# ── enum ─────────────────────────────────────────────────────────────────────────────────────


def test_enum_reports_an_undocumented_value_and_lists_the_documented_ones() -> None:
    outcome = run(
        "enum", {"path": "/status", "values": ["created", "confirmed"]}, replying({"status": "lost"})
    )
    assert outcome == [Violation("/status", "one of created, confirmed", '"lost"')]


def test_enum_is_case_sensitive_by_default() -> None:
    assert run("enum", {"path": "/uom", "values": ["EA"]}, replying({"uom": "ea"}))


def test_enum_holds_for_another_case_when_told_case_does_not_matter() -> None:
    assert (
        run("enum", {"path": "/uom", "values": ["EA"], "case_sensitive": False}, replying({"uom": "ea"}))
        == []
    )


def test_enum_holds_for_a_documented_value() -> None:
    assert run("enum", {"path": "/uom", "values": ["EA", "BX"]}, replying({"uom": "BX"})) == []


def test_enum_leaves_a_value_of_another_type_to_the_type_rule() -> None:
    assert run("enum", {"path": "/uom", "values": ["EA"]}, replying({"uom": 1})) is None


def test_enum_does_not_apply_when_the_element_is_absent() -> None:
    assert run("enum", {"path": "/uom", "values": ["EA"]}, replying({})) is None


@given(values=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=5, unique=True), data=st.data())
def test_enum_holds_for_any_of_its_own_values(values: list[str], data: st.DataObject) -> None:
    chosen = data.draw(st.sampled_from(values))
    assert run("enum", {"path": "/v", "values": values}, replying({"v": chosen})) == []


# ── type ─────────────────────────────────────────────────────────────────────────────────────


def test_type_reports_a_boolean_where_a_string_is_documented() -> None:
    outcome = run("type", {"path": "/result", "type": "string"}, replying({"result": True}))
    assert outcome == [Violation("/result", "a JSON string", "true (boolean)")]


def test_type_reports_a_number_where_a_string_is_documented() -> None:
    outcome = run("type", {"path": "/value", "type": "string"}, replying({"value": 2.5}))
    assert outcome == [Violation("/value", "a JSON string", "2.5 (number)")]


def test_type_holds_for_arrays_objects_and_booleans_of_the_documented_type() -> None:
    subject = replying({"a": [], "o": {}, "b": False})
    assert run("type", {"path": "/a", "type": "array"}, subject) == []
    assert run("type", {"path": "/o", "type": "object"}, subject) == []
    assert run("type", {"path": "/b", "type": "boolean"}, subject) == []


def test_type_does_not_apply_when_the_element_is_absent() -> None:
    assert run("type", {"path": "/custReference", "type": "string"}, replying({})) is None


# ── equals ───────────────────────────────────────────────────────────────────────────────────


def test_equals_reports_another_value_of_the_same_type() -> None:
    outcome = run("equals", {"path": "/result", "value": "true"}, replying({"result": "false"}))
    assert outcome == [Violation("/result", 'exactly "true"', '"false"')]


def test_equals_holds_for_the_documented_value() -> None:
    assert run("equals", {"path": "/links", "value": []}, replying({"links": []})) == []


def test_equals_leaves_a_value_of_another_type_to_the_type_rule() -> None:
    assert run("equals", {"path": "/result", "value": "true"}, replying({"result": True})) is None


def test_equals_does_not_apply_when_the_element_is_absent() -> None:
    assert run("equals", {"path": "/result", "value": "true"}, replying({})) is None


# ── pattern ──────────────────────────────────────────────────────────────────────────────────


def test_pattern_reports_a_partial_match_and_uses_the_rules_own_wording() -> None:
    params = {
        "path": "/message/*/path",
        "regex": "#/clientRequest(\\.[A-Za-z]+)*",
        "meaning": "a dotted path",
    }
    outcome = run(
        "pattern",
        params,
        replying({"message": [{"path": "#/clientRequest.order"}, {"path": "x#/clientRequest"}]}),
    )
    assert outcome == [Violation("/message/1/path", "a dotted path", '"x#/clientRequest" (16 characters)')]


def test_pattern_holds_for_a_full_match() -> None:
    assert run("pattern", {"path": "/code", "regex": "[A-Z]{3}"}, replying({"code": "ABC"})) == []


def test_pattern_does_not_apply_to_a_value_that_is_not_a_string() -> None:
    assert run("pattern", {"path": "/code", "regex": "[A-Z]{3}"}, replying({"code": None})) is None


# ── not_empty ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("empty", ["", [], {}], ids=["string", "array", "object"])
def test_not_empty_reports_an_empty_value(empty: Any) -> None:
    outcome = run("not_empty", {"path": "/requestId"}, replying({"requestId": empty}))
    assert outcome is not None and len(outcome) == 1 and outcome[0].path == "/requestId"


@pytest.mark.parametrize("value", ["3201413", 0, False], ids=["string", "zero", "false"])
def test_not_empty_holds_for_a_value_that_is_not_empty(value: Any) -> None:
    assert run("not_empty", {"path": "/requestId"}, replying({"requestId": value})) == []


def test_not_empty_does_not_apply_when_the_element_is_absent() -> None:
    assert run("not_empty", {"path": "/requestId"}, replying({})) is None


# ── min_items ────────────────────────────────────────────────────────────────────────────────


def test_min_items_reports_an_array_that_is_too_short() -> None:
    outcome = run("min_items", {"path": "/message", "min": 2}, replying({"message": [{}]}))
    assert outcome == [Violation("/message", "at least 2 entries", "array of 1")]


def test_min_items_holds_at_the_minimum() -> None:
    assert run("min_items", {"path": "/message", "min": 1}, replying({"message": [{}]})) == []


def test_min_items_does_not_apply_to_a_value_that_is_not_an_array() -> None:
    assert run("min_items", {"path": "/message", "min": 1}, replying({"message": "oops"})) is None


# ── each_has ─────────────────────────────────────────────────────────────────────────────────


def test_each_has_reports_each_entry_with_the_members_it_lacks() -> None:
    document = {"links": [{"href": "/a", "rel": "x"}, {"href": "/b"}, "not an object"]}
    outcome = run("each_has", {"path": "/links", "members": ["href", "rel"]}, replying(document))
    assert outcome == [
        Violation("/links/1", "members href, rel", "without rel"),
        Violation("/links/2", "members href, rel", "without href, rel"),
    ]


def test_each_has_holds_when_every_entry_is_complete() -> None:
    document = {"links": [{"href": "/a", "rel": "x"}]}
    assert run("each_has", {"path": "/links", "members": ["href", "rel"]}, replying(document)) == []


def test_each_has_does_not_apply_to_a_value_that_is_not_an_array() -> None:
    assert run("each_has", {"path": "/links", "members": ["href"]}, replying({"links": {}})) is None


# ── distinct ─────────────────────────────────────────────────────────────────────────────────


def test_distinct_reports_the_second_occurrence_and_names_the_first() -> None:
    document = {"item": [{"itemId": "1"}, {"itemId": "2"}, {"itemId": "1"}]}
    outcome = run("distinct", {"path": "/item/*/itemId"}, replying(document))
    assert outcome == [
        Violation("/item/2/itemId", "a value not used by another element", '"1", also at /item/0/itemId')
    ]


def test_distinct_holds_for_distinct_values() -> None:
    document = {"item": [{"itemId": "1"}, {"itemId": "2"}]}
    assert run("distinct", {"path": "/item/*/itemId"}, replying(document)) == []


def test_distinct_does_not_apply_to_fewer_than_two_elements() -> None:
    assert run("distinct", {"path": "/item/*/itemId"}, replying({"item": [{"itemId": "1"}]})) is None


def test_distinct_tells_a_number_from_the_same_digits_as_a_string() -> None:
    assert run("distinct", {"path": "/v/*"}, replying({"v": [1, "1"]})) == []


@given(values=st.lists(st.integers(min_value=0, max_value=5), min_size=2, max_size=10))
def test_distinct_reports_one_violation_per_repeated_occurrence(values: list[int]) -> None:
    outcome = run("distinct", {"path": "/v/*"}, replying({"v": values}))
    assert outcome is not None
    assert len(outcome) == len(values) - len(set(values))


# ── excludes ─────────────────────────────────────────────────────────────────────────────────


def test_excludes_reports_a_reserved_value() -> None:
    params = {"path": ["/requestStatus", "/order/status"], "values": ["cancelled"]}
    outcome = run(
        "excludes", params, replying({"requestStatus": "created", "order": {"status": "cancelled"}})
    )
    assert outcome == [Violation("/order/status", "none of cancelled", '"cancelled"')]


def test_excludes_holds_for_other_values() -> None:
    assert (
        run("excludes", {"path": "/status", "values": ["cancelled"]}, replying({"status": "created"})) == []
    )


def test_excludes_does_not_apply_when_the_element_is_absent() -> None:
    assert run("excludes", {"path": "/status", "values": ["cancelled"]}, replying({})) is None


# ── echo ─────────────────────────────────────────────────────────────────────────────────────

ECHO = {"path": "/requestReference", "request_path": REFERENCE}


def test_echo_reports_a_different_value_and_shows_what_was_sent() -> None:
    outcome = run("echo", ECHO, replying({"requestReference": "API_DEMOUS_1"}))
    assert outcome == [Violation("/requestReference", '"REF-1", as sent', '"API_DEMOUS_1"')]


def test_echo_reports_a_missing_echo() -> None:
    assert run("echo", ECHO, replying({"result": "true"})) == [
        Violation("/requestReference", '"REF-1", as sent', "absent")
    ]


def test_echo_holds_when_the_response_repeats_the_request() -> None:
    assert run("echo", ECHO, replying({"requestReference": "REF-1"})) == []


def test_echo_does_not_apply_when_the_request_sent_nothing_to_echo() -> None:
    subject = exchange(request(order(requestReference=None)), response({"requestReference": ""}))
    assert run("echo", ECHO, subject) is None


def test_echo_does_not_apply_when_the_response_is_not_json() -> None:
    subject = exchange(request(ORDER), response(raw=b"Bad gateway", headers={"Content-Type": "text/plain"}))
    assert run("echo", ECHO, subject) is None


# ── equals_status ────────────────────────────────────────────────────────────────────────────


def test_equals_status_reports_an_error_code_that_is_not_the_http_status() -> None:
    outcome = run("equals_status", {"path": "/errorCode"}, replying({"errorCode": "400"}, status=412))
    assert outcome == [Violation("/errorCode", '"412", the status as a string', '"400"')]


def test_equals_status_holds_for_the_status_as_a_string() -> None:
    assert run("equals_status", {"path": "/errorCode"}, replying({"errorCode": "409"}, status=409)) == []


def test_equals_status_leaves_a_number_to_the_type_rule() -> None:
    assert run("equals_status", {"path": "/errorCode"}, replying({"errorCode": 409}, status=409)) is None


def test_equals_status_does_not_apply_without_a_response() -> None:
    subject = exchange(request({"errorCode": "409"}), None, error="connection reset")
    assert run("equals_status", {"path": "/errorCode"}, subject, side="request") is None


# ── implies ──────────────────────────────────────────────────────────────────────────────────

CONFIRMED = {"when_path": "/status", "when_in": ["confirmed", "goodsreceived"], "then_path": "/orderId"}


def test_implies_reports_an_empty_consequent_and_names_the_trigger() -> None:
    outcome = run("implies", CONFIRMED, replying({"status": "goodsreceived", "orderId": ""}))
    assert outcome == [Violation("/orderId", 'present when /status is "goodsreceived" (13 characters)', '""')]


def test_implies_reports_an_absent_consequent() -> None:
    outcome = run("implies", CONFIRMED, replying({"status": "confirmed"}))
    assert outcome is not None and outcome[0].received == "absent"


def test_implies_holds_when_the_consequent_is_present() -> None:
    assert run("implies", CONFIRMED, replying({"status": "confirmed", "orderId": "4500001"})) == []


def test_implies_does_not_apply_when_not_triggered() -> None:
    assert run("implies", CONFIRMED, replying({"status": "created"})) is None


DROP_SHIP = {"when_path": "/dropship", "then_path": "/shipto"}  # no when_in: any non-empty value triggers


@pytest.mark.parametrize("trigger", ["Y", "anything", 0, False], ids=["Y", "other-text", "zero", "false"])
def test_implies_without_when_in_is_triggered_by_any_non_empty_value(trigger: Any) -> None:
    outcome = run("implies", DROP_SHIP, replying({"dropship": trigger}))
    assert outcome is not None and len(outcome) == 1
    assert outcome[0].path == "/shipto" and outcome[0].received == "absent"
    assert run("implies", DROP_SHIP, replying({"dropship": trigger, "shipto": "WH-1"})) == []


@pytest.mark.parametrize(
    "empty", ["", "   ", None, [], {}], ids=["string", "blank", "null", "array", "object"]
)
def test_implies_without_when_in_is_not_triggered_by_an_empty_value(empty: Any) -> None:
    assert run("implies", DROP_SHIP, replying({"dropship": empty})) is None


def test_implies_when_not_in_exempts_the_listed_values_only() -> None:
    params = {**DROP_SHIP, "when_not_in": ["N", "false"]}
    assert run("implies", params, replying({"dropship": "N"})) is None
    assert run("implies", params, replying({"dropship": "false"})) is None
    assert run("implies", params, replying({"dropship": "Y"})) == [
        Violation("/shipto", 'present when /dropship is "Y"', "absent")
    ]


CLOSED = {"when_path": "/status", "when_in": ["closed"], "then_path": "/balance", "then_in": ["0", "0.00"]}


def test_implies_then_in_reports_a_consequent_outside_the_listed_values() -> None:
    assert run("implies", CLOSED, replying({"status": "closed", "balance": "5"})) == [
        Violation("/balance", 'one of 0, 0.00 when /status is "closed"', '"5"')
    ]


def test_implies_then_in_reports_an_absent_consequent() -> None:
    outcome = run("implies", CLOSED, replying({"status": "closed"}))
    assert outcome is not None and outcome[0].received == "absent"


def test_implies_then_in_holds_for_a_listed_value_and_skips_other_triggers() -> None:
    assert run("implies", CLOSED, replying({"status": "closed", "balance": "0.00"})) == []
    assert run("implies", CLOSED, replying({"status": "open", "balance": "5"})) is None


# ── json_body ────────────────────────────────────────────────────────────────────────────────


def test_json_body_reports_a_request_body_that_does_not_parse() -> None:
    subject = exchange(request(raw=b'{"clientRequest": '), response({}, status=400))
    outcome = run("json_body", {}, subject, side="request")
    assert outcome == [Violation("", "well-formed JSON object", "18 bytes that do not parse as JSON")]


def test_json_body_reports_an_array_where_an_object_is_documented() -> None:
    outcome = run("json_body", {}, replying([1, 2]))
    assert outcome == [Violation("", "a JSON object at the root", "array of 2")]


def test_json_body_judges_the_response_for_a_response_rule() -> None:
    subject = exchange(request(raw=b"not json"), response({"result": "true"}))
    assert run("json_body", {}, subject) == []


def test_json_body_holds_for_an_array_when_an_array_is_documented() -> None:
    assert run("json_body", {"root": "array"}, replying([{}])) == []


def test_json_body_does_not_apply_to_an_empty_body() -> None:
    assert run("json_body", {}, exchange(request(ORDER), response(raw=b""))) is None


# ── link ─────────────────────────────────────────────────────────────────────────────────────

LINK = {
    "path": "/links",
    "rel": "orders",
    "method": "GET",
    "href_template": "/api/v1/orders/{id}",
    "id_path": "/requestId",
}


def links(*entries: dict[str, str], request_id: str = "42") -> Exchange:
    return replying({"requestId": request_id, "links": list(entries)}, status=202)


def test_link_reports_the_href_of_the_matching_link_by_concrete_pointer() -> None:
    subject = links(
        {"rel": "self", "method": "GET", "href": "/x"},
        {"rel": "orders", "method": "GET", "href": "/api/v1/orders/43"},
    )
    assert run("link", LINK, subject) == [
        Violation("/links/1/href", "/api/v1/orders/42", '"/api/v1/orders/43" (17 characters)')
    ]


def test_link_reports_a_missing_link_of_that_rel_and_method() -> None:
    outcome = run("link", LINK, links({"rel": "orders", "method": "POST", "href": "/api/v1/orders/42"}))
    assert outcome is not None and len(outcome) == 1
    assert outcome[0].path == "/links" and "rel='orders' method='GET'" in outcome[0].expected


def test_link_holds_for_a_href_that_differs_only_in_case() -> None:
    assert run("link", LINK, links({"rel": "orders", "method": "GET", "href": "/api/V1/orders/42"})) == []


def test_link_does_not_apply_without_an_id() -> None:
    assert run("link", LINK, replying({"links": []})) is None


# ── status_in ────────────────────────────────────────────────────────────────────────────────


def test_status_in_reports_an_undocumented_status() -> None:
    outcome = run("status_in", {"statuses": [202, 400]}, replying({}, status=503))
    assert outcome == [Violation("", "HTTP status 202, 400", "HTTP 503")]


def test_status_in_holds_for_a_documented_status() -> None:
    assert run("status_in", {"statuses": [202, 400]}, replying({}, status=400)) == []


def test_status_in_does_not_apply_to_a_transport_error() -> None:
    subject = exchange(request(ORDER), None, error="timed out")
    assert run("status_in", {"statuses": [202]}, subject) is None


# ── header_present ───────────────────────────────────────────────────────────────────────────


def test_header_present_reports_a_missing_header() -> None:
    subject = exchange(request(ORDER, headers={"ClientConfigId": "1077"}), response({}))
    outcome = run("header_present", {"name": "ClientAuthKey"}, subject, side="request")
    assert outcome == [Violation("header ClientAuthKey", "present", "absent")]


def test_header_present_reports_a_blank_header() -> None:
    subject = exchange(request(ORDER, headers={"ClientAuthKey": "  "}), response({}))
    outcome = run("header_present", {"name": "ClientAuthKey"}, subject, side="request")
    assert outcome == [Violation("header ClientAuthKey", "a non-blank value", "blank")]


def test_header_present_matches_the_header_name_in_any_case() -> None:
    subject = exchange(request(ORDER, headers={"clientauthkey": "k-123"}), response({}))
    assert run("header_present", {"name": "ClientAuthKey"}, subject, side="request") == []


def test_header_present_with_a_pattern_reports_another_scheme_without_quoting_the_value() -> None:
    subject = exchange(request(ORDER, headers={"Authorization": "Token s3cr3t-value"}), response({}))
    params = {"name": "Authorization", "pattern": "Bearer [^ ]+", "meaning": "Bearer <token>"}
    outcome = run("header_present", params, subject, side="request")
    assert outcome == [Violation("header Authorization", "Bearer <token>", '"Token …" (18 characters)')]
    assert "s3cr3t" not in repr(outcome)


def test_header_present_with_a_pattern_leaves_a_missing_header_to_the_presence_rule() -> None:
    subject = exchange(request(ORDER), response({}))
    assert (
        run("header_present", {"name": "Authorization", "pattern": "Bearer .+"}, subject, side="request")
        is None
    )


def test_header_present_with_a_pattern_holds_for_a_matching_value() -> None:
    subject = exchange(request(ORDER, headers={"Authorization": "Bearer eyJ.x.y"}), response({}))
    assert (
        run("header_present", {"name": "Authorization", "pattern": "Bearer [^ ]+"}, subject, side="request")
        == []
    )


# ── whole_number ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("value", "text", "held"),
    [(3599, False, True), ("3599", True, True), ("3599", False, False), (0, False, False), (35.5, False, False),
     (True, False, False), ("35.5", True, False), ("-1", True, False)],
)  # fmt: skip
def test_whole_number_accepts_integers_and_with_text_digit_strings_only(
    value: Any, text: bool, held: bool
) -> None:
    outcome = run(
        "whole_number", {"path": "/expires_in", "min": 1, "text": text}, replying({"expires_in": value})
    )
    assert (outcome == []) is held, outcome


def test_whole_number_does_not_apply_to_an_absent_member() -> None:
    assert run("whole_number", {"path": "/ext_expires_in"}, replying({"expires_in": 1})) is None


# ── same_per_group ───────────────────────────────────────────────────────────────────────────


def test_same_per_group_holds_when_each_group_shares_its_member() -> None:
    lines = [{"order": "1", "custpo": "A"}, {"order": "2", "custpo": "B"}, {"order": "1", "custpo": "A"}]
    assert (
        run(
            "same_per_group",
            {"path": "/lines/*", "key": "order", "member": "custpo"},
            replying({"lines": lines}),
        )
        == []
    )


def test_same_per_group_names_the_line_that_differs_and_the_first_value() -> None:
    lines = [{"order": "1", "custpo": "A"}, {"order": "1", "custpo": "B"}]
    outcome = run(
        "same_per_group", {"path": "/lines/*", "key": "order", "member": "custpo"}, replying({"lines": lines})
    )
    assert outcome == [Violation("/lines/1/custpo", "'A', as at /lines/0/custpo (order '1')", "'B'")]


def test_same_per_group_does_not_apply_without_grouped_items() -> None:
    assert (
        run(
            "same_per_group",
            {"path": "/lines/*", "key": "order", "member": "custpo"},
            replying({"lines": []}),
        )
        is None
    )


# ── form-encoded requests ────────────────────────────────────────────────────────────────────


def test_a_form_encoded_request_is_read_as_its_fields() -> None:
    body = b"grant_type=client_credentials&client_id=abc&client_secret="
    sent = Request(
        "POST", BASE + "/t/oauth2/token", Headers({"Content-Type": "application/x-www-form-urlencoded"}), body
    )
    subject = exchange(sent, response({}))
    assert (
        run("equals", {"path": "/grant_type", "value": "client_credentials"}, subject, side="request") == []
    )
    assert run("not_empty", {"path": "/client_secret"}, subject, side="request")
    assert run("required", {"path": "/resource"}, subject, side="request")


# ── content_type ─────────────────────────────────────────────────────────────────────────────


def test_content_type_reports_a_body_without_a_content_type() -> None:
    subject = exchange(request(ORDER), response({"a": 1}, headers={}))
    outcome = run("content_type", {"media_type": "application/json"}, subject)
    assert outcome == [Violation("header Content-Type", "application/json", "absent")]


def test_content_type_reports_another_media_type() -> None:
    subject = exchange(request(ORDER), response({"a": 1}, headers={"Content-Type": "text/plain"}))
    assert run("content_type", {"media_type": "application/json"}, subject) == [
        Violation("header Content-Type", "application/json", "text/plain")
    ]


def test_content_type_holds_with_parameters_and_another_case() -> None:
    headers = {"content-type": "Application/JSON; charset=utf-8"}
    subject = exchange(request(ORDER), response({"a": 1}, headers=headers))
    assert run("content_type", {"media_type": "application/json"}, subject) == []


def test_content_type_does_not_apply_to_an_empty_body() -> None:
    subject = exchange(request(ORDER), response(raw=b"", headers={}))
    assert run("content_type", {"media_type": "application/json"}, subject) is None


# ── https ────────────────────────────────────────────────────────────────────────────────────


def test_https_reports_a_plain_http_url() -> None:
    subject = exchange(request(ORDER, url="http://partner.example.com/api"), response({}))
    assert run("https", {}, subject, side="request") == [Violation("url", "https", "http")]


def test_https_holds_for_an_https_url() -> None:
    assert run("https", {}, exchange(request(ORDER), response({})), side="request") == []


@pytest.mark.parametrize(
    "url", ["http://testserver/api", "http://127.0.0.1:8000/api", "http://localhost/api", "/api/v1/orders"]
)
def test_https_does_not_apply_to_loopback_stand_ins_or_relative_urls(url: str) -> None:
    assert run("https", {}, exchange(request(ORDER, url=url), response({})), side="request") is None


# ── unique ───────────────────────────────────────────────────────────────────────────────────

UNIQUE = {"path": REFERENCE}


def test_unique_reports_a_value_accepted_before_and_names_that_interaction() -> None:
    outcome = run("unique", UNIQUE, sending(ORDER), side="request", history=[accepted_create(ORDER, index=7)])
    assert outcome == [
        Violation(REFERENCE, "a value not accepted before", '"REF-1", accepted in interaction 7')
    ]


def test_unique_holds_for_a_new_value() -> None:
    history = [accepted_create(order(requestReference="REF-0"))]
    assert run("unique", UNIQUE, sending(ORDER), side="request", history=history) == []


def test_unique_ignores_earlier_requests_that_were_refused() -> None:
    refused = exchange(request(ORDER), response({}, status=412))
    assert run("unique", UNIQUE, sending(ORDER), side="request", history=[refused]) == []


def test_unique_ignores_earlier_requests_of_another_operation() -> None:
    other = exchange(request(ORDER), response({}, status=202), operation="cancelOrder")
    assert run("unique", UNIQUE, sending(ORDER), side="request", history=[other]) == []


def test_unique_does_not_apply_when_the_value_is_absent() -> None:
    assert run("unique", UNIQUE, sending(order(requestReference=None)), side="request") is None


# ── repeat_accepted ──────────────────────────────────────────────────────────────────────────

REPEAT = {"path": "/clientRequest/requestHeader/externalMessageReference", "conflict_statuses": [409]}
REPEATING = order(requestReference="REF-2")  # new requestReference, same externalMessageReference


def test_repeat_accepted_reports_a_repeat_refused_as_a_duplicate() -> None:
    outcome = run("repeat_accepted", REPEAT, sending(REPEATING, status=409), history=[accepted_create(ORDER)])
    assert outcome is not None and outcome[0].received == "HTTP 409"


def test_repeat_accepted_holds_when_the_repeat_is_accepted() -> None:
    assert (
        run("repeat_accepted", REPEAT, sending(REPEATING, status=202), history=[accepted_create(ORDER)]) == []
    )


def test_repeat_accepted_does_not_apply_to_a_first_use() -> None:
    assert run("repeat_accepted", REPEAT, sending(REPEATING, status=409)) is None


def test_repeat_accepted_does_not_apply_to_a_request_that_breaks_a_request_rule() -> None:
    outcome = run(
        "repeat_accepted",
        REPEAT,
        sending(REPEATING, status=409),
        history=[accepted_create(ORDER)],
        request_violations=SOME_VIOLATION,
    )
    assert outcome is None


# ── accepts_conforming ───────────────────────────────────────────────────────────────────────

ACCEPTS = {"rejection_statuses": [400, 412]}


def test_accepts_conforming_reports_a_conforming_request_rejected_as_invalid() -> None:
    outcome = run("accepts_conforming", ACCEPTS, sending(ORDER, status=412), request_violations={"X": []})
    assert outcome == [
        Violation("", "accepted: the request breaks no documented rule", "rejected with HTTP 412")
    ]


def test_accepts_conforming_holds_when_the_request_is_accepted() -> None:
    assert run("accepts_conforming", ACCEPTS, sending(ORDER, status=202)) == []


def test_accepts_conforming_does_not_apply_to_a_request_that_breaks_a_rule() -> None:
    subject = sending(ORDER, status=412)
    assert run("accepts_conforming", ACCEPTS, subject, request_violations=SOME_VIOLATION) is None


def test_accepts_conforming_does_not_apply_to_a_transport_error() -> None:
    assert run("accepts_conforming", ACCEPTS, exchange(request(ORDER), None, error="reset")) is None


STATEFUL = {"rejection_statuses": [403], "unless_path": "/Message", "unless_pattern": "does not exist"}


def rejected(message: str, status: int = 403) -> Exchange:
    return exchange(request(ORDER), response({"Code": status, "Message": message}, status=status))


def test_accepts_conforming_unless_pattern_leaves_a_state_dependent_rejection_unjudged() -> None:
    assert run("accepts_conforming", STATEFUL, rejected("Sales Order does not exists.")) is None


def test_accepts_conforming_reports_a_rejection_not_matching_unless_pattern_with_its_message() -> None:
    assert run("accepts_conforming", STATEFUL, rejected("Invalid SONO parameter.")) == [
        Violation(
            "",
            "accepted: the request breaks no documented rule",
            'rejected with HTTP 403: "Invalid SONO parameter." (23 characters)',
        )
    ]


def test_accepts_conforming_unless_path_without_pattern_suppresses_nothing() -> None:
    params = {"rejection_statuses": [403], "unless_path": "/Message"}
    outcome = run("accepts_conforming", params, rejected("Sales Order does not exists."))
    assert outcome is not None and len(outcome) == 1
    assert "does not exists" in outcome[0].received


def test_accepts_conforming_unless_pattern_without_its_path_present_is_still_a_finding() -> None:
    subject = exchange(request(ORDER), response({"Code": 403}, status=403))
    assert run("accepts_conforming", STATEFUL, subject) == [
        Violation("", "accepted: the request breaks no documented rule", "rejected with HTTP 403")
    ]


# ── reads_back ───────────────────────────────────────────────────────────────────────────────

READS_BACK = {
    "created_by": CREATE,
    "id_path": "/requestId",
    "fields": {
        "/requestReference": REFERENCE,
        "/item/*/sku": "/clientRequest/item/*/sku",
        "/note": "/clientRequest/order/note",
    },
}


def read(document: Any, request_id: str = "42") -> Exchange:
    return exchange(request(method="GET", url=f"{ORDERS}/{request_id}/"), response(document), operation=READ)


def test_reads_back_reports_a_field_that_differs_from_what_was_sent() -> None:
    history = [accepted_create(ORDER, request_id="42")]
    shown = {"requestReference": "REF-1", "item": [{"sku": "503001"}, {"sku": "999999"}]}
    outcome = run("reads_back", READS_BACK, read(shown), history=history)
    assert outcome == [Violation("/item/*/sku", '"503001", "503002", as sent', '"503001", "999999"')]


def test_reads_back_reports_a_field_that_is_not_shown() -> None:
    history = [accepted_create(ORDER, request_id="42")]
    outcome = run(
        "reads_back", READS_BACK, read({"item": [{"sku": "503001"}, {"sku": "503002"}]}), history=history
    )
    assert outcome == [Violation("/requestReference", '"REF-1", as sent', "absent")]


def test_reads_back_holds_when_the_order_shows_what_was_sent_and_skips_what_was_not() -> None:
    history = [accepted_create(ORDER, request_id="42")]
    shown = {"requestReference": "REF-1", "item": [{"sku": "503001"}, {"sku": "503002"}]}
    assert run("reads_back", READS_BACK, read(shown), history=history) == []


def test_reads_back_does_not_apply_to_an_order_this_run_did_not_create() -> None:
    history = [accepted_create(ORDER, request_id="41")]
    assert run("reads_back", READS_BACK, read({"item": []}), history=history) is None


def test_reads_back_does_not_apply_to_a_body_that_is_not_json() -> None:
    history = [accepted_create(ORDER, request_id="42")]
    subject = exchange(request(method="GET", url=f"{ORDERS}/42"), response(raw=b"pending"), operation=READ)
    assert run("reads_back", READS_BACK, subject, history=history) is None


# ── any_present ──────────────────────────────────────────────────────────────────────────────

EITHER = {"paths": ["/sono", "/custpo"]}


def test_any_present_reports_neither_path_present_naming_both() -> None:
    assert run("any_present", EITHER, replying({"custno": "1"})) == [
        Violation("/sono", "one of /sono, /custpo present", "none of them")
    ]


@pytest.mark.parametrize(
    "empty", ["", "  ", None, [], {}], ids=["string", "blank", "null", "array", "object"]
)
def test_any_present_counts_an_empty_value_as_absent(empty: Any) -> None:
    assert run("any_present", EITHER, replying({"sono": empty, "custpo": empty}))


def test_any_present_holds_when_only_the_second_path_is_present() -> None:
    assert run("any_present", EITHER, replying({"sono": "", "custpo": "PO-1"})) == []


def test_any_present_holds_for_zero_and_false() -> None:
    assert run("any_present", EITHER, replying({"sono": 0})) == []
    assert run("any_present", EITHER, replying({"custpo": False})) == []


def test_any_present_resolves_wildcards_for_a_line_named_by_number_or_key() -> None:
    params = {"paths": ["/items/*/uniqln", "/items/*/line_no"]}
    assert run("any_present", params, replying({"items": [{"line_no": "1"}]})) == []
    assert run("any_present", params, replying({"items": [{"qty": "1"}]}))


def test_any_present_does_not_apply_to_a_body_that_is_not_json() -> None:
    assert run("any_present", EITHER, exchange(request(ORDER), response(raw=b"<html/>"))) is None


# ── compare ──────────────────────────────────────────────────────────────────────────────────


def test_compare_reports_the_value_and_the_bound_it_breaks() -> None:
    params = {"path": "/shipqty", "op": "lt", "than": "/ordqty"}
    assert run("compare", params, replying({"shipqty": 12, "ordqty": 10})) == [
        Violation("/shipqty", "below /ordqty (10)", "12 (number)")
    ]


def test_compare_lt_is_strict_and_le_is_not() -> None:
    subject = replying({"shipqty": "10", "ordqty": "10"})
    assert run("compare", {"path": "/shipqty", "op": "lt", "than": "/ordqty"}, subject)
    assert run("compare", {"path": "/shipqty", "op": "le", "than": "/ordqty"}, subject) == []


def test_compare_gt_and_ge_against_a_constant() -> None:
    assert run("compare", {"path": "/qty", "op": "gt", "value": 0}, replying({"qty": "0"})) == [
        Violation("/qty", "above 0 (0)", '"0"')
    ]
    assert run("compare", {"path": "/qty", "op": "gt", "value": 0}, replying({"qty": "0.5"})) == []
    assert run("compare", {"path": "/qty", "op": "ge", "value": 0}, replying({"qty": "0"})) == []


def test_compare_reads_text_as_numbers_not_as_strings() -> None:
    # "9" < "10" is false as strings, true as numbers
    assert run("compare", {"path": "/a", "op": "lt", "than": "/b"}, replying({"a": "9", "b": "10"})) == []
    assert run("compare", {"path": "/a", "op": "lt", "than": "/b"}, replying({"a": " 9.50 ", "b": 9.5}))


def test_compare_as_date_reads_both_documented_date_forms() -> None:
    params = {"path": "/shipdate", "op": "le", "than": "/duedate", "as": "date"}
    # as strings "2024-06-14" > "06-14-2024"; as dates they are the same day
    assert run("compare", params, replying({"shipdate": "2024-06-14", "duedate": "06-14-2024"})) == []
    assert (
        run("compare", params, replying({"shipdate": "2024-06-14T10:30:00", "duedate": "06-15-2024"})) == []
    )
    assert run("compare", params, replying({"shipdate": "06-15-2024", "duedate": "2024-06-14"})) == [
        Violation("/shipdate", "at most /duedate (2024-06-14)", '"06-15-2024"')
    ]


@pytest.mark.parametrize(
    "document",
    [
        {"ordqty": "10"},
        {"shipqty": "12"},
        {"shipqty": "many", "ordqty": "10"},
        {"shipqty": "12", "ordqty": "ten"},
        {"shipqty": True, "ordqty": "10"},
    ],
    ids=["value-absent", "bound-absent", "value-unreadable", "bound-unreadable", "boolean-value"],
)
def test_compare_does_not_apply_without_two_readable_sides(document: dict[str, Any]) -> None:
    assert run("compare", {"path": "/shipqty", "op": "le", "than": "/ordqty"}, replying(document)) is None


def test_compare_as_date_does_not_apply_to_an_impossible_date() -> None:
    params = {"path": "/shipdate", "op": "le", "than": "/duedate", "as": "date"}
    assert run("compare", params, replying({"shipdate": "2024-02-30", "duedate": "2024-06-14"})) is None


def test_compare_does_not_apply_to_a_body_that_is_not_json() -> None:
    subject = exchange(request(ORDER), response(raw=b"oops"))
    assert run("compare", {"path": "/a", "op": "lt", "value": 1}, subject) is None


LINES = {"items": [{"shipqty": "5", "ordqty": "10"}, {"shipqty": "12", "ordqty": "10"}, {"ordqty": "3"}]}


def test_compare_within_judges_each_object_against_its_own_bound() -> None:
    params = {"within": "/items/*", "path": "/shipqty", "op": "le", "than": "/ordqty"}
    assert run("compare", params, replying(LINES)) == [
        Violation("/items/1/shipqty", "at most /items/1/ordqty (10)", '"12"')
    ]


SCHEDULED = {"within": "/items/*", "path": "/schedule/*/qty", "op": "le", "than": "/ordqty"}


def schedules(*quantities: list[str]) -> Exchange:
    return replying(
        {"items": [{"ordqty": "10", "schedule": [{"qty": q} for q in each]} for each in quantities]}
    )


def test_compare_sum_reports_a_total_above_the_bound_of_its_own_object() -> None:
    outcome = run("compare", {**SCHEDULED, "aggregate": "sum"}, schedules(["4", "6"], ["6", "5"]))
    assert outcome == [
        Violation("/items/1/schedule/*/qty", "a total at most /items/1/ordqty (10)", "total 11")
    ]


def test_compare_sum_holds_at_the_bound_where_each_would_also_hold() -> None:
    assert run("compare", {**SCHEDULED, "aggregate": "sum"}, schedules(["4", "6"])) == []


def test_compare_each_judges_entries_one_by_one_where_sum_adds_them() -> None:
    # 6 and 5 are each at most 10; their total is not
    assert run("compare", SCHEDULED, schedules(["6", "5"])) == []
    assert run("compare", {**SCHEDULED, "aggregate": "sum"}, schedules(["6", "5"]))


@pytest.mark.parametrize(
    "params",
    [
        {"path": "/a", "op": "lt"},
        {"path": "/a", "op": "lt", "than": "/b", "value": 1},
        {"path": "/a", "op": "lt", "than": "/b", "as": "text"},
        {"path": "/a", "op": "ne", "than": "/b"},
    ],
    ids=["neither-than-nor-value", "both-than-and-value", "unknown-as", "unknown-op"],
)
def test_compare_refuses_parameters_it_cannot_apply(params: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="compare: bad parameters"):
        get_check("compare")(
            CheckContext(rule=make_rule("compare", params, "response"), exchange=replying({"a": 1, "b": 2})),
            **params,
        )


def test_validate_params_accepts_as_for_compare_only() -> None:
    assert validate_params("compare", {"path": "/a", "op": "lt", "than": "/b", "as": "date"}) is None
    problem = validate_params("working_day", {"path": "/a", "as": "date"})
    assert problem is not None and "no parameter as" in problem


# ── working_day ──────────────────────────────────────────────────────────────────────────────

WEEKDAY = {"path": "/duedate"}


def test_working_day_reports_a_saturday_naming_the_day() -> None:
    assert run("working_day", WEEKDAY, replying({"duedate": "2024-06-15"})) == [
        Violation("/duedate", "a working day (Monday to Friday)", '"2024-06-15", a Saturday')
    ]


def test_working_day_reports_a_sunday_in_either_date_form() -> None:
    assert run("working_day", WEEKDAY, replying({"duedate": "06-16-2024"}))
    assert run("working_day", WEEKDAY, replying({"duedate": "2024-06-16T08:00:00"}))


def test_working_day_holds_from_monday_to_friday() -> None:
    for day in ("2024-06-10", "2024-06-11", "2024-06-12", "06-13-2024", "06-14-2024"):
        assert run("working_day", WEEKDAY, replying({"duedate": day})) == [], day


def test_working_day_reports_only_the_weekend_dates_of_several() -> None:
    document = {"items": [{"due": "2024-06-14"}, {"due": "2024-06-15"}, {"due": "06-17-2024"}]}
    outcome = run("working_day", {"path": "/items/*/due"}, replying(document))
    assert outcome is not None and [v.path for v in outcome] == ["/items/1/due"]


@pytest.mark.parametrize(
    "document",
    [{}, {"duedate": "soon"}, {"duedate": "2024-02-30"}, {"duedate": 20240615}],
    ids=["absent", "not-a-date", "impossible-date", "number"],
)
def test_working_day_does_not_apply_without_a_readable_date(document: dict[str, Any]) -> None:
    assert run("working_day", WEEKDAY, replying(document)) is None


def test_implies_within_judges_each_item_on_its_own() -> None:
    params = {"within": "/lines/*", "when_path": "/status", "when_in": ["INV"], "then_path": "/billing"}
    lines = [{"status": "SHI", "billing": ""}, {"status": "INV", "billing": "0090000017"}]
    assert run("implies", params, replying({"lines": lines})) == []  # the SHI line's "" is not judged
    lines.append({"status": "INV", "billing": ""})
    outcome = run("implies", params, replying({"lines": lines}))
    assert outcome == [Violation("/lines/2/billing", 'present when /lines/2/status is "INV"', '""')]


def test_implies_within_does_not_apply_when_no_item_triggers() -> None:
    params = {"within": "/lines/*", "when_path": "/status", "when_in": ["INV"], "then_path": "/billing"}
    assert run("implies", params, replying({"lines": [{"status": "SHI", "billing": ""}]})) is None
