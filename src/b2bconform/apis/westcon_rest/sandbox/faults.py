"""The sandbox's fault catalogue: each fault breaks exactly one rule of apis/westcon_rest/contract/rules.yaml.

Validation faults need no code of their own: the sandbox drops the 400 problems of the broken rule.
"""

from __future__ import annotations

from b2bconform.sandboxes.base import Fault, fault_catalogue
from b2bconform.sandboxes.derived import derived_faults, unenforced_faults
from b2bconform.sandboxes.rewrites import AnswerRewrite

__all__ = ["FAULTS"]

_R = "WESTCON_REST-"

FAULTS = fault_catalogue(
    [
        # ── token endpoint ──────────────────────────────────────────────────────────────────
        # ── authorisation of getOrderStatus ─────────────────────────────────────────────────
        Fault(
            "accepts-missing-token",
            f"{_R}AUTH-001",
            "a call without an Authorization header is served (a present one is still verified)",
        ),
        Fault(
            "accepts-non-bearer-scheme",
            f"{_R}AUTH-002",
            'a valid token under another scheme or none ("Token <jwt>", "<jwt>") is accepted',
        ),
        Fault(
            "accepts-missing-subscription-key",
            f"{_R}AUTH-003",
            "a call without Ocp-Apim-Subscription-Key is served (a wrong one is still refused)",
        ),
        Fault(
            "accepts-expired-token",
            f"{_R}AUTH-004",
            "an expired token is accepted (its signature, audience and issuer are still checked)",
        ),
        Fault(
            "accepts-wrong-subscription-key",
            f"{_R}AUTH-006",
            "a present but unknown Ocp-Apim-Subscription-Key is accepted (a missing one is still refused)",
        ),
        # ── request validation ──────────────────────────────────────────────────────────────
        # ── response lines ──────────────────────────────────────────────────────────────────
        Fault(
            "returns-other-partners-orders",
            f"{_R}STA-005",
            "the partnerKey is ignored: any partner's orders match",
        ),
        Fault(
            "leading-zeros-required",
            f"{_R}STA-001",
            "a Westcon order number matches only written with its ten digits",
        ),
        Fault(
            "first-order-only",
            f"{_R}STA-002",
            "a customer order number returns only the first Westcon order under it",
        ),
        Fault("accepts-foreign-audience", f"{_R}AUTH-005", "a token issued for another audience is accepted"),
        Fault("refuses-resource", f"{_R}TOK-006", "a token request naming the API as resource is refused"),
        Fault(
            "wrong-secret-bad-request",
            f"{_R}TOK-007",
            "a wrong client_secret is refused with 400, not 401",
            AnswerRewrite(path="(?i)/oauth2/token", when="AADSTS7000215", status=400),
        ),
        Fault(
            "no-match-not-found",
            f"{_R}RES-025",
            "order numbers that match no order are answered 404 (with the empty list)",
            AnswerRewrite(
                path="(?i)/orders/orderstatus", when=r'"MT_OrderStatus_Response"\s*:\s*\[\s*\]', status=404
            ),
        ),
        # derived from their rules: each answer mutated to break the rule alone (sandboxes/derived.py)
        # the rule left unenforced (sandboxes/derived.py): an orderType other than C is read as W,
        # an empty order list answered 200 with no lines
        *unenforced_faults(
            "westcon_rest",
            {f"{_R}REQ-007": "accepts-unknown-order-type", f"{_R}REQ-012": "accepts-empty-order-list"},
        ),
        *derived_faults(
            "westcon_rest",
            {
                "WESTCON_REST-TOK-010": "token-type-not-bearer",
                "WESTCON_REST-TOK-013": "token-without-expires-in",
                "WESTCON_REST-RES-013": "iso-status-date",
                "WESTCON_REST-RES-009": "zero-padded-quantity",
                "WESTCON_REST-RES-006": "unpadded-order-number",
                "WESTCON_REST-RES-004": "drops-customer-line-number",
                "WESTCON_REST-RES-012": "wrong-status-description",
                "WESTCON_REST-RES-017": "billing-document-before-invoice",
                "WESTCON_REST-RES-002": "lowercase-response-root",
                "WESTCON_REST-RES-015": "shipped-without-ship-date",
                "WESTCON_REST-RES-016": "invoiced-without-billing-document",
            },
        ),
    ]
)
