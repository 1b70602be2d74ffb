"""After VALOR: dates, the advisory committee's votes, ATLAS, and serious neurologic
events as each source reports them.

Chapter: *After VALOR: approval on a biomarker* (also the lessons). Light: pandas
only, no SciPy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from valor import data, fmt
from valor.analysis.result import Result
from valor.book import cite

NOT_REPORTED = "not reported"
REFERENCE_REPORT = "ALS Association (Greater New York)"  # the report of the votes the prose quotes


def event_date(row) -> dt.date:
    """An event's date; an event known only to the month is placed mid-month."""
    day = 15 if fmt.missing(row["day"]) else int(row["day"])
    return dt.date(int(row["year"]), int(row["month"]), day)


@dataclass(frozen=True, repr=False)
class Timeline(Result):
    """The dated events from VALOR's results to the end of the extension."""

    rows: pd.DataFrame  # data/regulatory_timeline.csv

    def date(self, event_id: str) -> dt.date:
        return event_date(data.row(self.rows, event_id=event_id))

    def days_between(self, first: str, second: str) -> int:
        return (self.date(second) - self.date(first)).days

    def texts(self) -> dict[str, str]:
        return {f"date_{r.event_id}": fmt.date(r.year, r.month, r.day) for r in self.rows.itertuples()}


def regulatory_timeline(timeline: pd.DataFrame) -> Timeline:
    """``data/regulatory_timeline.csv`` (dates known only to the month stay so)."""
    return Timeline(timeline)


@dataclass(frozen=True, repr=False)
class Votes(Result):
    """The advisory committee's two votes, as each report gives them."""

    rows: pd.DataFrame  # data/regulatory_votes.csv

    def vote(self, question: int, reported_by: str = REFERENCE_REPORT) -> pd.Series:
        return data.row(self.rows, question=question, reported_by=reported_by)

    def texts(self) -> dict[str, str]:
        q1, q2 = self.vote(1), self.vote(2)
        return {
            "q1_yes": fmt.integer(q1["yes"]),
            "q1_no": fmt.integer(q1["no"]),
            "q2_yes": fmt.integer(q2["yes"]),
            "q2_no": fmt.integer(q2["no"]),
            "q2_abstain": fmt.integer(q2["abstain"]),
        }

    def table(self) -> pd.DataFrame:
        """Every report of every vote, never merged."""
        rows = self.rows.sort_values("question", kind="stable")
        return pd.DataFrame(
            {
                "Question": rows["question"].map(fmt.integer),
                "Wording as reported": rows["wording"],
                "Yes": rows["yes"].map(fmt.integer),
                "No": rows["no"].map(fmt.integer),
                "Abstain": rows["abstain"].map(fmt.integer),
                "Reported by": [f"{r.reported_by} {cite(r.source_key)}" for r in rows.itertuples()],
            }
        )


def committee_votes(votes: pd.DataFrame) -> Votes:
    """``data/regulatory_votes.csv``: each report kept apart."""
    return Votes(votes)


@dataclass(frozen=True, repr=False)
class Atlas(Result):
    """ATLAS, the confirmatory trial in presymptomatic carriers."""

    planned_n: int
    nfl_rise: float  # pg/ml
    nfl_level: float  # pg/ml
    dose_mg: float
    window_months: int

    def texts(self) -> dict[str, str]:
        return {
            "atlas_n": fmt.integer(self.planned_n),
            "atlas_nfl_rise": fmt.integer(self.nfl_rise),
            "atlas_nfl_level": fmt.integer(self.nfl_level),
            "atlas_dose": fmt.integer(self.dose_mg),
            "atlas_window": fmt.integer(self.window_months),
        }


def atlas_design(atlas: pd.DataFrame) -> Atlas:
    """``data/regulatory_atlas.csv``."""

    def p(name):
        return data.parameter(atlas, name)

    return Atlas(
        int(p("planned_n")),
        p("nfl_rise_pg_ml"),
        p("nfl_level_pg_ml"),
        p("dose_mg"),
        int(p("primary_window_months")),
    )


def printed_percent(row: pd.Series) -> str:
    """The percentage as the source prints it."""
    return NOT_REPORTED if fmt.missing(row["percent_reported"]) else f"{float(row['percent_reported']):g}%"


def counted_noun(row: pd.Series) -> str:
    """What a count counts, singular for a bare one: '1 participant', '4 participants',
    '1 of 72 participants'."""
    noun = row["counted"]
    alone = not fmt.missing(row["n"]) and int(row["n"]) == 1 and fmt.missing(row["denominator"])
    return noun.removesuffix("s") if alone else noun


