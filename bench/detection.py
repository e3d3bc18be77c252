"""Detection: for every sandbox fault, does the harness catch it, and does bare schemathesis?

Harness: the API's suites against the in-process sandbox with the fault (as
tests/test_fault_detection.py runs them, Hypothesis profile ``selftest``), first restricted to the
tests that touched the fault's rule in the faithful run (node ids from its conformance report);
when that subset does not fail the rule, the whole suite is run. Caught = the fault's declared rule
failed. Bare schemathesis: ``schemathesis run`` on the same OpenAPI file against the sandbox served
with the fault, default phases and checks, the harness's example budget; caught = exit non-zero
with a failure. False positives: what each reports against the faithful sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from b2bconform.sandboxes import SANDBOXES
from bench.bare_schemathesis import SchemathesisRun, run_schemathesis
from bench.common import REST_APIS, served
from bench.harness import SuiteResult, run_suite

__all__ = ["EXAMPLE_BUDGET", "HARNESS_METHOD", "faults_of", "measure"]

EXAMPLE_BUDGET = 12  # max_examples of the harness's quick/selftest Hypothesis profiles
HARNESS_METHOD = (
    "pytest b2bconform/suites/<api> --fault <fault> --hypothesis-profile selftest -p no:randomly, restricted to the "
    "tests that touched the fault's rule in the faithful run; the whole suite when that subset did not "
    "fail the rule. Caught: the declared rule failed."
)
SCHEMATHESIS_METHOD = (
    f"schemathesis run b2bconform/contracts/<api>/openapi.yaml --url <sandbox with the fault on 127.0.0.1> "
    f"--max-examples {EXAMPLE_BUDGET} --seed 1, default phases and checks, demo credentials from a "
    "schemathesis.toml (headers; ManEx: [parameters] path.apiKey; Westcon REST: a Bearer token from "
    "the sandbox). Caught: exit non-zero with a failure. Caught beyond the faithful run: a failure "
    "(check code and operation) it did not report against the faithful sandbox."
)

Log = Callable[[str], None]


def faults_of(api: str, quick: bool) -> list[str]:
    names = sorted(SANDBOXES[api].faults)
    return names[:2] if quick else names


@dataclass
class _HarnessFault:
    rule: str
    caught: bool
    exact: bool
    failed_rules: list[str]
    ran: str
    seconds: float


def _harness_fault(api: str, fault: str, faithful: SuiteResult) -> _HarnessFault:
    rule = SANDBOXES[api].faults[fault].rule
    tests = list((faithful.rules.get(rule) or {}).get("tests") or [])
    seconds = 0.0
    if tests:
        subset = run_suite(api, fault=fault, tests=tests)
        seconds += subset.seconds
        if rule in subset.failed_rules:
            return _HarnessFault(
                rule, True, subset.failed_rules == [rule], subset.failed_rules, f"{len(tests)} tests", seconds
            )
    whole = run_suite(api, fault=fault)
    seconds += whole.seconds
    return _HarnessFault(
        rule,
        rule in whole.failed_rules,
        whole.failed_rules == [rule],
        whole.failed_rules,
        "whole suite",
        seconds,
    )


def _failure_keys(run: SchemathesisRun) -> set[tuple[str, str]]:
    """(failure code, operation) pairs a run reported."""
    return {(str(f["code"]), str(op)) for f in run.failures for op in f.get("operations") or [""]}


def _schemathesis(api: str, fault: str | None) -> SchemathesisRun:
    with served(api, fault) as target:
        return run_schemathesis(target, EXAMPLE_BUDGET)


def measure(
    apis: Sequence[str],
    *,
    quick: bool = False,
    log: Log = print,
    workers: int = 2,
    faithful_runs: dict[str, SchemathesisRun] | None = None,
) -> dict[str, Any]:
    """Per API: each fault caught by the harness and by bare schemathesis, rates and false positives.

    ``faithful_runs``: bare schemathesis runs against the faithful sandboxes already made (speed).
    """
    out: dict[str, Any] = {
        "harness_method": HARNESS_METHOD,
        "schemathesis_method": SCHEMATHESIS_METHOD,
        "apis": {},
    }
    with ThreadPoolExecutor(max_workers=workers) as pool:
        faithful = dict(zip(apis, pool.map(lambda api: run_suite(api), apis), strict=True))
        for api in apis:
            log(
                f"detection {api}: faithful suite exit {faithful[api].exit_code}, failed {faithful[api].failed_rules}"
            )
        jobs = [(api, fault) for api in apis for fault in faults_of(api, quick)]
        harness = dict(
            zip(
                jobs,
                pool.map(lambda job: _harness_fault(job[0], job[1], faithful[job[0]]), jobs),
                strict=True,
            )
        )
        st_jobs: list[tuple[str, str | None]] = [
            (api, None) for api in apis if api in REST_APIS and api not in (faithful_runs or {})
        ]
        st_jobs += [(api, fault) for api, fault in jobs if api in REST_APIS]
        st_runs = dict(zip(st_jobs, pool.map(lambda job: _schemathesis(*job), st_jobs), strict=True))
    for api in apis:
        st_faithful = (faithful_runs or {}).get(api) or st_runs.get((api, None))
        baseline = _failure_keys(st_faithful) if st_faithful else set()
        per_fault = {}
        for fault in faults_of(api, quick):
            found = harness[(api, fault)]
            st = st_runs.get((api, fault))
            st_entry: Any = "n/a (WSDL)"
            if st is not None:
                new = sorted(_failure_keys(st) - baseline)
                st_entry = {
                    **st.as_dict(),
                    "new_failures": [f"{code} {operation}" for code, operation in new],
                }
                st_entry["detected_beyond_faithful"] = st.detected and bool(new)
            per_fault[fault] = {
                "rule": found.rule,
                "harness": {
                    "caught": found.caught,
                    "only_declared_rule": found.exact,
                    "failed_rules": found.failed_rules,
                    "ran": found.ran,
                    "seconds": round(found.seconds, 1),
                },
                "schemathesis": st_entry,
            }
            log(
                f"detection {api} {fault}: harness {found.caught}, schemathesis {st.detected if st else 'n/a'}"
            )
        total = len(per_fault)
        harness_caught = sum(1 for f in per_fault.values() if f["harness"]["caught"])
        st_caught = (
            sum(1 for f in per_fault.values() if f["schemathesis"]["detected"]) if api in REST_APIS else None
        )
        st_beyond = (
            sum(1 for f in per_fault.values() if f["schemathesis"]["detected_beyond_faithful"])
            if api in REST_APIS
            else None
        )
        out["apis"][api] = {
            "faults": total,
            "harness": {
                "caught": harness_caught,
                "rate": round(harness_caught / total, 4) if total else None,
                "false_positives": faithful[api].failed_rules,
                "faithful_exit_code": faithful[api].exit_code,
            },
            "schemathesis": (
                {
                    "caught": st_caught,
                    "rate": round(st_caught / total, 4) if total and st_caught is not None else None,
                    "caught_beyond_faithful": st_beyond,
                    "rate_beyond_faithful": round(st_beyond / total, 4)
                    if total and st_beyond is not None
                    else None,
                    "false_positives": st_faithful.failures if st_faithful else None,
                    "faithful_exit_code": st_faithful.exit_code if st_faithful else None,
                }
                if api in REST_APIS
                else "n/a (WSDL)"
            ),
            "per_fault": per_fault,
        }
    return out
