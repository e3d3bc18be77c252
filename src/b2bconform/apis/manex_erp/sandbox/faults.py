"""The fault catalogues: each fault breaks exactly one rule of apis/manex_so/contract or apis/manex_po/contract.

A fault acts only on the routes of its own API (the SO sandbox's faults never touch a PO call), except
the URL-error fault, which acts on every URL error: a wrong URL belongs to no API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from b2bconform.sandboxes.base import Fault, fault_catalogue
from b2bconform.sandboxes.derived import derived_faults
from b2bconform.sandboxes.rewrites import AnswerRewrite

__all__ = ["PO_FAULTS", "SO_FAULTS", "FaultSwitch"]


def _shared(prefix: str) -> list[Fault]:
    """The transport and envelope faults both APIs have, each against its own API's rule; those
    derived from their rules (sandboxes/derived.py) mutate the answers of its own routes only, bar
    the URL errors', which belong to no API."""
    api = prefix.lower()
    return [
        Fault(
            "accepts-invalid-key", f"{prefix}-AUTH-001", "answers a call with an unknown API key as if valid"
        ),
        *derived_faults(
            api,
            {f"{prefix}-AUTH-002": "valid-user-on-bad-key", f"{prefix}-ENV-001": "drops-session-id"},
            path=f"(?i)^/api/{_controller(prefix)}/",
        ),
        *derived_faults(api, {f"{prefix}-URL-001": "url-error-without-detail"}),
    ]


def _controller(rule: str) -> str:
    """The controller of a rule's API (or of its prefix), as its URLs name it: "MANEX_PO-..." -> "po"."""
    return rule.split("_")[1].split("-")[0].lower()


def _without_member(name: str, rule: str, action: str, member: str) -> Fault:
    """``action``'s answer (its JSON) leaves ``member`` out."""
    value = r'(?:"(?:[^"\\]|\\.)*"|null|true|false|-?[0-9.]+)'
    rewrite = AnswerRewrite(
        path=f"(?i)^/api/{_controller(rule)}/{action}/", old=rf'"{member}":\s*{value},\s*', new=""
    )
    return Fault(name, rule, f"{action}'s answer leaves {member} out", rewrite)


def _worded(name: str, rule: str, action: str, old: str, new: str) -> Fault:
    """A refusal the sandbox words otherwise on ``action``'s path (action names, | between): still a
    refusal of the documented shape, and still saying what does not exist where the faithful one
    does (the acceptance rule reads that), but not the message the rule names."""
    rewrite = AnswerRewrite(path=f"(?i)^/api/{_controller(rule)}/(?:{action})/", old=old, new=new)
    return Fault(name, rule, f'answers "{new}" where the document words it otherwise', rewrite)


_SO_BEHAVIOUR = [
    Fault("add-over-existing-order", "MANEX_SO-SO-010", "an Add naming an existing SoNo replaces that order"),
    Fault("accepts-unknown-buyer", "MANEX_SO-SO-017", "a Buyer that is no customer is accepted (ignored)"),
    Fault(
        "accepts-unknown-attention",
        "MANEX_SO-SO-018",
        "an ATTENTION that is not the customer's contact is ignored",
    ),
    Fault("accepts-any-initials", "MANEX_SO-SO-019", "SOAPPRVINIT of a user who may not approve is accepted"),
    Fault(
        "dated-the-day-before", "MANEX_SO-SO-020", "an order added without orderDate is dated the day before"
    ),
    Fault("no-default-ship-via", "MANEX_SO-SO-021", "an order added without ShipVia gets none"),
    Fault("no-default-terms", "MANEX_SO-SO-022", "an order added without TERMS gets none"),
    Fault("no-default-bill-account", "MANEX_SO-SO-023", "an order added without BILLACCOUNT gets none"),
    Fault("approval-date-as-sent", "MANEX_SO-SO-024", "an approval takes the SOAPPRVDT the caller sent"),
    Fault(
        "commits-to-ship-date",
        "MANEX_SO-DUE-021",
        "a due date added without commit_Dts commits to its Ship_Dts",
    ),
]

