"""The sandbox's fault catalogue: each fault breaks exactly one rule of apis/moduslink_po/contract/rules.yaml.

Validation faults need no code of their own: the sandbox drops the 412 problems of the broken rule.
"""

from __future__ import annotations

from b2bconform.sandboxes.base import Fault, fault_catalogue
from b2bconform.sandboxes.derived import derived_faults, unenforced_faults
from b2bconform.sandboxes.rewrites import AnswerRewrite

__all__ = ["FAULTS"]

FAULTS = fault_catalogue(
    [
        Fault(
            "rejects-repeat-external-reference",
            "MODUSLINK_PO-RES-014",
            "answers 409 to a repeated externalMessageReference under a new requestReference",
        ),
        Fault("error-code-mismatch", "MODUSLINK_PO-ERR-002", '412 bodies carry errorCode "400"'),
        Fault(
            "malformed-json-500",
            "MODUSLINK_PO-REQ-001",
            "a body that is not a JSON object gets 500 instead of 400",
        ),
        Fault(
            "accepts-unknown-config-id",
            "MODUSLINK_PO-AUTH-004",
            "an unknown ClientConfigId is taken for the first site's",
        ),
        Fault(
            "accepts-any-auth-key",
            "MODUSLINK_PO-AUTH-005",
            "any ClientAuthKey is accepted, except another site's key",
        ),
        Fault(
            "ignores-subscription-key",
            "MODUSLINK_PO-AUTH-003",
            "a call without Ocp-Apim-Subscription-Key is accepted (a wrong one is still refused)",
        ),
        Fault(
            "accepts-any-subscription-key",
            "MODUSLINK_PO-AUTH-006",
            "a wrong Ocp-Apim-Subscription-Key is accepted (a missing one is still refused)",
        ),
        Fault("lost-after-first-read", "MODUSLINK_PO-GET-018", "an order is gone once it has been read"),
        Fault(
            "default-uom-box", "MODUSLINK_PO-REQ-035", "an item sent without quantity.uom reads back as BX"
        ),
        Fault(
            "accepts-other-sites-key",
            "MODUSLINK_PO-AUTH-007",
            "a ClientAuthKey is accepted with another site's ClientConfigId",
        ),
        Fault(
            "subscription-refusal-worded-otherwise",
            "MODUSLINK_PO-AUTH-008",
            'the 401 for an invalid subscription key says "Access denied."',
            AnswerRewrite(
                path="", old=r"Access denied due to invalid subscription key\.[^\"]*", new="Access denied."
            ),
        ),
        # derived from their rules (sandboxes/derived.py): the rule left unenforced...
        *unenforced_faults(
            "moduslink_po",
            {
                "MODUSLINK_PO-REQ-012": "accepts-long-request-reference",
                "MODUSLINK_PO-REQ-014": "accepts-offset-timestamp",
                "MODUSLINK_PO-REQ-034": "accepts-unknown-uom",
                "MODUSLINK_PO-REQ-028": "accepts-long-sku",
                "MODUSLINK_PO-REQ-013": "accepts-duplicate-reference",
            },
        ),
        # ...or each answer mutated to break the rule alone
        *derived_faults(
            "moduslink_po",
            {
                "MODUSLINK_PO-ERR-006": "error-without-path",
                "MODUSLINK_PO-ERR-011": "wrong-auth-error-type",
                "MODUSLINK_PO-RES-005": "result-as-boolean",
                "MODUSLINK_PO-RES-002": "wrong-content-type",
                "MODUSLINK_PO-GET-009": "offset-timestamps-on-read",
                "MODUSLINK_PO-ERR-015": "duplicate-path-wrong",
                "MODUSLINK_PO-RES-001": "accepted-with-200",
                "MODUSLINK_PO-ACC-004": "reference-not-echoed",
                "MODUSLINK_PO-GET-011": "confirmed-without-order-id",
                "MODUSLINK_PO-GET-015": "notes-not-echoed",
                "MODUSLINK_PO-ACC-006": "no-order-link",
            },
        ),
    ]
)
