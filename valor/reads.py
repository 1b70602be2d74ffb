"""Tell the book build what a notebook's kernel read, so that it re-executes the
notebook when, and only when, one of those inputs changes (see ``_ext/valor_deps.py``).

A build sets ``$VALOR_READS_LOG`` for each kernel; outside a build nothing is written.
Two kinds of entry: the absolute path of a file read (``valor.data``), and
``assumption:<name>`` for a modelling assumption read (``valor.assumptions``), where
``assumption:*`` means every assumption and its reasons. Standard library only.
"""

from __future__ import annotations

import os

LOG_ENV = "VALOR_READS_LOG"
ASSUMPTION = "assumption:"


_written: set[tuple[str, str]] = set()  # (log, entry): analyses read assumptions in loops


def record(entry: str) -> None:
    """Append one entry to this kernel's log, if a build keeps one, once per log."""
    log = os.environ.get(LOG_ENV)
    if log and (log, entry) not in _written:
        with open(log, "a", encoding="utf-8") as out:
            out.write(entry + "\n")
        _written.add((log, entry))
