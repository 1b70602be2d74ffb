"""The what-if explorer: power, and the smallest effect detectable with the target power,
over a declared grid of scenarios, computed when the book is built.

Chapter: *What if? Explore the power of a VALOR-like trial*. One model for every cell of
the grid: the lagged-effect model of :mod:`valor.lagged`, calibrated to the faster
stratum's placebo arm (:func:`valor.analysis.biomarkers.lag_model`: its mean decline by
week 28 and the SD the published CI implies, half of that variance visit noise), with
``n`` participants in each arm, the drug slowing each person's decline by a share of
the placebo decline once a lag has passed, and the arms compared by Welch's test
(:func:`valor.lagged.analytic_power`). With no lag this is the linear-decline model of
the trial-length figure, except that slowing each person's rate also narrows the
treated arm's spread.

The grid is declared in :mod:`valor.assumptions` (``explorer_effects``,
``explorer_weeks``, ``explorer_n_per_arm``, and the lags ``lag_delays``). The page
receives it as JSON (:meth:`Explorer.data_json`) inside the controls of
:meth:`Explorer.widget_html`, which a small script (``_extra/_static/explorer/explorer.js``)
reads to show the scenario a reader picks; every text it shows is formatted here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd

from valor import assumptions, fmt, lagged
from valor.analysis.biomarkers import lag_model
from valor.analysis.primary import PrimaryResult
from valor.analysis.result import Result

#: Where the page finds its script and style (``html_extra_path`` serves ``_extra/``).
SCRIPT = "../_static/explorer/explorer.js"
STYLE = "../_static/explorer/explorer.css"
ELEMENT_ID = "valor-explorer"


@dataclass(frozen=True, repr=False)
class Explorer(Result):
    """Power over the grid (lag, participants per arm, trial length, effect) and the
    smallest effect detectable with the target power for each (lag, size, length)."""

    effects: tuple  # share of the placebo decline removed once the drug acts
    weeks: tuple  # trial lengths
    n_per_arm: tuple
    lags: tuple  # weeks before the drug acts
    power: np.ndarray = field(repr=False)  # shape (lags, n_per_arm, weeks, effects)
    # shape (lags, n_per_arm, weeks): smallest effect with the target power (NaN: none), and
    # the expected difference it gives at the endpoint (points)
    detectable: np.ndarray = field(repr=False)
    detectable_points: np.ndarray = field(repr=False)
    default: dict  # the scenario shown first: effect, weeks, n, lag
    target_power: float
    alpha: float
    noise_share: float
    decline_per_week: float  # the placebo arm's mean decline, points a week

    @property
    def cells(self) -> int:
        return self.power.size

    def _index(self, effect=None, weeks=None, n=None, lag=None) -> tuple:
        def at(values, value, name):
            matches = [i for i, v in enumerate(values) if np.isclose(v, value)]
            if not matches:
                raise KeyError(
                    f"{name} {value} is not on the explorer's grid ({', '.join(map(str, values))})"
                )
            return matches[0]

        index = (
            at(self.lags, lag, "lag"),
            at(self.n_per_arm, n, "participants per arm"),
            at(self.weeks, weeks, "week"),
        )
        return index if effect is None else (*index, at(self.effects, effect, "effect"))

    def power_at(self, effect: float, weeks: int, n: int, lag: int) -> float:
        return float(self.power[self._index(effect, weeks, n, lag)])

    def detectable_at(self, weeks: int, n: int, lag: int) -> float:
        return float(self.detectable[self._index(None, weeks, n, lag)])

    # -- the words the page shows (one place, also for the script) --------------

    def effect_label(self, effect: float) -> str:
        return f"{fmt.percent(effect)} of the placebo decline"

    def weeks_label(self, weeks: int) -> str:
        return f"{fmt.integer(weeks)} weeks"

    def n_label(self, n: int) -> str:
        return f"{fmt.integer(n)} per arm ({fmt.integer(2 * n)} in all)"

    def lag_label(self, lag: int) -> str:
        return "none" if lag == 0 else f"{fmt.integer(lag)} weeks"

    #: How the page says the smallest detectable effect ({share}, {points}, {week} filled in).
    DETECTABLE = "{share} of the placebo decline ({points} points at week {week})"
    NOT_DETECTABLE = "none: not even a drug that stops the decline once it acts"

    def detectable_parts(self, weeks: int, n: int, lag: int) -> list[str] | None:
        """[share, points] as the page shows them, or None when no effect reaches the target power."""
        index = self._index(None, weeks, n, lag)
        share, points = self.detectable[index], self.detectable_points[index]
        return None if np.isnan(share) else [fmt.percent(share), fmt.num(points)]

    def detectable_text(self, weeks: int, n: int, lag: int) -> str:
        """The smallest detectable effect of one trial as the page says it."""
        parts = self.detectable_parts(weeks, n, lag)
        if parts is None:
            return self.NOT_DETECTABLE
        return self.DETECTABLE.format(share=parts[0], points=parts[1], week=fmt.integer(weeks))

    def scenario(self, effect: float, weeks: int, n: int, lag: int) -> dict[str, str]:
        """What the page shows for one scenario: the power and the smallest detectable effect."""
        return {
            "power": fmt.percent(self.power_at(effect, weeks, n, lag)),
            "detectable": self.detectable_text(weeks, n, lag),
        }

    def texts(self) -> dict[str, str]:
        d = self.default
        shown = self.scenario(d["effect"], d["weeks"], d["n"], d["lag"])
        return {
            "power": shown["power"],
            "detectable": shown["detectable"],
            "effect": self.effect_label(d["effect"]),
            "weeks": self.weeks_label(d["weeks"]),
            "n": self.n_label(d["n"]),
            "lag": self.lag_label(d["lag"]),
            "target_power": fmt.percent(self.target_power),
            "alpha": f"{self.alpha:.2f}",
            "noise_share": fmt.percent(self.noise_share),
            "cells": fmt.integer(self.cells),
            "n_effects": fmt.integer(len(self.effects)),
            "n_weeks": fmt.integer(len(self.weeks)),
            "n_sizes": fmt.integer(len(self.n_per_arm)),
            "n_lags": fmt.integer(len(self.lags)),
            "slope": fmt.num(self.decline_per_week, 2),
        }

    # -- tables for paper and for readers without JavaScript --------------------

    def power_table(self, effect: float, lag: int) -> pd.DataFrame:
        """Power for one effect and lag: one row per size, one column per trial length."""
        return pd.DataFrame(
            [
                {"Participants per arm": fmt.integer(n)}
                | {self.weeks_label(w): fmt.percent(self.power_at(effect, w, n, lag)) for w in self.weeks}
                for n in self.n_per_arm
            ]
        )

    def detectable_table(self, lag: int) -> pd.DataFrame:
        """The smallest effect detectable with the target power (share of the placebo
        decline) for one lag: one row per size, one column per trial length."""

        def cell(w, n):
            share = self.detectable_at(w, n, lag)
            return "none" if np.isnan(share) else fmt.percent(share)

        return pd.DataFrame(
            [
                {"Participants per arm": fmt.integer(n)}
                | {self.weeks_label(w): cell(w, n) for w in self.weeks}
                for n in self.n_per_arm
            ]
        )

    # -- the live page ----------------------------------------------------------

    def data_json(self) -> str:
        """The grid and every label, as JSON with one line per (lag, size): power in whole
        percent exactly as :func:`valor.fmt.percent` shows it, and the parts of
        :meth:`Explorer.detectable_text` with its template."""
        head = {
            "effects": [self.effect_label(e) for e in self.effects],
            "weeks": [self.weeks_label(w) for w in self.weeks],
            "week_numbers": [fmt.integer(w) for w in self.weeks],
            "n_per_arm": [self.n_label(n) for n in self.n_per_arm],
            "lags": [self.lag_label(lag) for lag in self.lags],
            "detectable_text": self.DETECTABLE,
            "not_detectable_text": self.NOT_DETECTABLE,
        }
        power_rows, detectable_rows = [], []
        for i, lag in enumerate(self.lags):
            for j, n in enumerate(self.n_per_arm):
                power_rows.append(
                    [
                        [int(fmt.percent(p).rstrip("%")) for p in self.power[i, j, k]]
                        for k in range(len(self.weeks))
                    ]
                )
                detectable_rows.append([self.detectable_parts(w, n, lag) for w in self.weeks])

        def block(name, rows):
            shown = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows]
            return [f'"{name}":['] + [r + "," for r in shown[:-1]] + [shown[-1] + "]"]

        lines = [json.dumps(head, ensure_ascii=False)[:-1] + ","]
        lines += block("power", power_rows)
        lines[-1] += ","
        lines += block("detectable", detectable_rows)
        lines[-1] += "}"
        return "\n".join(lines)

    def widget_html(self) -> str:
        """The controls, the live result and the data, as one block of HTML without blank
        lines (MyST passes it through as raw HTML). The controls stay hidden until the
        script runs, and in print; the result shows the default scenario without it."""
        d = self.default
        shown = self.scenario(d["effect"], d["weeks"], d["n"], d["lag"])

        def slider(key, label, values, chosen, labels):
            position = values.index(chosen)
            return [
                '<div class="vx-control">',
                f'<label for="vx-{key}">{escape(label)}</label>',
                f'<input type="range" id="vx-{key}" name="{key}" min="0" max="{len(values) - 1}" step="1" '
                f'value="{position}" aria-valuetext="{escape(labels[position])}" aria-describedby="vx-{key}-value">',
                f'<output id="vx-{key}-value" for="vx-{key}">{escape(labels[position])}</output>',
                "</div>",
            ]

        def select(key, label, values, chosen, labels):
            options = [
                f'<option value="{i}"{" selected" if v == chosen else ""}>{escape(text)}</option>'
                for i, (v, text) in enumerate(zip(values, labels, strict=True))
            ]
            return [
                '<div class="vx-control">',
                f'<label for="vx-{key}">{escape(label)}</label>',
                f'<select id="vx-{key}" name="{key}">',
                *options,
                "</select>",
                "</div>",
            ]

        effects = [self.effect_label(e) for e in self.effects]
        lines = [
            f'<div id="{ELEMENT_ID}" class="vx">',
            f'<link rel="stylesheet" href="{STYLE}">',
            '<form class="vx-controls" hidden aria-label="Scenario">',
            *slider("effect", "True effect once the drug acts", list(self.effects), d["effect"], effects),
            *select("weeks", "Trial length", list(self.weeks), d["weeks"], [self.weeks_label(w) for w in self.weeks]),
            *slider("n", "Participants", list(self.n_per_arm), d["n"], [self.n_label(n) for n in self.n_per_arm]),
            *select("lag", "Lag before the benefit starts", list(self.lags), d["lag"], [self.lag_label(g) for g in self.lags]),
            "</form>",
            '<div class="vx-result" id="vx-result" aria-live="polite" aria-atomic="true">',
            f'<p>Power: <strong id="vx-power">{shown["power"]}</strong></p>',
            f"<p>Smallest effect detectable with {fmt.percent(self.target_power)} power: "
            f'<strong id="vx-detectable">{escape(shown["detectable"])}</strong></p>',
            "</div>",
            f'<script type="application/json" id="vx-data">{self.data_json()}</script>',
            f'<script src="{SCRIPT}" defer></script>',
            "</div>",
        ]  # fmt: skip
        return "\n".join(lines)


#: Halvings of the effect's range [0, 1] that find the smallest detectable effect, to
#: within 1e-9 of the share of the decline (the page shows whole percents).
BISECTIONS = 30


def _grid_power(base, lags, sizes, weeks, effects, alpha: float) -> np.ndarray:
    """Power of every scenario at once: lags x sizes x weeks x ``effects`` (the model's
    parameters broadcast, :class:`valor.lagged.LaggedModel`)."""
    model = base.with_(delay=lags[:, None, None, None], effect=effects)
    n = sizes[None, :, None, None]
    return lagged.analytic_power(model, n, n, weeks[None, None, :, None], alpha)


def _detectable(base, lags, sizes, weeks, target: float, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """For every lag x size x week, the smallest effect (share of the decline) whose power
    reaches ``target``, by bisection of all of them at once (power grows with the effect),
    and the expected difference it gives at that week; NaN where even the whole decline
    does not reach it."""

    def power(effect):
        return _grid_power(base, lags, sizes, weeks, effect[..., None], alpha)[..., 0]

    shape = (len(lags), len(sizes), len(weeks))
    low, high = np.zeros(shape), np.ones(shape)
    for _ in range(BISECTIONS):
        middle = (low + high) / 2
        reached = power(middle) >= target
        low, high = np.where(reached, low, middle), np.where(reached, middle, high)
    effect = np.where(power(np.ones(shape)) >= target, high, np.nan)
    model = base.with_(delay=lags[:, None, None], effect=np.nan_to_num(effect))
    points = lagged.expected_difference(model, weeks[None, None, :])
    return effect, np.where(np.isnan(effect), np.nan, points)


def explorer(primary: PrimaryResult) -> Explorer:
    """Power and smallest detectable effect over the declared grid, for trials of equal
    arms under the lagged-effect model calibrated to ``primary`` (the faster stratum)."""
    effects = tuple(assumptions.EXPLORER_EFFECTS)
    weeks = tuple(assumptions.EXPLORER_WEEKS)
    sizes = tuple(assumptions.EXPLORER_N_PER_ARM)
    lags = tuple(assumptions.LAG_DELAYS)
    alpha, target = assumptions.ALPHA, assumptions.TARGET_POWER
    base = lag_model(primary)
    grid = [np.asarray(values, float) for values in (lags, sizes, weeks)]
    power = _grid_power(base, *grid, np.asarray(effects, float), alpha)
    detectable, points = _detectable(base, *grid, target, alpha)
    default = {
        "effect": assumptions.BENCHMARK_SLOWING,
        "weeks": primary.week,
        "n": primary.n // 2,
        "lag": 0,
    }
    return Explorer(
        effects=effects,
        weeks=weeks,
        n_per_arm=sizes,
        lags=lags,
        power=power,
        detectable=detectable,
        detectable_points=points,
        default=default,
        target_power=target,
        alpha=alpha,
        noise_share=assumptions.LAG_NOISE_SHARE,
        decline_per_week=base.mean_slope,
    )
