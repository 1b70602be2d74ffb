"""Time the book's build and tests in a temporary copy of the project; print a table.

    make bench                          # or: .venv/bin/python benchmarks/bench_build.py
    python benchmarks/bench_build.py --synthetic 7   # add 7 generated notebooks (a 9-chapter book)
    python benchmarks/bench_build.py --skip-test     # without timing `make test`

Measured, each in the same copy:

* clean builds (alternating, ``--rounds`` times each; medians): serial, JB1's own execution (``execute_notebooks: force``,
  myst-nb runs the notebooks one by one while Sphinx reads them);
* clean build, pool with one worker (the book's path, serial): per-notebook times;
* clean build, parallel: the book's default (``python -m booktools.build``);
* no-op rebuild (nothing changed: booktools/uptodate.py returns at once); a rebuild
  after editing README.md only (validation and Sphinx run, nothing to re-read);
  a rebuild after editing one CSV (which chapters re-executed,
  against the chapters whose source loads that table);
* ``make test``; the page weights of the built site.

Wall-clock times on a shared machine vary from run to run; the script prints the
machine's load average with the table. It prints figures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from booktools import pageweight  # noqa: E402

IGNORE = shutil.ignore_patterns(
    ".venv", "_build", ".git", ".pytest_cache", "__pycache__", "site", "node_modules", "*.egg-info"
)
GOALS = {"clean": 60.0, "noop": 5.0, "speedup": 1.5}


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    env = {
        k: v
        for k, v in {**os.environ, **(env or {})}.items()
        if k not in ("VALOR_BOOK_ROOT", "VALOR_READS_LOG")
    }
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"`{' '.join(cmd)}` failed with exit code {result.returncode}")
    return elapsed, result


def build(root: Path, workers: int | None = None) -> tuple[float, str]:
    env = {"VALOR_EXEC_WORKERS": str(workers)} if workers else {}
    elapsed, result = run([sys.executable, "-m", "booktools.build", "--root", str(root)], root, env)
    return elapsed, result.stdout


def build_force(root: Path) -> float:
    """JB1's serial execution: the same book with ``execute_notebooks: force``."""
    code = (
        "import sys; from pathlib import Path; from valor import build; root = Path(sys.argv[1]); "
        "sys.exit(build.run(root, root / '_build' / 'serial', root / '_build' / '.work-serial', "
        "{'execute': {'execute_notebooks': 'force'}}))"
    )
    elapsed, _ = run([sys.executable, "-c", code, str(root)], root)
    return elapsed


def executed(output: str) -> list[str]:
    line = [row for row in output.splitlines() if row.startswith("Executed ")][-1]
    listed = line.split(":", 1)[1].split(";")[0].strip()
    return [] if listed == "none" else [n.strip() for n in listed.split(",")]


def execution_seconds(root: Path) -> dict[str, float]:
    report = root / "_build" / ".work" / "_build" / ".doctrees" / "valor_execution.json"
    return json.loads(report.read_text()).get("seconds", {})


def clean(root: Path) -> None:
    shutil.rmtree(root / "_build", ignore_errors=True)


def readers(root: Path, table: str) -> list[str]:
    sys.path.insert(0, str(ROOT / "tests"))
    from book import notebook_docnames

    return sorted(
        d
        for d in notebook_docnames(root)
        if re.search(rf"""load\(\s*["']{table}["']""", (root / f"{d}.md").read_text())
    )


def edit_csv(path: Path) -> None:
    """A real edit that keeps the table valid: one row's source_location gains a note."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index("source_location")
    rows[-1][column] += " (bench edit)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


SYNTHETIC = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

(bench-synthetic-{k})=
# Synthetic chapter {k}

```{{code-cell}} ipython3
:tags: [remove-cell]

from valor import data, fmt
from valor.book import glue_figure, glue_texts
from valor.figures import design as figures

enrolment = data.load("enrolment")
schedule = data.load("dosing_schedule")
design = data.load("design")
glue_texts({{"bench{k}_n": fmt.integer(len(schedule))}})
glue_figure("bench{k}_fig", figures.dosing_timeline(schedule, design))
```

A generated chapter for the benchmark only: {{glue:text}}`bench{k}_n` doses.

:::{{glue:figure}} bench{k}_fig
:alt: The dosing timeline, drawn again for the benchmark.

The dosing timeline.
:::
"""


