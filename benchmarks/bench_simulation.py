"""Time one simulated scenario: 10,000 VALOR-like trials, vectorised against a naive loop.

    .venv/bin/python benchmarks/bench_simulation.py [--trials 10000] [--repeats 5]

Prints wall-clock seconds (best of --repeats for the vectorised version; one run
of the loop, which is slow). The scenario: the faster stratum's arm sizes, the SD
reconstructed from the published CI, a true difference of 4 points, a pooled t
test at two-sided alpha 0.05. Also times the joint rank test on the same number
of trials with events. Not a test: speed depends on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the brief asks
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from valor import data, simulate  # noqa: E402
from valor.analysis import primary  # noqa: E402


def best_of(fn, repeats: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    faster = primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))
    n1, n2, sd, delta = faster.n_tofersen, faster.n_placebo, faster.sd, 4.0
    print(
        f"Scenario: {args.trials:,} trials of {n1} + {n2} participants, SD {sd:.2f}, "
        f"true difference {delta:.1f} points, t test"
    )

    t_vec, vec = best_of(
        lambda: simulate.simulate_t_power(delta, sd, n1, n2, n_trials=args.trials, seed=1), args.repeats
    )
    start = time.perf_counter()
    loop = simulate.simulate_t_power_loop(delta, sd, n1, n2, n_trials=args.trials, seed=1)
    t_loop = time.perf_counter() - start
    t_jr, jr = best_of(
        lambda: simulate.simulate_event_power(
            delta,
            sd,
            n1,
            n2,
            p_event_tofersen=0.05,
            p_event_placebo=0.15,
            weeks=28,
            n_trials=args.trials,
            seed=1,
        ),
        args.repeats,
    )

    print(f"vectorised t test:          {t_vec:8.3f} s  (power {vec.power:.3f} ± {vec.mc_se:.3f})")
    print(f"naive per-trial loop:       {t_loop:8.3f} s  (power {loop.power:.3f} ± {loop.mc_se:.3f})")
    print(f"speed-up:                   {t_loop / t_vec:8.0f} x")
    print(f"vectorised joint rank test: {t_jr:8.3f} s  (with events; power {jr.joint_rank.power:.3f})")


if __name__ == "__main__":
    main()
