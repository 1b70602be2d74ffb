"""The modelling assumptions of the book, each defined once, with its reason.

Every choice an analysis makes that is not a trial value from ``data/`` stands
here: the significance level, the target powers, the effects the book assumes,
how the variance of the decline is split, event probabilities, and the seed and
size of every simulation. Each :class:`Assumption` carries its value, its unit,
why it was chosen and, where one exists, a source (a key in ``references.bib``).

Read an assumption as an attribute, ``assumptions.ALPHA``, or by name,
``assumptions.value("alpha")``; both go through :func:`value`, the one place a
read happens, so that a build can record which chapter read which assumption.
The appendix page *Modelling assumptions* is rendered from :func:`table_rows`.
Nothing here imports more than the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

from valor import reads


@dataclass(frozen=True)
class Assumption:
    """One modelling assumption: its name, value, unit, the reason for it and a source."""

    name: str
    value: object
    unit: str
    reason: str
    source: str | None = None  # a key in references.bib, where a source supports the value


_ALL = (
    Assumption(
        "alpha",
        0.05,
        "probability, two-sided",
        "The conventional significance level, the one VALOR's primary analysis was judged "
        "against. Every power, sample size and critical difference in the book uses it.",
    ),
    Assumption(
        "target_power",
        0.8,
        "probability",
        "The power trials are most often planned for: the book asks which effect, or which "
        "size of trial, reaches it.",
    ),
    Assumption(
        "high_power",
        0.9,
        "probability",
        "The stricter planning target, shown beside the usual one to show how fast the "
        "required effect and size grow.",
    ),
    Assumption(
        "benchmark_slowing",
        0.5,
        "fraction of the placebo arm's decline",
        "The book's benchmark effect: a drug that halves the decline. It is a large effect "
        "for ALS, so power against it is generous; the sample size, the heterogeneity and "
        "enrichment examples and the lagged-effect model all use it.",
    ),
    Assumption(
        "length_slowing",
        0.3,
        "fraction of the placebo arm's decline",
        "A modest slowing from the first dose for the trial-length figure: smaller than the "
        "benchmark, to ask whether a longer trial rescues an effect of realistic size.",
    ),
    Assumption(
        "rate_variance_shares",
        (1.0, 0.75, 0.5, 0.25),
        "share of the week-28 variance of the change",
        "How much of the spread of the change comes from people declining at different rates "
        "(the rest is visit-to-visit noise). No source reports it, so the trial-length figure "
        "spans the range.",
    ),
    Assumption(
        "lag_noise_share",
        0.5,
        "share of the week-28 variance of the change",
        "The lagged-effect model's share of visit-to-visit noise: unreported, so the middle "
        "of the range the trial-length figure spans.",
    ),
    Assumption(
        "lag_delays",
        (0, 4, 8, 12, 16, 20, 24),
        "weeks from the first dose",
        "Delays before the drug slows decline, from none to nearly the whole randomised "
        "phase, in steps of a month.",
    ),
    Assumption(
        "lag_examples",
        (0, 12, 20),
        "weeks from the first dose",
        "The delays drawn in the course figure: none, about a quarter of a year, and most of "
        "the randomised phase; the middle one is quoted in the prose.",
    ),
    Assumption(
        "longer_endpoint_weeks",
        (40, 52),
        "weeks from the first dose",
        "Longer trials for the lagged-effect model: the week of the extension's first look "
        "at the faster stratum and the one-year analysis.",
    ),
    Assumption(
        "event_probabilities",
        (0.05, 0.15),
        "probability of death or permanent ventilation before week 28 (lower, higher)",
        "Illustrative rates for the joint rank test: VALOR's events before week 28 are not "
        "reported by arm, so the simulation uses a low and a threefold higher rate.",
    ),
    Assumption(
        "fast_variant_share",
        0.5,
        "share of the faster stratum",
        "The share carrying a fast variant in the heterogeneity example: unknown, and a half "
        "gives the largest spread between two subgroups.",
    ),
    Assumption(
        "seed",
        2021,
        "seed of numpy.random.default_rng",
        "Any fixed seed makes every simulated number repeat exactly; 2021 is the year of "
        "the topline results.",
    ),
    Assumption(
        "n_trials",
        10_000,
        "simulated trials per scenario",
        "Enough for a Monte-Carlo standard error of at most half a percentage point of "
        "power, in well under a second per scenario.",
    ),
    Assumption(
        "lag_n_trials",
        4_000,
        "simulated trials per delay and trial length",
        "The lag grid has 21 cells; 4,000 trials each keep the Monte-Carlo standard error "
        "below one percentage point and the chapter quick.",
    ),
    Assumption(
        "synthetic_visit_interval",
        4,
        "weeks between ALSFRS-R visits of the synthetic trial",
        "The synthetic trial records the score every four weeks to the primary endpoint, then at "
        "the extension's looks (longer_endpoint_weeks). VALOR's own visit schedule is not in the "
        "sources we could read; monthly visits are common in ALS trials and enough for a slope model.",
    ),
    Assumption(
        "synthetic_noise_share",
        0.1,
        "share of the week-28 variance of the change",
        "The synthetic trial's visit-to-visit noise: a tenth of the variance gives the faster "
        "stratum's visits a noise SD of about 2.6 points, so synthetic courses wander by a few "
        "points between visits as scores on a questionnaire do, and most of the spread is in the "
        "rates of decline. Not reported for VALOR; the lagged-effect model spans the range instead.",
    ),
    Assumption(
        "synthetic_slower_cv_ratio",
        1.0,
        "ratio of the slower stratum's SD/decline to the faster stratum's",
        "The slower stratum's SD of the week-28 change is not reported. The synthetic trial takes "
        "it in proportion to that stratum's placebo decline (ratio 1: the same coefficient of "
        "variation), one of the two bounds the enrichment analysis uses.",
    ),
    Assumption(
        "synthetic_baseline_alsfrs",
        (36, 6),
        "ALSFRS-R points: mean and SD before truncation",
        "The synthetic participants' baseline scores: illustrative values for people early in "
        "symptomatic ALS, not VALOR's (not in the sources we could read). The draw is truncated so "
        "that no visit leaves the 0 to 48 scale; only changes from baseline are calibrated.",
    ),
    Assumption(
        "synthetic_event_rate_correlation",
        0.5,
        "correlation (probit scale)",
        "How strongly a synthetic participant's rate of decline raises the chance of death, "
        "permanent ventilation or withdrawal: faster decliners have events more often, which makes "
        "the missing data informative. The strength is not reported; a half is a moderate link.",
    ),
    Assumption(
        "synthetic_nfl_baseline",
        (60, 30),
        "pg/ml, geometric mean of plasma NfL at baseline (faster, slower stratum)",
        "An illustrative scale for the synthetic NfL values, higher where decline is faster: the "
        "sources we could read give no baseline NfL, and only ratios to baseline are calibrated.",
    ),
    Assumption(
        "synthetic_nfl_log_sd",
        (0.5, 0.35),
        "SD of the natural log (baseline NfL, ratio to baseline at week 28)",
        "The spread of the synthetic NfL values between people: not reported (the published "
        "ratios come with P values only), so moderate values that keep the published ratios "
        "clearly different between arms, as their P values say they were.",
    ),
    Assumption(
        "synthetic_replicates",
        2_000,
        "synthetic trials",
        "How many synthetic trials of VALOR's size the chapter draws to show how far one trial "
        "lands from the published numbers: enough for a Monte-Carlo SE of a few hundredths of a "
        "point for the mean difference, in about a second.",
    ),
    Assumption(
        "explorer_effects",
        tuple(round(0.05 * i, 2) for i in range(21)),
        "fraction of the placebo arm's decline removed once the drug acts",
        "The what-if explorer's grid of true effects: none to all of the decline in steps of 5 "
        "percentage points.",
    ),
    Assumption(
        "explorer_weeks",
        (12, 20, 28, 40, 52, 78, 104),
        "weeks from the first dose to the endpoint",
        "The explorer's trial lengths: from a quarter of a year to two years, through VALOR's week "
        "28 and the extension's looks at weeks 40 and 52.",
    ),
    Assumption(
        "explorer_n_per_arm",
        (10, 20, 30, 40, 60, 80, 100, 150, 200, 300),
        "participants per arm (1:1)",
        "The explorer's trial sizes: from a very small trial to ten times VALOR's faster stratum "
        "(which had about 30 per arm on average), denser where power changes fastest.",
    ),
)
_BY_NAME = {a.name: a for a in _ALL}
# What each assumption sets, for the appendix's short table (every assumption in one group).
GROUPS = {
    "Significance level and power targets": ("alpha", "target_power", "high_power"),
    "Effects the book assumes": (
        "benchmark_slowing",
        "length_slowing",
        "fast_variant_share",
        "event_probabilities",
    ),
    "Spread of the decline": ("rate_variance_shares", "lag_noise_share"),
    "Timing of the effect and of the endpoint": ("lag_delays", "lag_examples", "longer_endpoint_weeks"),
    "Seed and size of the simulations": ("seed", "n_trials", "lag_n_trials"),
    "The synthetic trial": tuple(a.name for a in _ALL if a.name.startswith("synthetic_")),
    "The what-if explorer": tuple(a.name for a in _ALL if a.name.startswith("explorer_")),
}
SHORT_VALUES = 4  # a longer tuple shows in the short table as its count and range


def names() -> list[str]:
    """The name of every assumption, in the order the appendix lists them."""
    return [a.name for a in _ALL]


def get(name: str) -> Assumption:
    """The whole record of one assumption (value, unit, reason, source).

    The read is recorded for the build: a chapter re-executes when the value of an
    assumption it read changes (``_ext/valor_deps.py``), not when another one does.
    """
    try:
        found = _BY_NAME[name]
    except KeyError:
        raise KeyError(
            f"no assumption named {name!r} (valor/assumptions.py defines: {', '.join(names())})"
        ) from None
    reads.record(reads.ASSUMPTION + name)
    return found


def value(name: str, override=None):
    """The value of the assumption ``name`` (or ``override`` when one is given).

    Every read of an assumption goes through here.
    """
    return get(name).value if override is None else override


def __getattr__(attribute: str):
    """``assumptions.ALPHA`` reads ``value("alpha")``."""
    if attribute.isupper() and attribute.lower() in _BY_NAME:
        return value(attribute.lower())
    raise AttributeError(f"module 'valor.assumptions' has no attribute {attribute!r}")


def shown(x) -> str:
    """A value as the appendix shows it: ``10000`` -> ``'10,000'``, ``(0, 12)`` -> ``'0, 12'``."""
    if isinstance(x, tuple):
        return ", ".join(shown(v) for v in x)
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


def table_rows() -> list[dict[str, str]]:
    """One row per assumption for the appendix, each value read through :func:`value`.

    The appendix shows every reason and unit too, so it depends on the whole module.
    """
    reads.record(reads.ASSUMPTION + "*")
    return [
        {
            "assumption": f"`{a.name}`",
            "value": shown(value(a.name)),
            "unit": a.unit,
            "why": a.reason,
            "source": "{cite:p}`" + a.source + "`" if a.source else "none: an assumption",
        }
        for a in _ALL
    ]


def table() -> list[dict[str, str]]:
    """The appendix's full table: :func:`table_rows` under human column labels."""
    return [{column.capitalize(): text for column, text in row.items()} for row in table_rows()]


def briefly(x) -> str:
    """A value for the short table: as :func:`shown`, or a long tuple's count and range
    (``'21 values, 0 to 1'``)."""
    if isinstance(x, tuple) and len(x) > SHORT_VALUES:
        return f"{len(x)} values, {shown(min(x))} to {shown(max(x))}"
    return shown(x)


def summary() -> list[dict[str, str]]:
    """The appendix's short table: one row per group of :data:`GROUPS`, each assumption
    with its value (long ranges shortened by :func:`briefly`)."""
    ungrouped = set(names()) - {n for group in GROUPS.values() for n in group}
    if ungrouped:
        raise ValueError(f"valor/assumptions.py: GROUPS leaves out {', '.join(sorted(ungrouped))}")
    return [
        {
            "What they set": group,
            "Assumptions": str(len(members)),
            "Name and value": "; ".join(f"`{n}` {briefly(value(n))}" for n in members),
        }
        for group, members in GROUPS.items()
    ]
