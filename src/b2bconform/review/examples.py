"""A contract's copy of the vendor document's examples: ``index.yaml`` and ``judging.yaml``, validated.

Every problem is an ``InputFileError`` naming the file, the line and what was expected: a review
built on a misread judging file would tell the vendor something the harness never decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from b2bconform.engine.model import Exchange
from b2bconform.engine.yamlfile import YamlDocument, explain_schema_error, load_yaml
from b2bconform.errors import InputFileError, UsageError
from b2bconform.locations import contract_dir
from b2bconform.review.model import CaseKind, ExampleCase, ExampleSource

__all__ = [
    "EXPECTED_FINDINGS",
    "NOTE",
    "ExampleSet",
    "entry_list",
    "judging_schema",
    "load_examples",
    "try_building",
]

RULE_ID = "^[A-Z][A-Z0-9_]*-[A-Z]+-[0-9]{3}$"
# The pieces every judging.yaml entry shares, for the API modules' schemas.
EXPECTED_FINDINGS: dict[str, Any] = {"type": "array", "items": {"type": "string", "pattern": RULE_ID}}
NOTE: dict[str, Any] = {"type": "string", "minLength": 1}


def judging_schema(**lists: Any) -> dict[str, Any]:
    """The schema of a judging.yaml holding every one of ``lists`` (name: schema)."""
    return {"type": "object", "required": list(lists), "properties": lists}


def entry_list(*required: str, **properties: Any) -> dict[str, Any]:
    """The schema of a judging.yaml list of entries: mappings holding the ``required`` keys, with
    ``expected_findings`` and ``discrepancy`` typed as in every API's judging file."""
    typed = {
        "expected_findings": EXPECTED_FINDINGS,
        "expected_discrepancies": EXPECTED_FINDINGS,
        "discrepancy": NOTE,
        **properties,
    }
    return {"type": "array", "items": {"type": "object", "required": list(required), "properties": typed}}


def pairs_judging_schema(*pairing_keys: str) -> dict[str, Any]:
    """The judging.yaml of ``pairings`` (a response example answering a request example; each also
    holds ``pairing_keys``) and ``requests`` (a request example judged alone as a caller's)."""
    return judging_schema(
        pairings=entry_list(
            "request", "response", "expected_findings", *pairing_keys, request=NOTE, response=NOTE
        ),
        requests=entry_list("file", "expected_findings", file=NOTE),
    )


INDEX_SCHEMA: dict[str, Any] = {
    "type": "array",  # empty for a document that prints no example (or a new API's, not yet written)
    "items": {
        "type": "object",
        "required": ["file", "kind", "source"],
        "properties": {
            "file": NOTE,
            "kind": NOTE,
            "operation": {"type": ["string", "null"]},
            "source": {
                "type": "object",
                "required": ["file", "section"],
                "properties": {"file": NOTE, "section": NOTE, "heading": NOTE},
            },
            "shown": NOTE,
        },
    },
}