_SO_MESSAGES = [
    _worded("edit-failure-worded-otherwise", "MANEX_SO-MSG-028", "Edit",
            r"Sales Order edit failed\.Sales Order does not exists\.", "Sales Order does not exists."),
    _worded("unknown-customer-worded-otherwise", "MANEX_SO-MSG-018", "Add",
            r"Customer does not exists\.", "The customer does not exist."),
    _worded("unknown-order-get-worded-otherwise", "MANEX_SO-MSG-019", "Get",
            r'"Sales Order does not exists\."', '"Sales Order get failed.The order does not exist."'),
    _worded("unknown-order-item-worded-otherwise", "MANEX_SO-MSG-020", "ItemAdd|ItemEdit",
            r'"Sales Order does not exists\."', '"Sales Order Item add failed.The order does not exist."'),
    _worded("unknown-line-worded-otherwise", "MANEX_SO-MSG-021", "ItemGet",
            r"Sales Order Item does not exists\.", "Sales Order Item get failed.The line does not exist."),
    _worded("missing-uniqln-worded-otherwise", "MANEX_SO-MSG-022", "ItemDelete",
            r"UniqLn not provided\.", "Sales Order Item delete failed.UniqLn is required."),
    _worded("line-not-on-order-worded-otherwise", "MANEX_SO-MSG-023",
            "PriceAdd|PriceEdit|DueDateAdd|DueDateEdit",
            r"Sales Order item with uniqueLn:'[^']*' does not (?:exists?|exits) in SO:'[^']*'\.",
            "Sales Order Price add failed.The line does not exist on the order."),
    _worded("missing-price-link-worded-otherwise", "MANEX_SO-MSG-024", "PriceEdit|PriceDelete",
            r"PlPriceLnk not provided\.", "Sales Order Price edit failed.PlPriceLnk is required."),
    _worded("unknown-price-worded-otherwise", "MANEX_SO-MSG-025", "PriceGet|PriceDelete",
            r"Sales Order Price does not exists\.", "Sales Order Price get failed.The price does not exist."),
    _worded("unknown-due-date-worded-otherwise", "MANEX_SO-MSG-026", "DueDateGet",
            r"(?:\$\$)?Sales Order Due Date does not exists\.", "Sales Order Due Date get failed.The date does not exist."),
    _worded("missing-due-date-key-worded-otherwise", "MANEX_SO-MSG-027", "DueDateEdit|DueDateDelete",
            r"DueDt_Uniq not provided\.", "Sales Order Due Date edit failed.DueDt_Uniq is required."),
]  # fmt: skip

_PO_BEHAVIOUR = [
    Fault("get-not-allowed", "MANEX_PO-TRN-002", "an action answers a GET with 405; only POST is served"),
    Fault(
        "query-wins",
        "MANEX_PO-TRN-004",
        "a parameter in both the query string and the body takes the query's value",
    ),
    Fault(
        "accepts-unknown-buyer",
        "MANEX_PO-PO-020",
        "a buyerName the vendor does not know is accepted (ignored)",
    ),
    Fault(
        "accepts-unknown-address-link",
        "MANEX_PO-PO-021",
        "an address link the supplier does not have is accepted (ignored)",
    ),
    Fault(
        "accepts-unknown-supplier",
        "MANEX_PO-PO-022",
        "an unknown supName is read as the first seeded supplier",
    ),
    Fault(
        "accepts-unknown-manufacturer",
        "MANEX_PO-ITM-018",
        "a partmfgr the part does not have is read as the part's first manufacturer",
    ),
    Fault(
        "unknown-action-bad-request",
        "MANEX_PO-URL-005",
        "a URL naming an action the PO controller does not have is answered 400, not 404",
    ),
]

_PO_ANSWERS = [
    _without_member("add-answer-without-footer", "MANEX_PO-RES-017", "Add", "POFOOTER"),
    _without_member("item-add-answer-without-exception-note", "MANEX_PO-RES-021", "ItemAdd", "INSPEXCNOTE"),
    _without_member("schedule-add-answer-without-notes", "MANEX_PO-RES-024", "ScheduleAdd", "SCHDNOTES"),
    _worded("not-enough-information-worded-otherwise", "MANEX_PO-MSG-024", "Get|ItemGet",
            r"Not enough information to return the data, please provide valid parameters\.",
            "Missing search parameters."),
    _worded("missing-uniqdetno-worded-otherwise", "MANEX_PO-MSG-027", "ScheduleEdit",
            r"UNIQDETNO is required\.", "The schedule key is missing."),
    Fault(
        "url-error-quotes-another-uri",
        "MANEX_PO-URL-008",
        "a URL error quotes the API's root, not the URI that was requested",
        AnswerRewrite(path="(?i)^/api/po/", old=r"(request URI ')[^']*'", new=r"\1http://localhost/api/PO/'"),
    ),
    Fault(
        "parameter-not-named",
        "MANEX_PO-MSG-026",
        "a refusal for a bad parameter's value says \"The value must be ...\" without naming the parameter",
        AnswerRewrite(path="(?i)^/api/po/", old=r"(failed[.:])[A-Za-z_]+ must be", new=r"\1The value must be"),
    ),
    Fault(
        "missing-key-bad-request",
        "MANEX_PO-URL-006",
        "a URL without the API key segment is answered 400, not 404",
        AnswerRewrite(path="(?i)^/api/po/[a-z]+/?$", when="No HTTP resource", status=400),
    ),
]  # fmt: skip

