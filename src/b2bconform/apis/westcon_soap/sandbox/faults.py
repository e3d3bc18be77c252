"""The sandbox's fault catalogue: each fault breaks exactly one rule of apis/westcon_soap/contract/rules.yaml."""

from __future__ import annotations

from b2bconform.sandboxes.base import Fault, fault_catalogue
from b2bconform.sandboxes.derived import derived_faults

__all__ = ["FAULTS"]

FAULTS = fault_catalogue(
    [
        Fault(
            "accepts-long-account-number",
            "WESTCON_SOAP-REQ-003",
            "accepts a CustomerAccountNumber longer than 10 characters (and a username that long, "
            "with the first account's password)",
        ),
        Fault(
            "accepts-unknown-order-type",
            "WESTCON_SOAP-REQ-004",
            "an OrderNumberType other than W or C is read as W",
        ),
        Fault(
            "accepts-long-order-number",
            "WESTCON_SOAP-REQ-008",
            "accepts an OrderNumber longer than 35 characters (it is simply not found)",
        ),
        Fault(
            "accepts-empty-orders",
            "WESTCON_SOAP-REQ-006",
            "an Orders block without any Order is answered 200 with Orders nil",
        ),
        Fault(
            "ignores-missing-token",
            "WESTCON_SOAP-AUTH-001",
            "a call without a UsernameToken Username is taken for the first account's (a wrong password is still refused)",
        ),
        Fault(
            "ignores-account-mismatch",
            "WESTCON_SOAP-AUTH-004",
            "a CustomerAccountNumber other than the Username is not refused: that account's orders are returned",
        ),
        Fault(
            "serials-always",
            "WESTCON_SOAP-RES-008",
            "serial numbers and MAC addresses are returned even when not asked for",
        ),
        Fault("fault-without-reason", "WESTCON_SOAP-RES-002", "SOAP faults carry an empty faultstring"),
        Fault(
            "order-level-errors",
            "WESTCON_SOAP-RES-013",
            'every returned Order carries an Errors block with one Error (ErrorNo 0, ErrorDetail "none")',
        ),
        Fault(
            "default-type-customer",
            "WESTCON_SOAP-REQ-010",
            "without OrderNumberType, numbers are read as customer order numbers",
        ),
        Fault(
            "accepts-wrong-password",
            "WESTCON_SOAP-AUTH-003",
            "a known account number is accepted with any password",
        ),
        # derived from their rules: each answer mutated to break the rule alone (sandboxes/derived.py)
        *derived_faults(
            "westcon_soap",
            ["WESTCON_SOAP-RES-004", "WESTCON_SOAP-RES-007", "WESTCON_SOAP-RES-011", "WESTCON_SOAP-RES-017"],
        ),
        *derived_faults(
            "westcon_soap",
            {
                "WESTCON_SOAP-RES-005": "status-71-invoiced",
                "WESTCON_SOAP-RES-006": "line-status-mismatch",
                "WESTCON_SOAP-RES-003": "wrong-content-type",
                "WESTCON_SOAP-RES-014": "metadata-operation-type",
                "WESTCON_SOAP-RES-010": "wrong-orders-returned",
            },
        ),
    ]
)
