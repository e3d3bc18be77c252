"""Whether a generated HTML report would request anything from another host when opened.

The page's own code (html, js, css, svg outside ``data/``; inline scripts and styles, and those
embedded as base64 ``data:`` URIs in a single-file report) may hold no absolute URL but those known
never to be fetched: any other is taken as a request the page could make, so a new Allure version's
URLs are reviewed before its reports ship. The results' own HTML, SVG and CSS attachments, which the
page shows in frames, may load nothing from another host; what attachments merely mention (the URLs
of the exchanges they record) is data and is not judged.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from b2bconform.errors import UsageError

__all__ = [
    "NEVER_FETCHED",
    "PLAYWRIGHT_TRACE_TYPE",
    "ThirdPartyRequest",
    "ThirdPartyRequestError",
    "check_offline",
]

# Absolute URLs in Allure 2's page code that are never requested (each checked in the page's code).
NEVER_FETCHED = (
    "http://www.w3.org/",  # XML namespace names (SVG, XHTML, XLink)
    "http://purl.org/dc/",  # the Dublin Core namespace in an embedded SVG logo's metadata
    "http://creativecommons.org/ns",  # the same logo's licence namespace
    "http://www.inkscape.org/",  # its editor's namespace and comment
    "http://sodipodi.sourceforge.net/DTD/",
    "https://allure.local",  # the base against which links are parsed; never requested
    "https://github.com/highlightjs/highlight.js/",  # printed in console warnings
    # Allure 2 releases before the 2.4x page (an older `allure` on the PATH):
    "http://fontawesome.io",  # Font Awesome's licence comment in the stylesheet
    "http://marionettejs.com/docs/",  # the documentation link Marionette writes into its error messages
    "https://handlebarsjs.com/api-reference/",  # printed in a console warning
)
# Loaded only to show a Playwright trace attachment, which results of this harness never hold.
PLAYWRIGHT_TRACE_VIEWER = "https://trace.playwright.dev"
PLAYWRIGHT_TRACE_TYPE = b"application/vnd.allure.playwright-trace"
ANALYTICS_HOSTS = ("googletagmanager.com", "google-analytics.com", "analytics.google.com")

CODE_SUFFIXES = {".html", ".htm", ".js", ".mjs", ".css", ".svg"}
ATTACHMENT_SUFFIXES = {".html", ".htm", ".xhtml", ".svg", ".css"}
LOOPBACK = {"localhost", "127.0.0.1", "::1"}

# a fixed host: "https://${host}" is a URL built from the results' data (their links), not the page's own
_ABSOLUTE_URL = re.compile(r"""https?://[A-Za-z0-9\[][^\s"'`<>()\\]*""", re.IGNORECASE)
_DATA_URI = re.compile(
    r"data:(text/javascript|application/javascript|text/css|image/svg\+xml|text/html)[^,\"']*?;base64,"
    r"([A-Za-z0-9+/=]+)",
    re.IGNORECASE,
)
# Where a URL is loaded by the page rather than merely mentioned: an element's resource attribute
# (any element but a link the reader clicks) and CSS's url() and @import.
_HTML_RESOURCE = re.compile(
    r"""<(?!a[\s>])[a-z][\w:-]*\b[^>]{0,2000}?\s(?:src|href|srcset|data|poster|background|action|xlink:href)"""
    r"""\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE,
)
_CSS_RESOURCE = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class ThirdPartyRequest:
    file: str  # relative to the report (or results) folder
    url: str

    @property
    def host(self) -> str:
        return urlsplit(self.url if not self.url.startswith("//") else "http:" + self.url).hostname or "?"


class ThirdPartyRequestError(UsageError):
    """The generated report would make a request to another host when opened."""

    def __init__(self, report: Path, requests: list[ThirdPartyRequest]) -> None:
        self.requests = requests
        shown = "; ".join(f"{r.file}: {r.url}" for r in requests[:10])
        more = f" (and {len(requests) - 10} more)" if len(requests) > 10 else ""
        analytics = any(r.host.endswith(ANALYTICS_HOSTS) for r in requests)
        why = (
            " It is Allure's analytics tag: the Allure command line ignored ALLURE_NO_ANALYTICS."
            if analytics
            else ""
        )
        super().__init__(
            f"{report}: the HTML report would make third-party requests when opened, so it was not kept: "
            f"{shown}{more}.{why}"
        )


def check_offline(report: Path, results: Path | None = None) -> None:
    """Raise ThirdPartyRequestError when the report's page code (html, js, css, svg; inline and in data:
    URIs) holds an absolute URL not known never to be fetched, or an HTML/SVG/CSS attachment in
    ``results`` loads one."""
    traces = results is not None and _has_playwright_traces(results)
    found: list[ThirdPartyRequest] = []
    for path in sorted(report.rglob("*")):
        relative = path.relative_to(report)
        if path.is_file() and path.suffix.lower() in CODE_SUFFIXES and relative.parts[0] != "data":
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [ThirdPartyRequest(str(relative), url) for url in _code_urls(text, traces)]
    if results is not None:
        for path in sorted(results.glob("*-attachment*")):
            if path.suffix.lower() in ATTACHMENT_SUFFIXES:
                text = path.read_text(encoding="utf-8", errors="replace")
                found += [ThirdPartyRequest(path.name, url) for url in _loaded_urls(text)]
    if found:
        raise ThirdPartyRequestError(report, found)


def _code_urls(text: str, playwright_traces: bool, depth: int = 0) -> list[str]:
    urls = [url for url in _ABSOLUTE_URL.findall(text) if not _never_fetched(url, playwright_traces)]
    urls += [url for url in _loaded_urls(text) if url.startswith("//") and not _loopback(url)]
    if depth < 2:  # scripts and styles inlined as data: URIs (the single-file report)
        for match in _DATA_URI.finditer(text):
            with contextlib.suppress(binascii.Error, ValueError):
                decoded = base64.b64decode(match.group(2)).decode("utf-8", errors="replace")
                urls += _code_urls(decoded, playwright_traces, depth + 1)
    return list(dict.fromkeys(urls))


def _loaded_urls(text: str) -> list[str]:
    urls = [m.group(1) for m in _HTML_RESOURCE.finditer(text)] + [
        m.group(1) for m in _CSS_RESOURCE.finditer(text)
    ]
    return [url for url in dict.fromkeys(urls) if not _loopback(url)]


def _never_fetched(url: str, playwright_traces: bool) -> bool:
    lowered = url.lower()
    if _loopback(url) or lowered.startswith(tuple(prefix.lower() for prefix in NEVER_FETCHED)):
        return True
    return lowered.startswith(PLAYWRIGHT_TRACE_VIEWER) and not playwright_traces


def _loopback(url: str) -> bool:
    return ThirdPartyRequest("", url).host in LOOPBACK


def _has_playwright_traces(results: Path) -> bool:
    for path in results.iterdir():
        if path.name.endswith(("-result.json", "-container.json")):
            with contextlib.suppress(OSError):
                if PLAYWRIGHT_TRACE_TYPE in path.read_bytes():
                    return True
    return False
