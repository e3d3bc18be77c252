"""Go-live: every suite of one API against one target, ending with a verdict and the report.

GO when no rule failed and none is broken; the rules no test could verify are listed with the
reason, and with ``strict`` an unverified blocker or critical rule is a NO-GO too: a QA lead
decides with the gaps in view, never without them. A discrepancy (the vendor follows another
reading of its own self-contradicting or silent document) is listed for the vendor to settle and
never a NO-GO, unless ``strict``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from b2bconform.cli_support import API, pytest_args_argument, reports_errors, reports_option, target_options
from b2bconform.errors import B2BConformError
from b2bconform.reporting.matrix import finding_line, reading_line
from b2bconform.runner import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, REPORTS_DIR, RunResult, SuiteRun

__all__ = ["GoLiveVerdict", "golive_command", "judge_go_live", "run_go_live"]

GATING_SEVERITIES = ("blocker", "critical")
# A GO needs evidence: at least this share of the rules that bind the vendor reached a verdict in the
# run. A run that verified little (a smoke subset, a target that broke early) cannot say GO.
MIN_VERIFIED = 0.8


@dataclass
class GoLiveVerdict:
    api: str
    target: str
    go: bool
    reasons: list[str]
    score: float
    summary: dict[str, Any]
    failed: list[dict[str, Any]] = field(default_factory=list)  # rule id, severity, statement, a finding
    # rules where the vendor follows another reading its document supports: the readings, for it to settle
    discrepancies: list[dict[str, Any]] = field(default_factory=list)
    broken: list[dict[str, Any]] = field(default_factory=list)
    unverified: list[dict[str, Any]] = field(default_factory=list)  # untested rules, with the reason
    reports: dict[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.go else EXIT_FINDINGS


def judge_go_live(
    conformance: dict[str, Any], api: str, *, strict: bool = False, min_verified: float = MIN_VERIFIED
) -> GoLiveVerdict:
    """The verdict a conformance report gives for ``api``."""
    block = conformance["apis"].get(api)
    if block is None:
        raise B2BConformError(f"the run's conformance report has no results for {api}")
    failed, broken, unverified, discrepancies = [], [], [], []
    for rule_id, rule in block["rules"].items():
        entry = {"rule": rule_id, "severity": rule["severity"], "statement": rule["statement"]}
        if rule["status"] == "failed":
            first = rule["findings"][0] if rule["findings"] else None
            failed.append({**entry, "finding": finding_line(first) if first else "a test tied to it failed"})
        elif rule["status"] == "discrepancy":
            first = rule["discrepancies"][0] if rule.get("discrepancies") else {}
            discrepancies.append(
                {
                    **entry,
                    "finding": finding_line(first) if first else "",
                    "readings": [reading_line(r) for r in first.get("readings") or []],
                }
            )
        elif rule["status"] == "broken":
            broken.append({**entry, "reason": rule.get("untested_reason")})
        elif rule["status"] == "untested":
            unverified.append({**entry, "reason": rule.get("untested_reason")})
    reasons = []
    if failed:
        reasons.append(f"{len(failed)} rule(s) failed: " + ", ".join(r["rule"] for r in failed))
    if broken:
        reasons.append(
            f"{len(broken)} rule(s) could not be judged (target errors): "
            + ", ".join(r["rule"] for r in broken)
        )
    vendor_side = {rid for rid, rule in block["rules"].items() if "vendor" in rule.get("judged", ["vendor"])}
    # rules that judge only the caller's own requests are no vendor's obligation: never gating
    gating = [r for r in unverified if r["severity"] in GATING_SEVERITIES and r["rule"] in vendor_side]
    verified = [
        rid for rid in vendor_side if block["rules"][rid]["status"] in ("passed", "failed", "discrepancy")
    ]
    if vendor_side and len(verified) / len(vendor_side) < min_verified:
        reasons.append(
            f"not enough evidence: {len(verified)} of {len(vendor_side)} rules binding the vendor were verified "
            f"({len(verified) / len(vendor_side):.0%}; a GO needs {min_verified:.0%})"
        )
    if strict and discrepancies:
        reasons.append(
            f"{len(discrepancies)} rule(s) read otherwise by the vendor than adopted (strict): "
            + ", ".join(r["rule"] for r in discrepancies)
        )
    if strict and gating:
        reasons.append(
            f"{len(gating)} blocker/critical rule(s) not verified: " + ", ".join(r["rule"] for r in gating)
        )
    return GoLiveVerdict(
        api=api,
        target=str(conformance.get("target", "")),
        go=not reasons,
        reasons=reasons or ["every rule judged in this run passed"],
        score=float(block["summary"]["score"]),
        summary=dict(block["summary"]),
        failed=failed,
        discrepancies=discrepancies,
        broken=broken,
        unverified=unverified,
    )


def run_go_live(
    run: SuiteRun,
    *,
    strict: bool = False,
    html: bool = True,
    start: Callable[[SuiteRun], RunResult] = SuiteRun.start,
    min_verified: float = MIN_VERIFIED,
) -> GoLiveVerdict:
    """Run every suite of the one API in ``run``, then judge, write golive.md/.json and the HTML report."""
    if len(run.apis) != 1:
        raise B2BConformError("go-live judges one API against one target: give exactly one --api")
    result = start(run)
    if result.exit_code == EXIT_USAGE:
        raise B2BConformError(
            f"the run did not complete (pytest exit code {result.pytest_code}): no verdict; see the output above"
        )
    verdict = judge_go_live(result.conformance(), run.apis[0], strict=strict, min_verified=min_verified)
    reports = result.reports
    verdict.reports = {
        "conformance": str(reports / "conformance.md"),
        "junit": str(reports / "junit.xml"),
        "allure_results": str(reports / "allure-results"),
    }
    if html:
        verdict.reports.update(_html_report(reports))
    (reports / "golive.json").write_text(
        json.dumps(asdict(verdict), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (reports / "golive.md").write_text(render_markdown(verdict), encoding="utf-8")
    return verdict


def _html_report(reports: Path) -> dict[str, str]:
    """The Allure HTML report beside the others; its absence never changes the verdict."""
    from b2bconform.reporting.html import report_beside

    try:
        index = report_beside(reports)
    except B2BConformError as exc:
        return {"html_unavailable": str(exc)}
    return {"html": str(index)}


def render_markdown(verdict: GoLiveVerdict) -> str:
    s = verdict.summary
    lines = [
        f"# Go-live verdict: {verdict.api} — {'GO' if verdict.go else 'NO-GO'}",
        "",
        f"Target: `{verdict.target}`  ",
        f"Score {s['score']:.1%} (verified both ways {s['coverage']:.1%} x pass rate {s['pass_rate']:.1%}); "
        f"{s['passed']} passed, {s['failed']} failed, {s['broken']} broken, {s['untested']} untested of {s['rules']} rules.",
        "",
        "## Why",
        "",
        *[f"- {reason}" for reason in verdict.reasons],
        "",
    ]
    if verdict.failed:
        lines += ["## Failed rules", ""]
        lines += [
            f"- **{r['rule']}** ({r['severity']}): {r['statement']}  \n  {r['finding']}"
            for r in verdict.failed
        ]
        lines.append("")
    if verdict.discrepancies:
        lines += [
            "## Discrepancies for the vendor to settle",
            "",
            "The vendor follows a reading its own document supports, other than the one adopted here: "
            "not a failure (a NO-GO only with --strict). Ask the vendor which reading it intends.",
            "",
        ]
        for r in verdict.discrepancies:
            lines.append(f"- **{r['rule']}** ({r['severity']}): {r['statement']}  \n  {r['finding']}")
            lines += [f"  - {reading}" for reading in r["readings"]]
        lines.append("")
    if verdict.broken:
        lines += ["## Not judged: target errors", ""]
        lines += [f"- **{r['rule']}** ({r['severity']}): {r['reason']}" for r in verdict.broken]
        lines.append("")
    if verdict.unverified:
        lines += ["## Not verified by this run", ""]
        lines += [f"- **{r['rule']}** ({r['severity']}): {r['reason']}" for r in verdict.unverified]
        lines.append("")
    lines += ["## Reports", "", *[f"- {name}: `{path}`" for name, path in verdict.reports.items()], ""]
    return "\n".join(lines)


@click.command("golive")
@click.option("--api", required=True, type=API, help="the API to judge (one)")
@target_options()
@click.option(
    "--strict",
    is_flag=True,
    help="an unverified blocker or critical rule, or a discrepancy with the document, is a NO-GO too",
)
@click.option(
    "--min-verified",
    type=click.FloatRange(0.0, 1.0),
    default=MIN_VERIFIED,
    show_default=True,
    help="the share of the rules binding the vendor that must reach a verdict for a GO",
)
@click.option("--no-html", is_flag=True, help="skip the Allure HTML report")
@reports_option(None, "default reports/golive/<api>")
@pytest_args_argument
@reports_errors
def golive_command(
    api: str,
    target: str,
    profile: str | None,
    allow_writes: bool,
    allow_production: bool,
    strict: bool,
    min_verified: float,
    no_html: bool,
    reports: Path | None,
    pytest_args: tuple[str, ...],
) -> None:
    """Run every suite of one API against one target and end with GO or NO-GO and the report.

    Exit 0 GO, 1 NO-GO, 2 when the run could not be made (usage, input or target setup errors).
    """
    run = SuiteRun(
        apis=(api,),
        target=target,
        profile=profile,
        reports=reports or REPORTS_DIR / "golive" / api,
        allow_writes=allow_writes,
        allow_production=allow_production,
        extra=pytest_args,
    )
    verdict = run_go_live(run, strict=strict, html=not no_html, min_verified=min_verified)
    click.echo("")
    click.echo(f"{api}: {'GO' if verdict.go else 'NO-GO'}. " + "; ".join(verdict.reasons))
    if verdict.unverified:
        click.echo(
            f"not verified by this run: {len(verdict.unverified)} rule(s), listed with reasons in golive.md"
        )
    for name, path in verdict.reports.items():
        click.echo(f"  {name}: {path}")
    raise SystemExit(verdict.exit_code)
