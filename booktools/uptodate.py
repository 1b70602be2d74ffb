"""Skip a build when nothing it reads has changed since the last good one.

A fingerprint covers every file of the book (path, size, modification time)
outside build outputs and tools (.venv, _build, .git, node_modules, caches), the
edition's config overrides, the Python version and the venv's install stamp. It
is recorded only after a successful build has been published, and forgotten
when a build fails, so a no-op ``make book`` returns at once and anything else
takes the full road (validation, Sphinx's incremental build, swap).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

PRUNE = {
    ".venv",
    "_build",
    ".git",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    "site",
    ".ipynb_checkpoints",
    ".jupyter_cache",
}


def fingerprint(root: Path, overrides: dict | None = None, only: tuple[str, ...] | None = None) -> str:
    """Digest of the book's files (or of the files under ``only``, paths relative to root)."""
    digest = hashlib.sha256()
    digest.update(json.dumps(overrides or {}, sort_keys=True).encode())
    digest.update(sys.version.encode())
    for stamp in sorted(Path(sys.prefix).glob(".installed-*")):  # the Makefile's install stamps
        digest.update(f"{stamp.name}\0{stamp.stat().st_mtime_ns}".encode())
    tops = [root / part for part in only] if only else [root]
    for top in tops:
        if top.is_file():
            stat = top.stat()
            digest.update(f"{top.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if d not in PRUNE and not d.endswith(".egg-info"))
            for name in sorted(filenames):
                _add(digest, root, Path(dirpath) / name)
    return digest.hexdigest()


def _add(digest, root: Path, path: Path) -> None:
    try:
        stat = path.stat()
    except OSError:  # a dangling link
        return
    digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())


def _record_path(work: Path, name: str) -> Path:
    return work / name


def _site_record(work: Path, site: Path) -> Path:
    """One record per published site: editions built in one work folder keep theirs apart."""
    return _record_path(work, f"valor_uptodate-{hashlib.sha256(str(site).encode()).hexdigest()[:12]}.txt")


# Everything data validation reads: the tables, the manifest, the sources, and the code
# that validates: valor.data, valor.rules and what they import (tests/tools/
# test_build_speed.py checks this list against what importing them loads). Any module of
# the science counted before: a science module edited re-validated every table (1.2-1.5 s).
VALIDATION_CODE = ("valor/__init__.py", "valor/data.py", "valor/rules.py", "valor/paths.py", "valor/reads.py")
DATA_INPUTS = ("data", "references.bib", *VALIDATION_CODE)


def data_checked(work: Path, value: str) -> bool:
    """True when the data was validated as it is now by an earlier build."""
    record = _record_path(work, "valor_data_ok.txt")
    return record.exists() and record.read_text(encoding="utf-8") == value


def record_data_checked(work: Path, value: str | None) -> None:
    record = _record_path(work, "valor_data_ok.txt")
    if value is None:
        record.unlink(missing_ok=True)
    else:
        work.mkdir(parents=True, exist_ok=True)
        record.write_text(value, encoding="utf-8")


def is_current(work: Path, site: Path, value: str) -> bool:
    record = _site_record(work, site)
    return (
        (site / "index.html").exists()
        and record.exists()
        and record.read_text(encoding="utf-8") == f"{value}\n{site}\n"
    )


def record(work: Path, site: Path, value: str) -> None:
    work.mkdir(parents=True, exist_ok=True)
    _site_record(work, site).write_text(f"{value}\n{site}\n", encoding="utf-8")


def forget(work: Path, site: Path) -> None:
    _site_record(work, site).unlink(missing_ok=True)