def add_synthetic(root: Path, n: int) -> None:
    """``n`` extra notebooks shaped like the chapters (valor imports, three tables, a figure)."""
    toc = root / "_toc.yml"
    entries = []
    for k in range(1, n + 1):
        (root / "chapters" / f"bench_synthetic_{k}.md").write_text(SYNTHETIC.format(k=k), encoding="utf-8")
        entries.append(f"      - file: chapters/bench_synthetic_{k}")
    toc.write_text(
        toc.read_text(encoding="utf-8").rstrip("\n")
        + "\n  - caption: Benchmark only\n    chapters:\n"
        + "\n".join(entries)
        + "\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default="alsfrs_week28", help="table to edit (default alsfrs_week28)")
    parser.add_argument("--synthetic", type=int, default=0, help="add N generated notebooks")
    parser.add_argument("--skip-test", action="store_true", help="do not time `make test`")
    parser.add_argument("--rounds", type=int, default=3, help="clean builds of each kind (median)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="valor-bench-"))
    root = tmp / "book"
    shutil.copytree(ROOT, root, ignore=IGNORE, symlinks=True)
    if args.synthetic:
        add_synthetic(root, args.synthetic)
    sys.path.insert(0, str(ROOT / "tests"))
    from book import notebook_docnames

    notebooks = notebook_docnames(root)
    expected = readers(root, args.csv)
    workers = len(os.sched_getaffinity(0))
    print(
        f"Benchmark in {root}: {len(notebooks)} notebook(s), {workers} core(s), "
        f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )
    try:
        # Clean builds alternate, serial then parallel, round after round, so that
        # a change in the machine's load hits both; the medians are compared.
        forces, pools, parallels = [], [], []
        for round_ in range(1, args.rounds + 1):
            clean(root)
            forces.append(build_force(root))
            clean(root)
            pools.append(build(root, workers=1)[0])
            serial_seconds = execution_seconds(root)
            clean(root)
            t, out = build(root)
            parallels.append(t)
            parallel_seconds = execution_seconds(root)
            print(
                f"  round {round_}: clean serial (JB1 force) {forces[-1]:.1f} s, pool of 1 "
                f"{pools[-1]:.1f} s, parallel {parallels[-1]:.1f} s; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        t_force, t_pool1, t_clean = (statistics.median(x) for x in (forces, pools, parallels))
        n_workers = re.search(r"with (\d+) worker", out)
        t_noop, out_noop = build(root)
        print(f"  no-op: {t_noop:.1f} s", flush=True)
        readme = root / "README.md"  # not part of the book: the full road, nothing to re-read
        readme.write_text(readme.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        t_touch, out_touch = build(root)
        print(f"  README edit (full pipeline, Sphinx no-op): {t_touch:.1f} s", flush=True)
        edit_csv(root / "data" / f"{args.csv}.csv")
        t_csv, out_csv = build(root)
        print(f"  one-CSV edit: {t_csv:.1f} s", flush=True)
        site = root / "_build" / "html"
        weights = pageweight.site_weights(
            site,
            [p.relative_to(site).with_suffix("").as_posix() for p in sorted(site.glob("chapters/*.html"))],
        )
        t_test = None
        if not args.skip_test:
            (root / ".venv").symlink_to(ROOT / ".venv")
            if (ROOT / "node_modules").exists():
                (root / "node_modules").symlink_to(ROOT / "node_modules")
            t_test, _ = run(["make", "test"], root)
            print(f"  make test: {t_test:.1f} s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    def ok(flag: bool) -> str:
        return "yes" if flag else "NO"

    got = executed(out_csv)
    speedup = t_force / t_clean
    print()
    print(f"| measure ({len(notebooks)} notebooks, {workers} cores) | time | goal | met |")
    print("|---|---:|---|---|")

    def each(values):
        return ", ".join(f"{v:.1f}" for v in values)

    print(
        f"| clean build, serial: JB1 executes one notebook at a time (`force`); median of {each(forces)} "
        f"| {t_force:.1f} s | | |"
    )
    print(f"| clean build, the book's pool with 1 worker; median of {each(pools)} | {t_pool1:.1f} s | | |")
    print(
        f"| clean build, parallel ({n_workers.group(1) if n_workers else '?'} workers, `make book`); "
        f"median of {each(parallels)} | {t_clean:.1f} s | <= {GOALS['clean']:.0f} s | {ok(t_clean <= GOALS['clean'])} |"
    )
    print(
        f"| speed-up of the clean build, serial / parallel | {speedup:.2f}x | >= {GOALS['speedup']}x "
        f"| {ok(speedup >= GOALS['speedup'])} |"
    )
    print(
        f"| no-op rebuild, nothing changed (executed: {', '.join(executed(out_noop)) or 'none'}) "
        f"| {t_noop:.1f} s | <= {GOALS['noop']:.0f} s | {ok(t_noop <= GOALS['noop'] and not executed(out_noop))} |"
    )
    print(
        f"| rebuild after editing README.md only: validation + Sphinx with nothing to re-read "
        f"(executed: {', '.join(executed(out_touch)) or 'none'}) | {t_touch:.1f} s | <= {GOALS['noop']:.0f} s "
        f"| {ok(t_touch <= GOALS['noop'] and not executed(out_touch))} |"
    )
    readers_note = f"readers: {', '.join(expected)}"
    print(
        f"| one-CSV edit (data/{args.csv}.csv) rebuild; executed: {', '.join(got) or 'none'} "
        f"({readers_note}) | {t_csv:.1f} s | only its readers "
        f"| {ok(sorted(got) == expected)} |"
    )
    if t_test is not None:
        print(f"| `make test` (pytest -n 2) | {t_test:.1f} s | | |")
    print()
    print("| notebook | executed alone (pool of 1) | executed in parallel |")
    print("|---|---:|---:|")
    for doc in notebooks:
        print(
            f"| {doc} | {serial_seconds.get(doc, float('nan')):.1f} s | {parallel_seconds.get(doc, float('nan')):.1f} s |"
        )
    print()
    print(f"| page | HTML kB | images | image kB | total kB (limit {pageweight.LIMIT // 1000}) |")
    print("|---|---:|---:|---:|---:|")
    for doc, w in weights.items():
        print(
            f"| {doc} | {w['html'] / 1000:.0f} | {w['n_images']} | {w['images'] / 1000:.0f} | {w['total'] / 1000:.0f} |"
        )
    print(f"\nLoad average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