@dataclass(frozen=True)
class ExampleSet:
    """One API's examples folder: the index (where each example is printed) and how each is judged."""

    api: str
    folder: Path
    index: tuple[Mapping[str, Any], ...]
    judging: Mapping[str, Any]
    index_document: YamlDocument
    judging_document: YamlDocument

    @property
    def index_path(self) -> Path:
        return self.folder / "index.yaml"

    @property
    def judging_path(self) -> Path:
        return self.folder / "judging.yaml"

    def indexed(self, name: str, location: Sequence[str | int] = ()) -> Mapping[str, Any]:
        """The index entry of example ``name``; a judging entry (at ``location``) naming no indexed
        example is a malformed judging file."""
        for entry in self.index:
            if entry["file"] == name:
                return entry
        raise self.error(location, f"names example {name!r}, which index.yaml does not list")

    def path(self, name: str) -> Path:
        return self.folder / name

    def text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def bytes(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def source(self, name: str) -> ExampleSource:
        entry = self.indexed(name)
        source = entry["source"]
        detail = source.get("heading") or entry.get("shown")
        return ExampleSource(name, str(source["file"]), str(source["section"]), detail)

    def case(
        self,
        kind: CaseKind,
        location: tuple[str | int, ...],
        entry: Mapping[str, Any],
        *,
        example: str,
        paired: Sequence[str] = (),
        exchanges: Iterable[Exchange] = (),
        **extra: Any,
    ) -> ExampleCase:
        """The case of the judging entry at ``location``, which judges ``example`` (with ``paired``):
        both must be indexed; the operation it must be judged as is the index's."""
        indexed = self.indexed(example, location)
        for other in paired:
            self.indexed(other, location)
        return ExampleCase.of(
            self.api, kind, location, entry,
            example=example, paired=paired, exchanges=exchanges, operation=indexed.get("operation"), **extra,
        )  # fmt: skip

    def pairing_case(
        self,
        location: tuple[str | int, ...],
        entry: Mapping[str, Any],
        exchanges: Iterable[Exchange],
        *,
        paired: Sequence[str] | None = None,
        **extra: Any,
    ) -> ExampleCase:
        """A pairing entry's case: its ``response`` example judged, answering its ``request`` example
        (or ``paired``, for an API whose pairings all answer one request example)."""
        if paired is None:
            paired = [entry["request"]] if "request" in entry else []
        return self.case(
            "pairing", location, entry, example=entry["response"], paired=paired, exchanges=exchanges, **extra
        )

    def request_case(
        self,
        location: tuple[str | int, ...],
        entry: Mapping[str, Any],
        exchanges: Iterable[Exchange],
        **extra: Any,
    ) -> ExampleCase:
        """A request entry's case: its ``file`` example judged as a caller's request."""
        return self.case("request", location, entry, example=entry["file"], exchanges=exchanges, **extra)

    def paired_cases(
        self, exchange: Callable[[str, str], Exchange], reply: Callable[[str], str]
    ) -> list[ExampleCase]:
        """The cases of the ``pairings`` (a response example answering a request example) and the
        ``requests`` (a request example judged alone, answered with ``reply(request)``), each
        exchange built by ``exchange(request, response)``."""
        found = [
            self.pairing_case(location, entry, [exchange(entry["request"], entry["response"])])
            for location, entry in self.entries("pairings")
        ]
        found += [
            self.request_case(location, entry, [exchange(entry["file"], reply(entry["file"]))])
            for location, entry in self.entries("requests")
        ]
        return found

    def first_answer(self, request: str, statuses: range) -> str:
        """The first response example of ``request``'s operation whose status (200 where the index
        gives none) is in ``statuses``."""
        operation = self.indexed(request).get("operation")
        for entry in self.index:
            answers = entry["kind"] == "response" and entry.get("operation") == operation
            if answers and int(entry.get("status", 200)) in statuses:
                return str(entry["file"])
        wanted = f"{statuses.start}" if len(statuses) == 1 else f"{statuses.start}-{statuses.stop - 1}"
        raise self.error([], f"no response example of {operation} with status {wanted} answers {request}")

    def entries(self, key: str) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, Any]]]:
        """The entries of judging.yaml's list ``key``, each with its location. Every example an entry
        names (``file``, ``response``, ``request``) must be indexed: checked before anything reads it."""
        for position, entry in enumerate(self.judging.get(key) or ()):
            location: tuple[str | int, ...] = (key, position)
            for name in ("file", "response", "request"):
                if isinstance(entry.get(name), str):
                    self.indexed(entry[name], [*location, name])
            yield location, entry

    def error(self, location: Sequence[str | int], problem: str) -> InputFileError:
        return self.judging_document.error(location, problem)


def load_examples(
    api: str, judging_schema: Mapping[str, Any], contracts_dir: Path | None = None
) -> ExampleSet:
    """Read and validate ``<contracts_dir>/<api>/examples/`` against the API's judging schema."""
    folder = (contracts_dir / api if contracts_dir is not None else contract_dir(api)) / "examples"
    if not folder.is_dir():
        raise UsageError(f"{folder}: no examples folder for api {api!r}")
    index_document = load_yaml(folder / "index.yaml")
    index_document.validate(INDEX_SCHEMA, index_document.data, explain=_explain)
    judging_document = load_yaml(folder / "judging.yaml")
    judging_document.validate(judging_schema, judging_document.data, explain=_explain)
    for position, entry in enumerate(index_document.data):
        if not (folder / entry["file"]).is_file():
            raise index_document.error(
                [position, "file"], f"lists {entry['file']!r}, which is not in {folder}"
            )
    _require_notes(judging_document, judging_document.data, [])
    return ExampleSet(
        api=api,
        folder=folder,
        index=tuple(index_document.data),
        judging=judging_document.data,
        index_document=index_document,
        judging_document=judging_document,
    )


def try_building(build: Callable[[], Exchange]) -> tuple[list[Exchange], str | None]:
    """The exchange an example gives, or none and why: an example that no longer reads as judging.yaml
    records is drift (the document copy changed), not a malformed judging file."""
    try:
        return [build()], None
    except ValueError as exc:
        return [], f"cannot be read as recorded: {exc}"


def _require_notes(document: YamlDocument, node: Any, where: list[str | int]) -> None:
    """An entry expecting findings must say what the document does: that text is the vendor's list."""
    if isinstance(node, Mapping):
        for key in ("expected_findings", "expected_discrepancies"):
            if node.get(key) and not node.get("discrepancy"):
                raise document.error(
                    where, f"expected a 'discrepancy' text saying what the document does ({key} is not empty)"
                )
        for key, value in node.items():
            _require_notes(document, value, [*where, key])
    elif isinstance(node, list):
        for position, value in enumerate(node):
            _require_notes(document, value, [*where, position])


def _explain(error: jsonschema.ValidationError) -> str:
    if error.validator == "pattern" and error.validator_value == RULE_ID:
        return f"expected a rule id like API-ABC-001, got {error.instance!r}"
    return explain_schema_error(error)
