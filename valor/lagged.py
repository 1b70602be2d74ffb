"""A lagged-effect model of ALSFRS-R decline, and the power of trials under it.

Why can a biomarker move within weeks while function barely moves in a
28-week trial? One simple answer: the drug slows the *rate* of decline, and the
slowing starts only some time after the first dose. This module makes that
answer explicit and testable.

The model
---------
Participant *i* loses ``b_i`` ALSFRS-R points per week without treatment, with
``b_i ~ Normal(mean_slope, slope_sd)`` (between-person variation in how fast the
disease progresses). Once treatment has acted, that is from ``start + delay``
weeks on, the rate is ``(1 - effect) * b_i``. Each visit adds independent
measurement noise ``e ~ Normal(0, noise_sd)``. The change from baseline at week
``t`` is therefore::

    change_i(t) = -b_i * disease_weeks(t) + e_i(t)
    disease_weeks(t) = t - effect * max(0, t - start - delay)

``disease_weeks`` is the number of weeks of *untreated-speed* decline that have
elapsed by week ``t``. With ``effect = 0`` (or a treatment that never starts) it
is simply ``t``: the placebo course.

:func:`calibrate` sets ``mean_slope`` from a placebo arm's mean change at one
week, and splits the between-person SD of that change (reconstructed from a
published 95% CI of the difference between arms) into slope variation and
visit noise.

Everything is vectorised NumPy and seeded (``np.random.default_rng(seed)``):
the same seed gives the same numbers. The test of the difference between arms
is Welch's t-test: once the drug acts, the treated arm's slopes are scaled down
and so is their spread, so the arms' SDs differ and the pooled t test of
:mod:`valor.stats` would not fit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from valor import deferred
from valor.stats import power_noncentral_t

stats = deferred.module("scipy.stats")


@dataclass(frozen=True)
class LaggedModel:
    """Parameters of the lagged-effect model (weeks and ALSFRS-R points).

    mean_slope: mean untreated decline, points per week (positive = decline).
    slope_sd: between-person SD of the decline, points per week.
    noise_sd: SD of visit-level measurement noise, points.
    effect: fraction by which treatment slows the decline once it acts (0 to 1).
    delay: weeks from the first dose until the slowing begins.

    A parameter may also be an array: the model's values then broadcast against ``weeks``
    and against one another, so a whole grid of scenarios is computed at once.
    """

    mean_slope: float
    slope_sd: float
    noise_sd: float = 0.0
    effect: float = 0.0
    delay: float = 0.0

    def __post_init__(self):
        if np.any(np.asarray(self.slope_sd) < 0) or np.any(np.asarray(self.noise_sd) < 0):
            raise ValueError("slope_sd and noise_sd must not be negative")
        effect = np.asarray(self.effect)
        if not np.all((effect >= 0) & (effect <= 1)):
            raise ValueError(f"effect is a fraction of the slope (0 to 1), got {self.effect}")
        if np.any(np.asarray(self.delay) < 0):
            raise ValueError(f"delay must not be negative, got {self.delay}")

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name):.4g}" for name in self.__dataclass_fields__)
        return f"LaggedModel({shown})"

    def with_(self, **changes) -> LaggedModel:
        """A copy with some parameters changed: ``model.with_(effect=0.5)``."""
        return replace(self, **changes)

    def disease_weeks(self, weeks, start: float | None = 0.0) -> np.ndarray:
        """Weeks of untreated-speed decline elapsed by ``weeks``, for treatment
        that starts at week ``start`` (``None``: never treated)."""
        weeks = np.asarray(weeks, dtype=float)
        if start is None:
            return weeks
        acting = np.clip(weeks - start - self.delay, 0.0, None)
        return weeks - self.effect * acting

    def expected_change(self, weeks, start: float | None = 0.0) -> np.ndarray:
        """Mean change from baseline (points; negative = decline)."""
        return -self.mean_slope * self.disease_weeks(weeks, start)

    def sd_change(self, weeks, start: float | None = 0.0) -> np.ndarray:
        """Between-person SD of the change from baseline at ``weeks``."""
        d = self.disease_weeks(weeks, start)
        return np.sqrt((self.slope_sd * d) ** 2 + self.noise_sd**2)


def calibrate(
    placebo_change: float, week: float, sd_change: float, noise_share: float = 0.5, **model
) -> LaggedModel:
    """A model whose placebo arm has mean change ``placebo_change`` and SD
    ``sd_change`` at ``week``; ``noise_share`` of that variance is visit noise,
    the rest between-person variation in slope. Extra keywords (``effect``,
    ``delay``) pass to :class:`LaggedModel`."""
    if not 0 <= noise_share <= 1:
        raise ValueError("noise_share is a share of the variance (0 to 1)")
    if week <= 0:
        raise ValueError("week must be positive")
    return LaggedModel(
        mean_slope=float(-placebo_change / week),
        slope_sd=float(np.sqrt(1 - noise_share) * sd_change / week),
        noise_sd=float(np.sqrt(noise_share) * sd_change),
        **model,
    )


# -- simulation -----------------------------------------------------------------


def simulate_arm(
    model: LaggedModel, n: int, weeks, n_sims: int, rng: np.random.Generator, start: float | None = 0.0
) -> np.ndarray:
    """Changes from baseline, shape ``(n_sims, n, len(weeks))``."""
    weeks = np.atleast_1d(np.asarray(weeks, dtype=float))
    slopes = rng.normal(model.mean_slope, model.slope_sd, size=(n_sims, n, 1))
    noise = rng.normal(0.0, model.noise_sd, size=(n_sims, n, weeks.size))
    return -slopes * model.disease_weeks(weeks, start) + noise


def simulate_trial(
    model: LaggedModel,
    n_treated: int,
    n_control: int,
    weeks,
    n_sims: int = 2000,
    seed: int = 0,
    control_start: float | None = None,
):
    """Simulate ``n_sims`` two-arm trials. The treated arm starts at week 0; the
    control arm never (placebo) or at ``control_start`` (a delayed start).
    Returns ``(treated, control)`` arrays of shape ``(n_sims, n, len(weeks))``."""
    rng = np.random.default_rng(seed)
    treated = simulate_arm(model, n_treated, weeks, n_sims, rng, start=0.0)
    control = simulate_arm(model, n_control, weeks, n_sims, rng, start=control_start)
    return treated, control


def welch_test(a: np.ndarray, b: np.ndarray, axis: int = -1):
    """Welch's two-sample t-test along ``axis``, vectorised over the other axes.
    Returns ``(difference of means a - b, standard error, two-sided P)``."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    na, nb = a.shape[axis], b.shape[axis]
    va, vb = a.var(axis=axis, ddof=1) / na, b.var(axis=axis, ddof=1) / nb
    diff = a.mean(axis=axis) - b.mean(axis=axis)
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    p = 2 * stats.t.sf(np.abs(diff / se), df)
    return diff, se, p


