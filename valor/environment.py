"""The software a build used: Python, and each pinned package with its installed version."""

from __future__ import annotations

import platform
import re
from importlib import metadata
from pathlib import Path

import pandas as pd

from valor import paths

PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s#;]+)")


def pins(requirements: Path | None = None) -> dict[str, str]:
    """package -> pinned version, from the ``name==version`` lines of requirements.txt."""
    path = requirements or paths.book_root() / "requirements.txt"
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found[match[1]] = match[2]
    return found


def installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def versions(requirements: Path | None = None) -> pd.DataFrame:
    """One row per pinned package: pinned and installed version, and whether they agree."""
    rows = [
        {"package": name, "pinned": pin, "installed": installed(name) or "not installed"}
        for name, pin in pins(requirements).items()
    ]
    table = pd.DataFrame(rows, columns=["package", "pinned", "installed"])
    table["matches pin"] = (table["pinned"] == table["installed"]).map({True: "yes", False: "NO"})
    return table


def python_version() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def summary(versions: pd.DataFrame) -> str:
    """One line of Markdown: the Python version and how many pins the build kept."""
    differing = int((versions["matches pin"] != "yes").sum())
    return (
        f"Python: **{python_version()}**. Packages pinned: **{len(versions)}**; "
        f"differing from their pin: **{differing}**."
    )