def count_text(row: pd.Series) -> str:
    """``'4 of 72'`` where the denominator is given, else just the count."""
    return NOT_REPORTED if fmt.missing(row["n"]) else fmt.count_of(row["n"], row["denominator"])


ANY = "any serious neurologic event"
VALOR_ONLY = "VALOR, tofersen arm"
VALOR_OLE = "VALOR and extension, anyone treated with tofersen"
# The rows the prose quotes: text key -> (report, event, population or None)
QUOTED_SAFETY = {
    "valor": ("VALOR slides", ANY, VALOR_ONLY),
    "valor_placebo": ("VALOR slides", ANY, "VALOR, placebo arm"),
    "valor_ole": ("VALOR slides", ANY, VALOR_OLE),
    "nejm": ("NEJM paper (as summarised by MGH)", ANY, None),
    "release": ("Biogen release at NEJM publication", ANY, None),
    "lovett": ("Lovett et al. pooled review", ANY, None),
    "long": ("Long-term paper (press summary)", ANY, None),
    "myelitis_valor": ("VALOR slides", "myelitis or transverse myelitis", VALOR_ONLY),
    "myelitis_lovett": ("Lovett et al. pooled review", "myelitis", None),
    "myelitis_smpc": ("EU SmPC", "myelitis", None),
}


@dataclass(frozen=True, repr=False)
class Safety(Result):
    """Serious neurologic events, one source at a time (never pooled)."""

    rows: pd.DataFrame  # data/safety_serious_neuro.csv

    def row(self, report: str, event: str, population: str | None = None) -> pd.Series:
        where = dict(report=report, event=event) | ({} if population is None else dict(population=population))
        return data.row(self.rows, **where)

    def texts(self) -> dict[str, str]:
        rows = {key: self.row(*where) for key, where in QUOTED_SAFETY.items()}
        return {
            "sn_valor": printed_percent(rows["valor"]),
            "sn_valor_count": count_text(rows["valor"]),
            "sn_valor_placebo": count_text(rows["valor_placebo"]),
            "sn_valor_ole": printed_percent(rows["valor_ole"]),
            "sn_valor_ole_count": count_text(rows["valor_ole"]),
            "sn_nejm": printed_percent(rows["nejm"]),
            "sn_release": printed_percent(rows["release"]),
            "sn_lovett": printed_percent(rows["lovett"]),
            "sn_lovett_count": count_text(rows["lovett"]),
            "sn_long": printed_percent(rows["long"]),
            "myelitis_valor": count_text(rows["myelitis_valor"]),
            "myelitis_lovett": count_text(rows["myelitis_lovett"]),
            "myelitis_smpc": printed_percent(rows["myelitis_smpc"]),
            "smpc_n": fmt.integer(rows["myelitis_smpc"]["denominator"]),
            "n_safety_reports": fmt.integer(self.rows["report"].nunique()),
        }

    def table(self, event: str | None = None) -> pd.DataFrame:
        """Each report as its source gives it (only those of ``event``, without the event
        column, when one is named). The rate is computed (n / denominator) only where a
        source gives both; elsewhere it is left empty rather than estimated."""
        rows = self.rows if event is None else self.rows[self.rows["event"] == event]
        out = []
        for _, r in rows.iterrows():
            known = not fmt.missing(r["n"]) and not fmt.missing(r["denominator"])
            computed = fmt.percent(r["n"] / r["denominator"], 1) if known else "—"
            if fmt.missing(r["n"]) and not fmt.missing(r["denominator"]):
                counted = f"{NOT_REPORTED} (of {fmt.integer(r['denominator'])} {r['counted']})"
            else:
                counted = NOT_REPORTED if fmt.missing(r["n"]) else f"{count_text(r)} {counted_noun(r)}"
            out.append(
                {
                    "Report": f"{r['report']} {cite(r['source_key'])}",
                    "Population (data cut)": f"{r['population']} ({r['data_cut']})",
                    "Event": r["event"],
                    "Count": counted,
                    "Rate: computed / printed": f"{computed} / {printed_percent(r)}",
                }
            )
        table = pd.DataFrame(out)
        return table if event is None else table.drop(columns="Event")

    def summary(self) -> pd.DataFrame:
        """Every report of any serious neurologic event: the short table; :meth:`table`
        has every event."""
        return self.table(ANY)


def safety_reports(safety: pd.DataFrame) -> Safety:
    """``data/safety_serious_neuro.csv``."""
    return Safety(safety)
