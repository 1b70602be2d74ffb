"""Time the lagged-effect power grid of the biomarker chapter (prints, asserts nothing).

.venv/bin/python benchmarks/lagged_power_grid.py
"""

from __future__ import annotations

import time

import numpy as np

from valor import lagged


def main() -> None:
    model = lagged.LaggedModel(mean_slope=0.29, slope_sd=0.2, noise_sd=5.8, effect=0.5)
    for n_sims in (1000, 4000, 10000):
        start = time.perf_counter()
        grid = lagged.power_grid(model, 39, 21, np.arange(0, 25, 4), [28, 40, 52], n_sims=n_sims, seed=2021)
        seconds = time.perf_counter() - start
        gap = (grid["power"] - grid["analytic_power"]).abs().max()
        print(
            f"n_sims={n_sims:>6}: {seconds:6.2f} s for {len(grid)} cells; "
            f"largest |simulated - analytic| power = {gap:.3f}"
        )


if __name__ == "__main__":
    main()
