"""``b2bconform new-api``: the API folder a new partner API starts from, in a folder of the user's
(the layout ``--path`` / ``$B2BCONFORM_PATH`` reads): its contract (rules citing the document, the
examples and how they are judged), the rule-driven suite, and a profile to copy per partner."""

from __future__ import annotations

import re
from pathlib import Path

import click

from b2bconform.cli_support import reports_errors
from b2bconform.errors import UsageError

__all__ = ["new_api_command", "scaffold"]

_RULES = """\
# {api}: one rule per statement of the document, each citing where the document says it.
# Run `b2bconform rules --api {api}` to see them as the harness reads them; README.md ("Add your
# own API") says what each field means. Put the spec beside this file: the WSDL and its XSDs
# (SOAP), or openapi.yaml (REST).
api: {api}
title: {title}
document: {document}                 # a file of the vendor documents, or a public document's id...
# document_url: https://...          # ...and where that public document can be read
body: xml                             # SOAP; leave out for JSON
# What a caller presents, and where; redaction masks every secret one, suites write the target's
# values there, the sandbox reads them there.
credentials:
  - {{name: id, in: body, at: /Envelope/Body/RequestElement/id}}
  - {{name: password, in: body, at: /Envelope/Body/RequestElement/password, secret: true}}
rules:
  - id: {prefix}-REQ-001
    statement: The request body is a well-formed SOAP envelope with a Body.
    source: {{file: {document}, section: "the section heading that says so"}}
    direction: request
    severity: critical
    kind: format
    check: xml_envelope
"""

_REST_RULES = """\
# {api}: one rule per statement of the document, each citing where the document says it.
# Run `b2bconform rules --api {api}` to see them as the harness reads them; README.md ("Add your
# own API") says what each field means. openapi.yaml beside this file holds the operations.
api: {api}
title: {title}
document: {document}                 # a file of the vendor documents, or a public document's id...
# document_url: https://...          # ...and where that public document can be read
# What a caller presents, and where; redaction masks every secret one, suites write the target's
# values there, the sandbox built from this contract checks them there.
credentials:
  - {{name: key, in: header, at: X-Api-Key, secret: true}}
auth_statuses: [401]                  # how a refused credential is answered
# The sandbox built from this contract keeps records: what makes one and where its key is.
state:
  create: {{operation: createOrder, key: /id}}
  read: {{operation: getOrder, key: id}}
rules:
  - id: {prefix}-REQ-001
    statement: An order names its sku; without it, the call is refused with 422.
    source: {{file: {document}, section: "the section heading that says so"}}
    direction: request
    severity: critical
    kind: presence
    operations: [createOrder]
    check: required
    params: {{path: /sku}}
    rejects_with: [422]
"""

_OPENAPI = """\
# {api}'s operations, as the document describes them; the paths are whole paths.
openapi: 3.1.0
info: {{title: {title}, version: "1"}}
servers: [{{url: "https://partner.example"}}]
paths:
  /orders:
    post:
      operationId: createOrder
      responses: {{"201": {{description: the order made}}}}
  /orders/{{id}}:
    get:
      operationId: getOrder
      responses: {{"200": {{description: the order}}}}
"""

_INDEX = """\
# The document's own examples (or, for a public document whose text may not be copied, examples
# written from it): one entry per file, kind request or response, its operation and its source; a
# response gives its status (default 200), a REST request where the path has parameters its path.
# The spec says how each is sent (the WSDL's address and SOAPAction, or the OpenAPI method and path).
# - file: request.example.xml
#   kind: request
#   operation: operationName
#   source: {{file: {document}, section: "..."}}
[]
"""

_JUDGING = """\
# How the examples are judged: each response paired with the request it answers, and the findings
# and discrepancies expected (none, unless the document contradicts itself).
pairings: []
requests: []
"""

_SUITE = '''\
"""The rule-driven suite of {api}, from its contract alone (b2bconform.rulesuite)."""

import pytest

from b2bconform.rulesuite import rule_driven_tests

API = "{api}"
pytestmark = pytest.mark.api(API)

test_examples, test_generated, test_request_rules, test_wrong_secrets, test_read_back = rule_driven_tests(API)
'''

_PROFILE = """\
# {api} at one partner: copy per partner. The credentials name environment variables, never values.
api: {api}
base_url: https://partner.example
environment: uat
credentials:
  id: {env}_ID
  password: {env}_PASSWORD
writes_allowed: false
rate_limit: 1
budget: 200
timeout: 60
"""

_REST_PROFILE = _PROFILE.replace("  id: {env}_ID\n  password: {env}_PASSWORD\n", "  X-Api-Key: {env}_KEY\n")


def scaffold(
    api: str, folder: Path, *, document: str = "the-document", title: str | None = None, rest: bool = False
) -> list[Path]:
    """Write the API folder of ``api`` under ``folder``; refuses to touch an API folder that exists there."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", api):
        raise UsageError(f"api id {api!r}: expected lower-case letters, digits and _, starting with a letter")
    home = folder / api
    contract, suite = home / "contract", home / "suite"
    if home.exists():
        raise UsageError(f"{api} already has a folder here: {home} (nothing was written)")
    values = {
        "api": api,
        "prefix": api.upper(),
        "env": api.upper(),
        "document": document,
        "title": title or api.replace("_", " ").title(),
    }
    spec = {contract / "openapi.yaml": _OPENAPI} if rest else {}
    files = {
        contract / "rules.yaml": _REST_RULES if rest else _RULES,
        **spec,
        contract / "examples" / "index.yaml": _INDEX,
        contract / "examples" / "judging.yaml": _JUDGING,
        # packages, so that pytest names the suite's modules after the API (no clash with another's)
        home / "__init__.py": "",
        suite / "__init__.py": "",
        suite / "test_contract.py": _SUITE,
        home / "profiles" / f"{api}-example.yaml": _REST_PROFILE if rest else _PROFILE,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return list(files)


@click.command("new-api")
@click.argument("api")
@click.option(
    "--into",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="the folder of your own API folders (then: --path FOLDER)",
)
@click.option("--document", default="the-document", help="the document's file name or id, as rules cite it")
@click.option(
    "--rest",
    is_flag=True,
    help="a REST API (openapi.yaml, header credentials, a sandbox from the contract); default SOAP",
)
@reports_errors
def new_api_command(api: str, folder: Path, document: str, rest: bool) -> None:
    """Write the API folder a new API starts from: its contract, its rule-driven suite, a profile."""
    for path in scaffold(api, folder, document=document, rest=rest):
        click.echo(f"wrote {path}")
    click.echo(
        f"next: the spec beside {folder / api / 'contract' / 'rules.yaml'}, the rules, the examples; "
        f"then b2bconform --path {folder} rules --api {api}"
    )
