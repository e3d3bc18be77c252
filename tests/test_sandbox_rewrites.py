"""Faults that rewrite a faithful sandbox's answers: only the answers they name change, and only
as they say (body, status, Content-Length)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from b2bconform.engine.model import Exchange, Request
from b2bconform.sandboxes import SANDBOXES
from b2bconform.sandboxes.rewrites import SERVED_KEPT, AnswerRewrite, RawHeaders, rewriting


def _app() -> ASGIApp:
    async def answer(request: object) -> JSONResponse:
        return JSONResponse({"Message": "Sales Order does not exists.", "Code": 403})

    return Starlette(routes=[Route("/{path:path}", answer, methods=["GET"])])


async def _get(app: ASGIApp, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sbx") as client:
        return await client.get(path)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_rewrite_changes_the_named_answers_only(anyio_backend: str) -> None:
    rewrite = AnswerRewrite(path="(?i)^/api/so/get/", old=r"does not exists\.", new="is gone.", status=404)
    app = rewriting(_app(), rewrite)
    changed = await _get(app, "/API/SO/Get/key")
    assert changed.status_code == 404 and changed.json()["Message"] == "Sales Order is gone."
    assert changed.headers["content-length"] == str(len(changed.content))
    untouched = await _get(app, "/API/SO/ItemGet/key")
    assert untouched.status_code == 200 and untouched.json()["Message"] == "Sales Order does not exists."


@dataclass
class _Recorder:
    """A rewrite that changes nothing and notes what it was shown of the earlier exchanges."""

    path: str = "^/api/"
    seen: list[list[str]] = field(default_factory=list)

    def rewrite(
        self, asked: Request, status: int, headers: RawHeaders, body: bytes, served: Sequence[Exchange] = ()
    ) -> tuple[int, RawHeaders, bytes]:
        self.seen.append([f"{e.request.path} {e.response.status if e.response else ''}" for e in served])
        return status + 1, headers, body


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_rewrite_reads_the_exchanges_it_sent_before_as_sent_and_bounded(anyio_backend: str) -> None:
    recorder = _Recorder()
    app = rewriting(_app(), recorder)
    for index in range(SERVED_KEPT + 2):
        await _get(app, f"/api/{index}")
    await _get(app, "/elsewhere")  # a path the rewrite does not name is neither rewritten nor kept
    await _get(app, "/api/last")
    assert recorder.seen[0] == [] and recorder.seen[1] == ["/api/0 201"]
    assert len(recorder.seen[-1]) == SERVED_KEPT and recorder.seen[-1][-1] == f"/api/{SERVED_KEPT + 1} 201"


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_rewrite_whose_condition_does_not_hold_leaves_the_answer_as_it_was(
    anyio_backend: str,
) -> None:
    app = rewriting(_app(), AnswerRewrite(path="", when="AADSTS", status=400))
    answer = await _get(app, "/anything")
    assert answer.status_code == 200 and answer.json()["Code"] == 403


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_sandbox_serves_its_rewrite_only_while_that_fault_runs(anyio_backend: str) -> None:
    sandbox = SANDBOXES["moduslink_po"]
    faithful = await _post(sandbox().app())
    faulty = await _post(sandbox("subscription-refusal-worded-otherwise").app())
    assert faithful.status_code == faulty.status_code == 401
    assert "invalid subscription key" in faithful.text
    assert "invalid subscription key" not in faulty.text and "Access denied." in faulty.text


async def _post(app: ASGIApp) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sbx") as client:
        return await client.post("/purchaseapi/v1/orders", json={})  # no subscription key
