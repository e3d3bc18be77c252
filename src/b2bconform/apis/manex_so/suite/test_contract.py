"""The rule-driven suite of manex_so, from its contract and the document's examples (b2bconform.rulesuite)."""

import pytest

from b2bconform.rulesuite import rule_driven_tests

API = "manex_so"
pytestmark = pytest.mark.api(API)

test_examples, test_generated, test_request_rules, test_wrong_secrets, test_read_back = rule_driven_tests(API)
