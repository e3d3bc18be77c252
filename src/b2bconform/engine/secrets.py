"""The names a secret travels under: those any API's traffic may use (HTTP authentication, cookies,
OAuth2, WS-Security), and those each contract declares (``credentials:`` in rules.yaml, the ones
marked ``secret``), shipped or in the user's folders. Redaction masks what travels under any of
them; recorders remove the same, so a recording that lacks them says nothing of them."""

from __future__ import annotations

from functools import cache

from b2bconform.engine.yamlfile import load_yaml
from b2bconform.errors import UsageError
from b2bconform.locations import contract_dirs

__all__ = ["GENERIC_FIELDS", "GENERIC_HEADERS", "NOT_SECRET_CREDENTIALS", "declared_secrets"]

GENERIC_HEADERS = ("Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-API-Key")
# Body fields (and XML elements, any prefix) that carry a secret whatever its value: OAuth2 token
# requests and answers, a password, a subscription key.
GENERIC_FIELDS = (
    "client_secret",
    "access_token",
    "refresh_token",
    "id_token",
    "client_assertion",
    "password",
    "subscription_key",
)
# Credentials that identify rather than authenticate: an account number shows up in bodies as
# evidence (CustomerAccountNumber, a padded CustomerNumber) and is not scrubbed by value.
NOT_SECRET_CREDENTIALS = frozenset({"username", "client_id", "resource", "partnerkey"})


@cache
def declared_secrets() -> tuple[frozenset[str], tuple[str, ...]]:
    """(header names, body field and element names) the known contracts mark secret. A catalogue that
    cannot be read declares nothing here; loading its contract reports what is wrong with it."""
    headers: set[str] = set()
    fields: set[str] = set()
    try:
        folders = list(contract_dirs().values())
    except UsageError:
        folders = []
    for folder in folders:
        try:
            data = load_yaml(folder / "rules.yaml", with_lines=False).data
        except Exception:
            continue
        credentials = data.get("credentials") if isinstance(data, dict) else None
        for entry in credentials if isinstance(credentials, list) else []:
            if not isinstance(entry, dict) or not entry.get("secret") or not isinstance(entry.get("at"), str):
                continue
            if entry.get("in") == "header":
                headers.add(entry["at"])
                fields.add(entry["at"])  # a header's key echoed in a body
            else:
                fields.add(entry["at"].rstrip("/").rpartition("/")[2])
    return frozenset(headers), tuple(sorted(fields))
