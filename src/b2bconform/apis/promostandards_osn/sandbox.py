"""PromoStandards Order Shipment Notification 2.0.0: what is particular to it beside its contract.
The shipments are the contract's own example answer (its OrderShipmentNotification entries); a
search returns them by purchase order (queryType 1), sales order (2) or shipment date (3); a
refusal is the standard's ServiceMessage, written into the contract's error example."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from lxml import etree

from b2bconform.engine.contract import contract_of
from b2bconform.sandboxes.base import Fault, fault_catalogue
from b2bconform.sandboxes.contract_soap import ContractSoapSandbox, text_at
from b2bconform.sandboxes.derived import derived_faults

__all__ = ["PromoStandardsOsnSandbox"]

API = "promostandards_osn"
RULE = "PROMOSTANDARDS_OSN-"
REQUEST = "/Envelope/Body/GetOrderShipmentNotificationRequest/"
MESSAGES = {  # the standard's codes, each with its meaning
    100: "ID (customerId) not found",
    104: "This account is unauthorized to use this service",
    105: "Authentication Credentials failed",
    110: "Authentication Credentials required",
    115: "wsVersion not found",
    120: "The following field(s) are required [{}]",
    160: "No Results Found",
    300: "queryType not found",
    302: "shipmentDateTimestamp is not a valid date-time",
    999: "General Error",
}
# rule a request breaks -> (code, the member a 120 names)
REFUSALS: Mapping[str, tuple[int, str]] = {
    f"{RULE}AUTH-001": (110, ""),
    f"{RULE}REQ-003": (120, "wsVersion"),
    f"{RULE}REQ-004": (115, ""),
    f"{RULE}REQ-005": (120, "queryType"),
    f"{RULE}REQ-006": (300, ""),
    f"{RULE}REQ-007": (120, "referenceNumber"),
    f"{RULE}REQ-008": (120, "shipmentDateTimestamp"),
    f"{RULE}REQ-009": (302, ""),
    f"{RULE}REQ-002": (999, ""),  # invalid per the schema, and no rule above says more
}
UNAUTHORISED_ID = "sbx-osn-not-authorised"  # a customer the supplier knows, not allowed this service
SITES = (
    {"id": "sbx-osn-distributor", "password": "sbx-osn-password-0001"},
    {"id": "sbx-osn-other-distributor", "password": "sbx-osn-password-0002"},
)


def _local(node: Any) -> str:
    return str(etree.QName(node).localname) if isinstance(node.tag, str) else ""


def _children(node: Any, name: str) -> list[Any]:
    return [child for child in node.iter() if _local(child) == name]


def _stamp(text: str | None) -> datetime | None:
    """A date-time; one without a zone is read as UTC (the standard's zone, REQ-009)."""
    try:
        moment = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class PromoStandardsOsnSandbox(ContractSoapSandbox):
    """One supplier's shipments, held in memory; each search answered as the standard says."""

    api: ClassVar[str] = API
    faults: ClassVar[Mapping[str, Fault]] = fault_catalogue(
        [
            *derived_faults(
                API, [f"{RULE}RES-{n}" for n in ("001", "003", "006", "007", "008")] + [f"{RULE}ERR-003"]
            ),
            Fault(
                "serves-unauthorised-id",
                "PROMOSTANDARDS_OSN-AUTH-007",
                "an id not authorised for the service is answered as unknown (100)",
            ),
            *derived_faults(API, {f"{RULE}RES-002": "fault-without-reason"}),
            Fault(
                "unknown-query-type-as-no-results", f"{RULE}ERR-008", "queryType 4 gets 160, not a refusal"
            ),
            Fault("refusals-as-warnings", f"{RULE}ERR-004", "code 105 comes with severity Warning"),
            Fault(
                "unknown-id-as-wrong-password", f"{RULE}AUTH-004", "an unknown id is answered 105, not 100"
            ),
            Fault("no-id-as-failed", f"{RULE}AUTH-008", "a request without an id is answered 105 (failed)"),
            Fault("unnamed-required-field", f"{RULE}ERR-006", "code 120 does not name the missing member"),
            Fault("ws-version-as-general-error", f"{RULE}ERR-007", "another wsVersion gets 999, not 115"),
            Fault(
                "week-back-limit", f"{RULE}REQ-011", "a date search further back than 7 days finds nothing"
            ),
            Fault(
                "missing-password-as-wrong",
                "PROMOSTANDARDS_OSN-AUTH-006",
                "a request without a password is answered 105 (failed) instead of 110 (required)",
            ),
            Fault("any-password", f"{RULE}AUTH-005", "a known id is served whatever its password"),
            Fault(
                "general-error-for-no-match",
                f"{RULE}ERR-009",
                "a search that finds nothing is answered with code 999 (General Error)",
            ),
            Fault(
                "date-ignored", f"{RULE}RES-010", "a date search returns packages shipped before its date too"
            ),
        ]
    )

    @classmethod
    def demo_credentials(cls) -> tuple[dict[str, str], ...]:
        return tuple(dict(site) for site in SITES)

    def reset(self) -> None:
        with self._lock:
            self._template = etree.fromstring(
                (contract_of(API).root / "examples" / "response.shipped.xml").read_bytes()
            )
            self._shipments = [
                copy.deepcopy(n) for n in _children(self._template, "OrderShipmentNotification")
            ]

    # ── answers ─────────────────────────────────────────────────────────────────────────────

    def answer(self, operation: str, request: Any, caller: Mapping[str, str]) -> tuple[int, bytes]:
        if caller.get("id") == UNAUTHORISED_ID and not self.has("serves-unauthorised-id"):
            return self._message(104)
        site = next((s for s in self.credential_sites if s["id"] == caller.get("id")), None)
        if site is None:
            return self._message(105 if self.has("unknown-id-as-wrong-password") else 100)
        if not caller.get("password"):
            return self._message(105 if self.has("missing-password-as-wrong") else 110)
        if caller["password"] != site["password"] and not self.has("any-password"):
            return self._message(105)
        found = self._search(request)
        if found:
            return self._shipped(found)
        if self.has("general-error-for-no-match"):
            return self._message(999)
        return self._message(160, severity="Information")

    def _search(self, request: Any) -> list[Any]:
        kind, reference = (
            text_at(request, f"{REQUEST}queryType"),
            (text_at(request, f"{REQUEST}referenceNumber") or "").strip(),
        )
        matches: dict[str | None, Callable[[Any], bool]] = {
            "1": lambda po: (
                reference in {(n.text or "").strip() for n in _children(po, "purchaseOrderNumber")}
            ),
            "2": lambda po: reference in {(n.text or "").strip() for n in _children(po, "salesOrderNumber")},
        }
        found = [copy.deepcopy(po) for po in self._shipments if matches.get(kind, lambda po: True)(po)]
        if kind == "2":  # the sales order queried, under its purchase order (RES-009)
            for po in found:
                for order in _children(po, "SalesOrder"):
                    if (text_at(order, "/SalesOrder/salesOrderNumber") or "").strip() != reference:
                        order.getparent().remove(order)
        if kind == "3":
            since = _stamp(text_at(request, f"{REQUEST}shipmentDateTimestamp"))
            if (
                since is not None
                and self.has("week-back-limit")
                and since < datetime.now(UTC) - timedelta(days=7)
            ):
                return []
            found = [po for po in found if self._since(po, since)]
        return found

    def _since(self, po: Any, since: datetime | None) -> bool:
        """Keep the packages shipped at or after ``since`` (RES-010); whether any is left."""
        for package in _children(po, "Package"):
            shipped = _stamp(text_at(package, "/Package/shipmentDate"))
            if since is not None and shipped is not None and shipped < since and not self.has("date-ignored"):
                package.getparent().remove(package)
        for parent, child in (("Shipment", "Package"), ("SalesOrder", "Shipment")):
            for node in _children(po, parent):
                if not _children(node, child):
                    node.getparent().remove(node)
        return bool(_children(po, "SalesOrder"))

    def _shipped(self, found: Sequence[Any]) -> tuple[int, bytes]:
        document = copy.deepcopy(self._template)
        (array,) = _children(document, "OrderShipmentNotificationArray")
        for entry in list(array):
            array.remove(entry)
        array.extend(found)
        return 200, etree.tostring(document, xml_declaration=True, encoding="utf-8")

    # ── refusals ────────────────────────────────────────────────────────────────────────────

    def refusal(self, broken: Sequence[str], request: Any) -> tuple[int, bytes] | None:
        refused = [refusal for rule, refusal in REFUSALS.items() if rule in broken]  # REQ-002 last
        if not refused:
            return None
        code = refused[0][0]
        code = 105 if code == 110 and self.has("no-id-as-failed") else code
        code = 999 if code == 115 and self.has("ws-version-as-general-error") else code
        if code == 300 and self.has("unknown-query-type-as-no-results"):
            return self._message(160, severity="Information")
        named = (
            "" if self.has("unnamed-required-field") else ", ".join(n for c, n in refused if c == code and n)
        )
        return self._message(code, named)

    def _message(self, code: int, detail: str = "", severity: str = "Error") -> tuple[int, bytes]:
        if self.has("refusals-as-warnings") and code == 105:
            severity = "Warning"
        document = etree.fromstring(
            (contract_of(API).root / "examples" / "response.error-120.xml").read_bytes()
        )
        (message,) = _children(document, "ServiceMessage")
        for name, value in (
            ("code", str(code)),
            ("description", MESSAGES[code].format(detail)),
            ("severity", severity),
        ):
            _children(message, name)[0].text = value
        return 200, etree.tostring(document, xml_declaration=True, encoding="utf-8")
