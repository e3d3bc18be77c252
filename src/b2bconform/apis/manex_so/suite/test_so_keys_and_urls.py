"""The API key in the URL path, and the ASP.NET answer to a URL that names no action."""

from __future__ import annotations

import pytest

from b2bconform.apis.manex_erp.generators import INVALID_KEY, call, envelope, operations
from b2bconform.session import Judge

API = "manex_so"
pytestmark = pytest.mark.api(API)
# The onboarding smoke subset takes the SOGet cases: SOGet only reads (the ids stay the plain names).
READS_SMOKE = [pytest.param(op, marks=pytest.mark.smoke) if op == "SOGet" else op for op in operations(API)]


@pytest.mark.rules("MANEX_SO-AUTH-001")
@pytest.mark.parametrize("form", ["json", "query"])
@pytest.mark.parametrize("operation", READS_SMOKE)
def test_an_invalid_api_key_is_refused_on_every_action(judge: Judge, operation: str, form: str) -> None:
    judgement = call(judge, operation, {"sono": "0000000001"}, form=form, key=INVALID_KEY)  # type: ignore[arg-type]
    answer = envelope(judgement)
    assert (answer.get("Code"), answer.get("Message")) == (403, "Invalid API Key."), answer
    judge.expect_conforms(judgement)


@pytest.mark.rules("MANEX_SO-URL-001")
@pytest.mark.parametrize(
    "path",
    ["/API/SO/NoSuchAction/{apiKey}", "/api/SOAdd/{apiKey}", "/API/SO/Add/", "/API/SO/Add/{apiKey}/extra"],
    ids=["unknown-action", "unknown-controller", "missing-key", "extra-segment"],
)
def test_a_url_naming_no_action_gets_the_http_resource_error(judge: Judge, path: str) -> None:
    judgement = judge.send("POST", path, json={"SoNo": "0000000001"})
    response = judgement.exchange.response
    assert response is not None and response.status == 404, response
    assert envelope(judgement).get("Message", "").startswith("No HTTP resource was found"), envelope(
        judgement
    )
    judge.expect_conforms(judgement)