SO_FAULTS = fault_catalogue(
    [
        *_shared("MANEX_SO"),
        *_SO_BEHAVIOUR,
        *_SO_MESSAGES,
        Fault(
            "accepts-add-without-custno",
            "MANEX_SO-SO-001",
            "SO Add without custNo is accepted for the first seeded customer",
        ),
        Fault(
            "accepts-unpadded-custno",
            "MANEX_SO-SO-002",
            "a custNo of fewer than ten digits is zero-padded instead of refused",
        ),
        Fault("accepts-iso-order-date", "MANEX_SO-SO-003", "orderDate is also accepted as YYYY-MM-DD"),
        Fault("accepts-unknown-fob", "MANEX_SO-SO-004", "an unknown FOB is accepted (and ignored)"),
        Fault(
            "approves-without-initials",
            "MANEX_SO-SO-005",
            "SOAPPROVAL=1 without SOAPPRVINIT approves the order",
        ),
        Fault(
            "accepts-unknown-item-status",
            "MANEX_SO-ITM-001",
            "an unknown item status is accepted (the line keeps STANDARD or its current status)",
        ),
        Fault(
            "accepts-each-qty-above-ordered",
            "MANEX_SO-ITM-002",
            "an eachQty equal to or above ord_qty is accepted",
        ),
        Fault(
            "edits-item-without-line",
            "MANEX_SO-ITM-003",
            "Item Edit without line_no and UNIQUELN edits the order's first line",
        ),
        Fault("accepts-ship-after-due", "MANEX_SO-DUE-001", "a Ship_Dts on or after Due_DTS1 is accepted"),
        Fault(
            "over-schedules-line",
            "MANEX_SO-DUE-002",
            "due dates may schedule more than the line's order quantity",
        ),
        # a key mutated where it is only read (the Gets' answers), so the orders' lifecycles go on
        *derived_faults(
            "manex_so", {"MANEX_SO-RES-001": "unpadded-sono-in-get"}, path="(?i)^/api/so/(?:get|itemget)/"
        ),
        Fault("short-price-link", "MANEX_SO-RES-002", "generated PLPRICELNK keys are 8 characters long"),
    ]
)

PO_FAULTS = fault_catalogue(
    [
        *_PO_BEHAVIOUR,
        *_PO_ANSWERS,
        *_shared("MANEX_PO"),
        Fault(
            "accepts-po-without-supplier",
            "MANEX_PO-PO-001",
            "PO Add without supName is accepted for the first seeded supplier",
        ),
        Fault(
            "accepts-12-hour-delivery-time",
            "MANEX_PO-PO-002",
            'a 12-hour deliveryTime such as "1:00 PM" is accepted (stored as 24-hour time)',
        ),
        Fault(
            "accepts-unknown-terms",
            "MANEX_PO-PO-003",
            "unknown Terms are accepted (the PO keeps the supplier's or its current terms)",
        ),
        Fault(
            "taxes-untaxable-shipping",
            "MANEX_PO-PO-004",
            "shippingTaxPct without isShippingTaxable=1 is accepted and makes the shipping taxable",
        ),
        Fault(
            "accepts-unknown-item-type",
            "MANEX_PO-ITM-001",
            "an unknown POITTYPE is accepted (stored as Invt Part)",
        ),
        Fault(
            "accepts-free-lead-time",
            "MANEX_PO-ITM-002",
            "a pur_ltime that is not digits and DY/WK/MO is accepted (and ignored)",
        ),
        Fault(
            "accepts-part-without-revision",
            "MANEX_PO-ITM-003",
            "part_no without revision is accepted (the part's first revision is used)",
        ),
        Fault(
            "accepts-unknown-unit",
            "MANEX_PO-ITM-004",
            "an unknown U_OF_MEAS is accepted (the part's unit is kept)",
        ),
        Fault(
            "accepts-unknown-package",
            "MANEX_PO-ITM-005",
            "an unknown package is accepted (the part's package is kept)",
        ),
        Fault(
            "over-schedules-item",
            "MANEX_PO-SCH-001",
            "a schedule's schd_qty may exceed the item's order quantity",
        ),
        Fault("accepts-iso-schedule-date", "MANEX_PO-SCH-002", "schd_date is also accepted as YYYY-MM-DD"),
        *derived_faults("manex_po", {"MANEX_PO-RES-001": "unpadded-ponum"}, path="(?i)^/api/po/get/"),
        Fault("short-schedule-key", "MANEX_PO-RES-002", "generated UNIQDETNO keys are 8 characters long"),
    ]
)


@dataclass(frozen=True)
class FaultSwitch:
    """Whether one API's handlers run a fault: ``active`` is None on the other API's routes."""

    catalogue: Mapping[str, Fault]
    active: str | None = None

    def __call__(self, name: str) -> bool:
        if name not in self.catalogue:
            raise KeyError(f"no fault {name!r} in this catalogue")
        return self.active == name