def simulated_power(
    model: LaggedModel,
    n_treated: int,
    n_control: int,
    weeks,
    n_sims: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
    control_start: float | None = None,
) -> pd.DataFrame:
    """Power of a two-sided Welch test at each of ``weeks``, with the mean
    simulated difference and its Monte-Carlo standard error."""
    weeks = np.atleast_1d(np.asarray(weeks, dtype=float))
    treated, control = simulate_trial(model, n_treated, n_control, weeks, n_sims, seed, control_start)
    diff, _, p = welch_test(treated, control, axis=1)  # shape (n_sims, n_weeks)
    reject = p < alpha
    power = reject.mean(axis=0)
    return pd.DataFrame(
        {
            "week": weeks,
            "power": power,
            "power_mc_se": np.sqrt(power * (1 - power) / n_sims),
            "mean_difference": diff.mean(axis=0),
            "difference_mc_se": diff.std(axis=0, ddof=1) / np.sqrt(n_sims),
        }
    )


def expected_difference(model: LaggedModel, weeks, control_start: float | None = None):
    """Expected difference in mean change, treated minus control (points)."""
    return model.expected_change(weeks, start=0.0) - model.expected_change(weeks, start=control_start)


def analytic_power(
    model: LaggedModel,
    n_treated: int,
    n_control: int,
    weeks,
    alpha: float = 0.05,
    control_start: float | None = None,
) -> np.ndarray:
    """Approximate power of the two-sided Welch test of the difference: a noncentral
    t distribution with the Welch–Satterthwaite degrees of freedom of the model's
    variances (exact for the normal approximation as the groups grow)."""
    diff = expected_difference(model, weeks, control_start)
    va = model.sd_change(weeks, 0.0) ** 2 / n_treated
    vb = model.sd_change(weeks, control_start) ** 2 / n_control
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (n_treated - 1) + vb**2 / (n_control - 1))
    return power_noncentral_t(diff / se, df, alpha)


def power_grid(
    model: LaggedModel,
    n_treated: int,
    n_control: int,
    delays,
    weeks,
    n_sims: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Simulated and analytic power for every combination of delay and trial length
    (the week at which the endpoint is read). The same seed is used for every
    delay (common random numbers), so the curves differ only by the delay."""
    frames = []
    for delay in np.atleast_1d(delays):
        lagged = model.with_(delay=float(delay))
        frame = simulated_power(lagged, n_treated, n_control, weeks, n_sims, seed, alpha)
        frame.insert(0, "delay", float(delay))
        frame["analytic_power"] = analytic_power(lagged, n_treated, n_control, weeks, alpha)
        frame["expected_difference"] = expected_difference(lagged, weeks)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def implied_delay(model: LaggedModel, difference: float, week: float) -> float:
    """The delay at which ``model``'s effect would give an expected difference of
    ``difference`` points at ``week`` (NaN when no delay can: the difference is
    larger than the effect gives without delay, or not positive)."""
    if model.effect <= 0 or model.mean_slope <= 0 or difference <= 0:
        return float("nan")
    acting_weeks = difference / (model.mean_slope * model.effect)
    delay = week - acting_weeks
    return float(delay) if 0 <= delay <= week else float("nan")
