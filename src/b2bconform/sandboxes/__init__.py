"""Embedded vendor doubles: a faithful in-memory implementation of each API, with named faults.

Adding an API: write ``b2bconform.sandboxes.<api>`` with a ``Sandbox`` subclass and list the
class in ``_CLASSES`` below.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from b2bconform.errors import UsageError
from b2bconform.sandboxes.base import Fault, Sandbox
from b2bconform.sandboxes.manex import ManexPoSandbox, ManexSoSandbox
from b2bconform.sandboxes.moduslink_po import ModusLinkSandbox
from b2bconform.sandboxes.westcon_rest import WestconRestSandbox
from b2bconform.sandboxes.westcon_soap import WestconSoapSandbox

__all__ = ["SANDBOXES", "Fault", "Sandbox", "get_sandbox"]

_CLASSES: tuple[type[Sandbox], ...] = (
    ModusLinkSandbox,
    WestconSoapSandbox,
    ManexSoSandbox,
    ManexPoSandbox,
    WestconRestSandbox,
)

#: api id -> sandbox class
SANDBOXES: Mapping[str, type[Sandbox]] = MappingProxyType({cls.api: cls for cls in _CLASSES})


def get_sandbox(api: str) -> type[Sandbox]:
    """The sandbox class of `api`; UsageError naming the known ones otherwise."""
    try:
        return SANDBOXES[api]
    except KeyError:
        known = ", ".join(sorted(SANDBOXES)) or "none"
        raise UsageError(f"no sandbox for api {api!r}; known sandboxes: {known}") from None
