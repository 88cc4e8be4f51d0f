"""The vendored axe-core build: where it is, which version is pinned, and its checksum.

`vendor/axe.min.js` is axe-core's own minified build, copied unchanged from its npm
package, with its licences beside it. `vendor/axe-core.txt` (TOML) records the pinned
version and the file's sha256; the build is refused when the file does not match, so a
check never runs an axe other than the one its report names. docs/accessibility.md says
how to move the pin.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
SCRIPT_FILE = VENDOR_DIR / "axe.min.js"
PIN_FILE = VENDOR_DIR / "axe-core.txt"
LICENSE_FILES = (
    VENDOR_DIR / "LICENSE-axe-core.txt",
    VENDOR_DIR / "LICENSE-axe-core-3RD-PARTY.txt",
)


class AxeBuildError(RuntimeError):
    """The vendored axe.min.js does not match its pin (edited, truncated, or not moved)."""


@dataclass(frozen=True)
class AxePin:
    """What vendor/axe-core.txt records about the vendored build."""

    version: str
    sha256: str
    source: str
    license: str


@cache
def axe_pin() -> AxePin:
    """The pinned version and checksum, read once per process."""
    record = tomllib.loads(PIN_FILE.read_text(encoding="utf-8"))
    return AxePin(
        version=str(record["version"]),
        sha256=str(record["sha256"]).lower(),
        source=str(record["source"]),
        license=str(record["license"]),
    )


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def axe_script() -> str:
    """The source of the vendored axe.min.js, once its sha256 has matched the pin."""
    pin = axe_pin()
    found = file_sha256(SCRIPT_FILE)
    if found != pin.sha256:
        raise AxeBuildError(
            f"{SCRIPT_FILE} has sha256 {found}, but {PIN_FILE.name} pins axe-core"
            f" {pin.version} at {pin.sha256}: reinstall the package, or move the pin as"
            " docs/accessibility.md says"
        )
    return SCRIPT_FILE.read_text(encoding="utf-8")


def axe_script_version() -> str:
    """The pinned axe-core version (the one `axe.version` reports in the page)."""
    return axe_pin().version
