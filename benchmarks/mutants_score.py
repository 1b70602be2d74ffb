"""The mutation score of the science, from the last ``make mutants`` run.

    .venv/bin/python benchmarks/mutants_score.py --record   # after `mutmut run` (make mutants)
    .venv/bin/python benchmarks/mutants_score.py            # print the last recorded score

``--record`` reads every mutant's status from ``mutmut results --all true`` and writes
the counts per module to ``benchmarks/mutants-score.json``; mutants listed in
``benchmarks/mutants-equivalent.md`` (a line starting with ``- `<mutant name>` ``) are
judged equivalent (no test can tell them from the original) and left out of the score.
Score = (killed + timeout) / (mutants - equivalent). Goal: >= 85 % per module.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORE_FILE = ROOT / "benchmarks" / "mutants-score.json"
EQUIVALENT_FILE = ROOT / "benchmarks" / "mutants-equivalent.md"
GOAL = 85.0
RESULT_LINE = re.compile(r"^\s+(\S+): (.+)$")
EQUIVALENT_LINE = re.compile(r"^- `([^`]+)`")
DETECTED = ("killed", "timeout")


def module_of(mutant: str) -> str:
    """``valor.stats.x_power_t__mutmut_3`` -> ``valor.stats``."""
    return mutant.rsplit(".", 1)[0]


def equivalent_mutants(text: str) -> set[str]:
    return {m.group(1) for line in text.splitlines() if (m := EQUIVALENT_LINE.match(line))}


def tally(results: str, equivalent: set[str]) -> dict[str, dict[str, int]]:
    """Counts per module: mutants, equivalent, detected, survivors (the rest)."""
    counts: dict[str, Counter] = {}
    for line in results.splitlines():
        match = RESULT_LINE.match(line)
        if not match:
            continue
        mutant, status = match.groups()
        c = counts.setdefault(module_of(mutant), Counter())
        c["mutants"] += 1
        if mutant in equivalent:
            c["equivalent"] += 1
        elif status in DETECTED:
            c["detected"] += 1
        else:
            c["survivors"] += 1
    return {
        m: {k: c[k] for k in ("mutants", "equivalent", "detected", "survivors")} for m, c in counts.items()
    }


def score(c: dict[str, int]) -> float:
    judged = c["mutants"] - c["equivalent"]
    return 100.0 * c["detected"] / judged if judged else 100.0


def table(modules: dict[str, dict[str, int]]) -> str:
    total = {
        k: sum(c[k] for c in modules.values()) for k in ("mutants", "equivalent", "detected", "survivors")
    }
    lines = [
        "| module | mutants | equivalent | killed | survivors | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, c in sorted(modules.items()) + [("all", total)]:
        lines.append(
            f"| {name} | {c['mutants']} | {c['equivalent']} | {c['detected']} | {c['survivors']} | "
            f"{score(c):.1f} % |"
        )
    return "\n".join(lines)


def record() -> dict:
    results = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    equivalent = equivalent_mutants(EQUIVALENT_FILE.read_text(encoding="utf-8"))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    measured = {
        "measured": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "modules": tally(results, equivalent),
    }
    SCORE_FILE.write_text(json.dumps(measured, indent=1) + "\n", encoding="utf-8")
    return measured


def report(measured: dict) -> str:
    low = [m for m, c in measured["modules"].items() if score(c) < GOAL]
    verdict = f"goal >= {GOAL:.0f} % per module: " + ("met" if not low else f"NOT met ({', '.join(low)})")
    return (
        f"Mutation score (make mutants, {measured['measured']}, commit {measured['commit']}; "
        f"killed by tests/unit, equivalent mutants left out):\n{table(measured['modules'])}\n{verdict}"
    )


def last_report() -> str:
    """The score the last ``make mutants`` recorded (what ``make bench`` prints)."""
    if not SCORE_FILE.exists():
        return "No mutation score recorded yet: run `make mutants`."
    return report(json.loads(SCORE_FILE.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="read mutmut's results and record them")
    args = parser.parse_args(argv)
    print(report(record()) if args.record else last_report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
