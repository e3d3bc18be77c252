"""The sandbox's fault catalogue: each fault breaks exactly one rule of apis/westcon_soap/contract/rules.yaml."""

from __future__ import annotations

from b2bconform.sandboxes.base import Fault, fault_catalogue
from b2bconform.sandboxes.derived import derived_faults, unenforced_faults

__all__ = ["FAULTS"]

FAULTS = fault_catalogue(
    [
        # the rule left unenforced (sandboxes/derived.py): its XSD errors are not refused, so a long
        # account (with a username that long, taken with the first account's password) is looked
        # up, another OrderNumberType is read as W, a long OrderNumber is simply not found and an
        # Orders block without any Order is answered with Orders nil
        *unenforced_faults(
            "westcon_soap",
            {
                "WESTCON_SOAP-REQ-003": "accepts-long-account-number",
                "WESTCON_SOAP-REQ-004": "accepts-unknown-order-type",
                "WESTCON_SOAP-REQ-008": "accepts-long-order-number",
                "WESTCON_SOAP-REQ-006": "accepts-empty-orders",
            },
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
                "WESTCON_SOAP-RES-002": "fault-without-reason",
            },
        ),
    ]
)
