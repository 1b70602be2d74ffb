"""valor.analysis.explorer: the what-if explorer's grid is the lagged-effect model's power,
its smallest detectable effects reach the target power exactly, and the page gets every
value as the book formats it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from valor import assumptions, data, fmt, lagged
from valor.analysis import biomarkers, explorer, primary


@pytest.fixture(scope="module")
def faster():
    return primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))


@pytest.fixture(scope="module")
def grid(faster):
    return explorer.explorer(faster)


def power_here(faster, effect, weeks, n, lag):
    model = biomarkers.lag_model(faster).with_(effect=effect, delay=lag)
    return float(lagged.analytic_power(model, n, n, [weeks], assumptions.ALPHA)[0])


def test_the_grid_is_the_declared_one(grid):
    assert grid.effects == tuple(assumptions.EXPLORER_EFFECTS)
    assert grid.weeks == tuple(assumptions.EXPLORER_WEEKS)
    assert grid.n_per_arm == tuple(assumptions.EXPLORER_N_PER_ARM)
    assert grid.lags == tuple(assumptions.LAG_DELAYS)
    assert grid.power.shape == (len(grid.lags), len(grid.n_per_arm), len(grid.weeks), len(grid.effects))
    assert grid.cells == grid.power.size


@pytest.mark.parametrize(
    "effect, weeks, n, lag", [(0.5, 28, 30, 0), (0.3, 52, 60, 8), (1.0, 104, 10, 24), (0.05, 12, 300, 4)]
)
def test_power_is_the_lagged_models_analytic_power(grid, faster, effect, weeks, n, lag):
    assert grid.power_at(effect, weeks, n, lag) == pytest.approx(
        power_here(faster, effect, weeks, n, lag), rel=1e-12
    )


def test_no_effect_gives_the_significance_level_and_power_grows_with_the_effect(grid):
    assert np.allclose(grid.power[..., 0], assumptions.ALPHA)
    assert (np.diff(grid.power, axis=-1) >= -1e-12).all()


def test_the_smallest_detectable_effect_reaches_the_target_power_exactly(grid, faster):
    target = assumptions.TARGET_POWER
    found = 0
    for i, lag in enumerate(grid.lags):
        for j, n in enumerate(grid.n_per_arm):
            for k, weeks in enumerate(grid.weeks):
                effect = grid.detectable[i, j, k]
                if np.isnan(effect):
                    assert power_here(faster, 1.0, weeks, n, lag) < target
                    continue
                found += 1
                assert power_here(faster, effect, weeks, n, lag) >= target
                assert power_here(faster, effect - 1e-8, weeks, n, lag) < target  # the smallest
                points = lagged.expected_difference(
                    biomarkers.lag_model(faster).with_(effect=effect, delay=lag), [weeks]
                )[0]
                assert grid.detectable_points[i, j, k] == pytest.approx(points, rel=1e-12)
    assert 0 < found < grid.detectable.size  # some trials can, some cannot


def test_the_default_is_the_faster_stratum_with_equal_arms(grid, faster):
    assert grid.default == {
        "effect": assumptions.BENCHMARK_SLOWING,
        "weeks": faster.week,
        "n": faster.n // 2,
        "lag": 0,
    }
    texts = grid.texts()
    assert texts["power"] == fmt.percent(power_here(faster, 0.5, faster.week, faster.n // 2, 0))
    assert texts["detectable"].endswith(f"points at week {faster.week})")


def test_off_grid_scenarios_are_refused(grid):
    with pytest.raises(KeyError, match="week 30 is not on the explorer's grid"):
        grid.power_at(0.5, 30, 30, 0)


def test_the_page_data_hold_every_value_as_formatted(grid):
    payload = json.loads(grid.data_json())
    assert len(payload["power"]) == len(grid.lags) * len(grid.n_per_arm)
    i, j, k, m = 3, 4, 2, 7  # lag 12, 60 per arm, 28 weeks, 35% of the decline
    row = payload["power"][i * len(grid.n_per_arm) + j]
    assert f"{row[k][m]}%" == fmt.percent(grid.power[i, j, k, m])
    parts = payload["detectable"][i * len(grid.n_per_arm) + j][k]
    shown = payload["detectable_text"].format(
        share=parts[0], points=parts[1], week=payload["week_numbers"][k]
    )
    assert shown == grid.detectable_text(grid.weeks[k], grid.n_per_arm[j], grid.lags[i])
    assert payload["effects"][m] == grid.effect_label(grid.effects[m])


def test_the_widget_is_one_html_block_with_labelled_controls(grid):
    html = grid.widget_html()
    assert "\n\n" not in html and html.startswith("<div") and html.endswith("</div>")
    for key in ("effect", "weeks", "n", "lag"):
        assert f'<label for="vx-{key}">' in html and f'id="vx-{key}"' in html
    assert 'aria-live="polite"' in html and '<form class="vx-controls" hidden' in html
    assert f'src="{explorer.SCRIPT}"' in html and "https://" not in html and "http://" not in html
    assert grid.texts()["power"] in html


def test_the_tables_show_the_no_lag_scenarios(grid):
    table = grid.power_table(0.5, 0)
    assert list(table.columns) == ["Participants per arm", *[grid.weeks_label(w) for w in grid.weeks]]
    assert table.iloc[2]["28 weeks"] == grid.texts()["power"]
    assert (grid.detectable_table(24) == "none").any().any()
