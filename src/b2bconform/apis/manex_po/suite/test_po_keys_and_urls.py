"""The API key in the URL path, the routes, and the ASP.NET answer to a URL that names no action."""

from __future__ import annotations

import pytest

from b2bconform.apis.manex_erp.generators import (
    INVALID_KEY,
    KEY_PLACEHOLDER,
    action_path,
    call,
    envelope,
    operations,
)
from b2bconform.session import Judge

API = "manex_po"
pytestmark = pytest.mark.api(API)
# The onboarding smoke subset takes the POGet cases: POGet only reads (the ids stay the plain names).
READS_SMOKE = [pytest.param(op, marks=pytest.mark.smoke) if op == "POGet" else op for op in operations(API)]


# Code and Message only: whether IsValidUser is false is AUTH-002's own check, so a wrong
# IsValidUser fails that rule alone.
@pytest.mark.rules("MANEX_PO-AUTH-001")
@pytest.mark.parametrize("form", ["json", "query"])
@pytest.mark.parametrize("operation", READS_SMOKE)
def test_an_invalid_api_key_is_refused_on_every_action(judge: Judge, operation: str, form: str) -> None:
    judgement = call(judge, operation, {"ponum": "000000000000001"}, form=form, key=INVALID_KEY)  # type: ignore[arg-type]
    answer = envelope(judgement)
    assert (answer.get("Code"), answer.get("Message")) == (403, "Invalid API Key."), answer
    judge.expect_conforms(judgement)


@pytest.mark.rules("MANEX_PO-URL-005")
@pytest.mark.parametrize(
    "path",
    [
        "/api/PO/NoSuchAction/{apiKey}",
        "/api/PO/ItemDelet/{apiKey}",
        "/api/POScheduleAdd/{apiKey}",
        "/api/POAdd/{apiKey}",
        "/api/PO/Add/{apiKey}/extra",
    ],
    ids=["unknown-action", "misspelt-action", "unknown-controller", "action-as-controller", "extra-segment"],
)
def test_a_url_naming_no_action_gets_the_url_error_404(judge: Judge, path: str) -> None:
    judgement = judge.send("POST", path, json={"poNum": "000000000000001"})
    response = judgement.exchange.response
    judge.expect_conforms(judgement)
    assert response is not None and response.status == 404, response


@pytest.mark.rules("MANEX_PO-URL-006")
@pytest.mark.parametrize("path", ["/api/PO/Add/", "/api/PO/Add", "/api/PO/ScheduleGet/"])
def test_a_url_without_the_api_key_gets_the_url_error_404(judge: Judge, path: str) -> None:
    judgement = judge.send("POST", path, json={"poNum": "000000000000001"})
    response = judgement.exchange.response
    judge.expect_conforms(judgement)
    assert response is not None and response.status == 404, response


def _cased(path: str, casing: str) -> str:
    """The route with its letters (not the key placeholder) in another case."""
    route, key = path[: path.index(KEY_PLACEHOLDER)], path[path.index(KEY_PLACEHOLDER) :]
    return {"documented": route, "upper": route.upper(), "lower": route.lower()}[casing] + key


@pytest.mark.rules("MANEX_PO-URL-007")
@pytest.mark.parametrize("casing", ["documented", "upper", "lower"])
@pytest.mark.parametrize("operation", READS_SMOKE)
def test_every_action_is_served_at_api_po_action_in_any_letter_case(
    judge: Judge, operation: str, casing: str
) -> None:
    path = _cased(action_path(API, operation), casing)
    assert path.lower().startswith(f"/api/po/{operation.removeprefix('PO').lower()}/"), path
    # no parameters: the action itself answers (a refusal envelope), not the URL-error 404
    judgement = judge.send("POST", path, json={})
    judge.expect_conforms(judgement)
    answer = envelope(judgement)
    assert answer.get("IsValidUser") is True and answer.get("Code") in (200, 403), answer


@pytest.mark.rules("MANEX_PO-URL-008")
@pytest.mark.parametrize(
    "path",
    ["/api/PO/ItemDelet/{apiKey}", "/api/POScheduleEdit/{apiKey}?poNum=410", "/api/PO/Add/"],
    ids=["misspelt-action", "unknown-controller-with-query", "missing-key"],
)
def test_a_url_error_quotes_the_uri_that_was_requested(judge: Judge, path: str) -> None:
    judgement = judge.send("POST", path, json={})
    judge.expect_conforms(judgement)
    # the exchange and the answer are redacted alike: a key in the URI is masked in both
    requested = judgement.exchange.request.url
    assert f"'{requested}'" in str(envelope(judgement).get("Message")), (requested, envelope(judgement))
