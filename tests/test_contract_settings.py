"""Contract settings: the harness's assumptions where a document is silent, overridable per target."""

from __future__ import annotations

from pathlib import Path

import pytest

from b2bconform.engine.contract import Contract
from b2bconform.engine.rules import load_rules
from b2bconform.errors import InputFileError, UsageError
from b2bconform.session import HarnessSession, TargetOptions
from b2bconform.targets import load_profile

RULES = """\
api: demo
document: demo.txt
settings:
  key_header:
    value: X-Key
    decision: The document does not name the header; the gateway's default.
  rejected:
    value: [400]
    decision: No error status is documented; the common one.
rejection_statuses: {setting: rejected}
rules:
  - id: DEMO-AUTH-001
    statement: Every call carries the key header.
    source: {file: demo.txt, section: Auth}
    direction: auth
    severity: blocker
    kind: auth
    check: header_present
    params: {name: {setting: key_header}}
    rejects_with: [401]
  - id: DEMO-REQ-001
    statement: The body is a JSON object.
    source: {file: demo.txt, section: Body}
    direction: request
    severity: normal
    kind: syntax
    check: json_body
"""


def _rules(tmp_path: Path, text: str = RULES) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


def test_a_setting_reference_takes_the_declared_value(tmp_path: Path) -> None:
    catalogue = load_rules(_rules(tmp_path))
    assert catalogue.get("DEMO-AUTH-001").params == {"name": "X-Key"}
    assert catalogue.get("DEMO-REQ-001").rejects_with == (400,)
    assert not catalogue.settings["key_header"].overridden


def test_an_override_changes_every_reference_and_says_so(tmp_path: Path) -> None:
    catalogue = load_rules(_rules(tmp_path), {"key_header": "X-Gateway-Key", "rejected": [400, 422]})
    assert catalogue.get("DEMO-AUTH-001").params == {"name": "X-Gateway-Key"}
    assert catalogue.get("DEMO-REQ-001").rejects_with == (400, 422)
    assert catalogue.settings["key_header"].overridden
    assert catalogue.settings["key_header"].default == "X-Key"


def test_overriding_an_undeclared_setting_names_the_declared_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no setting 'key_hedaer'.*key_header, rejected"):
        load_rules(_rules(tmp_path), {"key_hedaer": "X"})


def test_an_override_of_another_shape_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"setting 'rejected' expects a value like \[400\], got '400'"):
        load_rules(_rules(tmp_path), {"rejected": "400"})


def test_a_reference_to_an_undeclared_setting_names_the_line(tmp_path: Path) -> None:
    path = _rules(tmp_path, RULES.replace("{setting: key_header}", "{setting: header}"))
    with pytest.raises(InputFileError, match=r"line 19, at rules.0.params.name.*undeclared setting 'header'"):
        load_rules(path)


def test_a_setting_without_a_decision_is_refused(tmp_path: Path) -> None:
    path = _rules(
        tmp_path,
        RULES.replace("    decision: The document does not name the header; the gateway's default.\n", ""),
    )
    with pytest.raises(InputFileError, match="decision"):
        load_rules(path)


def test_the_westcon_rest_subscription_header_is_a_setting_the_auth_flow_follows() -> None:
    default = Contract.load("westcon_rest")
    renamed = Contract.load("westcon_rest", settings={"subscription_header": "X-Westcon-Key"})
    assert default.rules.auth_flow is not None and renamed.rules.auth_flow is not None
    assert default.rules.auth_flow.subscription_header == "Ocp-Apim-Subscription-Key"
    assert renamed.rules.auth_flow.subscription_header == "X-Westcon-Key"
    assert renamed.rules.get("WESTCON_REST-AUTH-003").params == {"name": "X-Westcon-Key"}
    assert default.rules.get("WESTCON_REST-AUTH-003").params == {"name": "Ocp-Apim-Subscription-Key"}


def test_a_live_profile_overrides_the_contract_settings_of_its_api(tmp_path: Path) -> None:
    profile = tmp_path / "uat.yaml"
    profile.write_text(
        "api: westcon_rest\nbase_url: https://api.example.test\nenvironment: uat\n"
        "token_url: https://login.example.test/t/oauth2/token\n"
        "credentials: {client_id: WR_ID}\nsettings: {rejection_statuses: [400, 422]}\n"
    )
    assert load_profile(str(profile)).settings == {"rejection_statuses": [400, 422]}
    session = HarnessSession(TargetOptions(kind="live", profile=str(profile)))
    contract = session.contract("westcon_rest")
    assert contract.rules.get("WESTCON_REST-REQ-001").rejects_with == (400, 422)
    assert session.contract("moduslink_po").rules.get("MODUSLINK_PO-REQ-001").rejects_with != (400, 422)


def test_a_profile_token_url_must_be_a_url(tmp_path: Path) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text(
        "api: westcon_rest\nbase_url: https://api.example.test\nenvironment: uat\n"
        "token_url: login.example.test/oauth2/token\ncredentials: {client_id: WR_ID}\n"
    )
    with pytest.raises(InputFileError, match=r"line 4.*token_url.*expected an http\(s\) URL"):
        load_profile(str(profile))
