"""The state of the record: how current the time-sensitive facts are, and what the
sources settle about the questions of method the chapters raise.

Dates: the registry and approval tables say when each source was current (an
``as_of`` column, or the event's own date); :func:`as_of` reads the newest of them,
so that a page says "as of" a date that comes from the data and moves with it.

Questions of method (``data/method_questions.csv``): for each item, what the sources
we could read say and whether that settles it. A chapter that calls a question open,
or answers it, names the item; :func:`method_questions` refuses data that no longer
match what the chapter says.

Chapters: the open-label extension, the regulatory chapter, the fact check and the
sentences of other chapters that rest on one of these questions. Light: pandas only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from valor import data, fmt
from valor.analysis.result import Result
from valor.book import cite

SETTLED = "sourced"
STATUS_ORDER = ("not found", "partly sourced", SETTLED)  # worst to best


def parse_date(text: str) -> tuple[int, int, int | None]:
    """``'2025-03-07'`` -> ``(2025, 3, 7)``; ``'2025-12'`` -> ``(2025, 12, None)``."""
    parts = str(text).split("-")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"{text!r} is not a date as YYYY-MM-DD or YYYY-MM")
    year, month = int(parts[0]), int(parts[1])
    return year, month, int(parts[2]) if len(parts) == 3 else None


def date_text(text: str) -> str:
    """A date of the data as the prose shows it: ``'2025-03-07'`` -> ``'7 Mar 2025'``."""
    return fmt.date(*parse_date(text))


MID_MONTH = 15  # a date known to the month only counts as mid-month, as on the timelines


def _sortable(date: tuple[int, int, int | None]) -> tuple[int, int, int]:
    return date[0], date[1], MID_MONTH if date[2] is None else date[2]


def table_dates(frame: pd.DataFrame) -> list[tuple[int, int, int | None]]:
    """The dates a table holds: its ``as_of`` column, or its ``year``/``month``/``day``."""
    if "as_of" in frame.columns:
        return [parse_date(t) for t in frame["as_of"] if not fmt.missing(t)]
    if {"year", "month"} <= set(frame.columns):
        days = frame["day"] if "day" in frame.columns else [None] * len(frame)
        return [
            (int(y), int(m), None if fmt.missing(d) else int(d))
            for y, m, d in zip(frame["year"], frame["month"], days, strict=True)
        ]
    raise ValueError(f"a table with columns {list(frame.columns)} holds no dates (as_of, or year and month)")


@dataclass(frozen=True, repr=False)
class AsOf(Result):
    """The newest date of each time-sensitive table a page shows, and the newest of all."""

    newest: dict[str, tuple[int, int, int | None]]  # name -> newest date in that table

    @property
    def overall(self) -> tuple[int, int, int | None]:
        return max(self.newest.values(), key=_sortable)

    def texts(self) -> dict[str, str]:
        return {"as_of": fmt.date(*self.overall)} | {
            f"as_of_{name}": fmt.date(*date) for name, date in self.newest.items()
        }


def as_of(**tables: pd.DataFrame) -> AsOf:
    """The newest date in each table (``name=frame``): the date up to which a page's
    time-sensitive facts run. A date known to the month only counts as mid-month and is
    shown as the month."""
    newest = {}
    for name, frame in tables.items():
        dates = table_dates(frame)
        if not dates:
            raise ValueError(f"as_of: the table given as '{name}' holds no date")
        newest[name] = max(dates, key=_sortable)
    return AsOf(newest)


def status_rank(status: str) -> int:
    return STATUS_ORDER.index(status)


@dataclass(frozen=True, repr=False)
class MethodQuestions(Result):
    """Questions of method, each with what the sources say and how far that settles it."""

    rows: pd.DataFrame  # the rows of data/method_questions.csv for the chosen items

    @property
    def items(self) -> list[str]:
        return list(dict.fromkeys(self.rows["item"]))

    def status(self, item: str) -> str:
        """The best status any source gives the item (``sourced`` settles it)."""
        statuses = self.rows.loc[self.rows["item"] == item, "status"]
        if statuses.empty:
            raise KeyError(f"no method question '{item}' (known: {', '.join(self.items)})")
        return max(statuses, key=status_rank)

    def texts(self) -> dict[str, str]:
        return {f"mq_{item}_status": self.status(item) for item in self.items}

    def table(self) -> pd.DataFrame:
        """One row per source: the question (on its first row), how far the source settles
        it, what it says, and the source with where in it."""
        out, shown = [], set()
        for r in self.rows.itertuples():
            out.append(
                {
                    "Question": "" if r.item in shown else r.question,
                    "Status": r.status,
                    "What the source says": r.finding,
                    "Source": f"{cite(r.source_key)}, {r.source_location} (confidence: {r.confidence})",
                }
            )
            shown.add(r.item)
        return pd.DataFrame(out)


def method_questions(frame: pd.DataFrame, settled: str = "", open_items: str = "") -> MethodQuestions:
    """The items of ``data/method_questions.csv`` a chapter relies on, in the order named.

    ``settled`` names the items the chapter states as answered by a source, ``open_items``
    those it says no source we could read settles (item names separated by spaces).
    Data that no longer say so stop the build: the sentence must be rewritten.
    """
    wanted = settled.split() + open_items.split()
    unknown = sorted(set(wanted) - set(frame["item"]))
    if unknown:
        raise KeyError(f"data/method_questions.csv has no item {', '.join(unknown)}")
    rows = pd.concat([frame[frame["item"] == item] for item in wanted], ignore_index=True)
    result = MethodQuestions(rows)
    for item in settled.split():
        if result.status(item) != SETTLED:
            raise ValueError(
                f"data/method_questions.csv, item {item}: the chapter states it as sourced, "
                f"but no row has status '{SETTLED}'"
            )
    for item in open_items.split():
        if result.status(item) == SETTLED:
            raise ValueError(
                f"data/method_questions.csv, item {item}: the chapter says no source settles it, "
                f"but a row now has status '{SETTLED}': rewrite the sentence"
            )
    return result


def statement_text(row) -> str:
    """A statement as the prose shows it: in quotation marks when the source is quoted."""
    return f"“{row['statement']}”" if row["wording"] == "quoted" else str(row["statement"])


def registry_table(
    rows: pd.DataFrame, facts: dict[str, str], columns: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    """A registry table with sources side by side: one row per fact (``parameter`` ->
    label), one column per group of versions (label -> ``version`` values). Each cell
    lists every value of that fact and version, with the date its source was current
    and its citation; versions that disagree are shown, never merged."""
    out = []
    for parameter, label in facts.items():
        cells = {"Fact": label}
        for column, versions in columns.items():
            found = rows[(rows["parameter"] == parameter) & rows["version"].isin(versions)]
            cells[column] = "; ".join(_registry_value(r) for _, r in found.iterrows()) or "—"
        out.append(cells)
    return pd.DataFrame(out)


def registry_value(row: pd.Series) -> str:
    """A registry value as the prose shows it: dates as dates, counts with separators."""
    if row["kind"] == "date":
        return date_text(row["value"])
    if row["kind"] == "count":
        return fmt.integer(int(row["value"]))
    return str(row["value"])


def _registry_value(row: pd.Series) -> str:
    when = "undated" if fmt.missing(row["as_of"]) else f"as of {date_text(row['as_of'])}"
    return f"{registry_value(row)} ({when}) {cite(row['source_key'])}"


def registry_fact(rows: pd.DataFrame, parameter: str, version: str, **where) -> pd.Series:
    """The one row of a registry table for a fact in a version (``data.row`` with a clear
    error)."""
    return data.row(rows, parameter=parameter, version=version, **where)
