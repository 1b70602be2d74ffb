"""Time the book's build, its tests and its set-up; print every figure with its goal.

    make bench                                        # or: .venv/bin/python benchmarks/bench_build.py
    make bench BENCH_ARGS="--rounds 1 --skip-test --skip-setup"   # a quick look

Measured, in temporary copies of the project (the work tree as it is):

* clean builds (``make book`` on a copy without ``_build``; ``--rounds`` times, median),
  alternating with the *floor*: JB1's own build (``jupyter-book build``, serial,
  ``execute_notebooks: force``) of as many trivial notebooks (pandas and one
  matplotlib figure each) in the same venv. Goal: clean build <= 0.8 x floor;
* a clean build read by one process (``VALOR_BUILD_JOBS=1``): the parallel speed-up;
* rebuilds: nothing changed; one CSV edited; every machinery module edited (goal: no
  notebook re-executed); one science module edited (goal: exactly its importers);
  a module every chapter imports edited (a full re-execution);
* ``make test`` on a fresh copy (goal: <= 6 x the clean build) and ``make test-fast``
  (goal: < 20 s);
* set-up of a fresh clone of the committed HEAD: ``git clone`` then ``make book`` with a
  new venv (goal: <= 45 s; uv's download cache is warm after the first time);
* what a kernel spends before doing any work: kernel start-up, then the cold import
  of each heavy package and of each ``valor`` module, each in a fresh interpreter;
* each notebook's execution time, and the page weights;
* and, printed from ``benchmarks/mutants-score.json``, the mutation score the last
  ``make mutants`` recorded (that run takes minutes and is not repeated here).

Wall-clock times on a shared machine vary from run to run: the load average is
printed with the figures. The script prints, it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from book import copy_project, notebook_docnames  # noqa: E402
from mutants_score import last_report  # noqa: E402

from booktools import kernel_fork, pageweight  # noqa: E402
from valor.reads import ASSUMPTION  # noqa: E402

GOALS = {"floor_ratio": 0.8, "test_ratio": 6.0, "fast": 20.0, "setup": 45.0, "noop": 5.0}
HEAVY_IMPORTS = ["pandas", "matplotlib.pyplot", "scipy.stats", "pandera.pandas", "statsmodels.api"]

# The engine this book replaced (notebooks executed in a thread pool before Sphinx read
# them, outputs handed to myst-nb through jupyter-cache's private API), measured against
# this one in the same venv, builds interleaved, 2 cores, load 2 to 4 (old, new), seconds:
PREVIOUS_ENGINE = {"clean": (39.5, 35.2), "one-CSV edit": (37.3, 20.4), "full re-execution": (62.6, 54.7)}

FLOOR_NOTEBOOK = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Trivial page {k}

```{{code-cell}} ipython3
import matplotlib.pyplot as plt
import pandas as pd

frame = pd.DataFrame({{"x": range(10), "y": [v * v for v in range(10)]}})
fig, ax = plt.subplots()
ax.plot(frame["x"], frame["y"])
plt.show()
```
"""


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def clean_env(extra: dict | None = None) -> dict:
    """This process's environment without the build's own variables, plus ``extra``."""
    drop = ("VALOR_BOOK_ROOT", "VALOR_READS_LOG", "VALOR_VALIDATED_TABLES", "IPYTHONDIR")
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **(extra or {})}


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=clean_env(env), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"`{' '.join(cmd)}` failed with exit code {result.returncode}")
    return elapsed, result.stdout


def build(root: Path, jobs: int | None = None) -> tuple[float, list[str]]:
    env = {"VALOR_BUILD_JOBS": str(jobs)} if jobs else None
    elapsed, out = run([sys.executable, "-m", "booktools.build", "--root", str(root)], root, env)
    line = [row for row in out.splitlines() if row.startswith("Executed ")][-1]
    listed = line.split(":", 1)[1].split(";")[0].strip()
    return elapsed, [] if listed == "none" else [n.strip() for n in listed.split(",")]


def floor_book(folder: Path, n: int) -> Path:
    """``n`` trivial notebooks, as plain a JB1 book as can be."""
    (folder / "pages").mkdir(parents=True)
    (folder / "_config.yml").write_text(
        "title: Floor\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: force\n"
    )
    pages = [f"pages/p{k}" for k in range(1, n + 1)]
    toc = f"format: jb-book\nroot: {pages[0]}\nchapters:\n" + "".join(f"  - file: {p}\n" for p in pages[1:])
    (folder / "_toc.yml").write_text(toc)
    for k, page in enumerate(pages, 1):
        (folder / f"{page}.md").write_text(FLOOR_NOTEBOOK.format(k=k))
    return folder


def build_floor(folder: Path) -> float:
    shutil.rmtree(folder / "_build", ignore_errors=True)
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    return run([jupyter_book, "build", str(folder), "-W", "-n", "--keep-going"], folder)[0]


def edit_csv(path: Path) -> None:
    """A real edit that keeps the table valid: one row's source_location gains a note."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index("source_location")
    rows[-1][column] += " (bench edit)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def append_comment(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# bench edit\n", encoding="utf-8")


def reads(root: Path) -> dict[str, set[str]]:
    """chapter -> the files its kernel read and the modules it imported (the build's record;
    its ``assumption:<name>`` entries, the assumptions read, are left out here)."""
    folder = root / "_build" / ".work" / "_build" / ".doctrees" / "valor_reads"
    return {
        log.stem.replace("__", "/"): {
            str(Path(line).relative_to(root))
            for line in log.read_text().split()
            if not line.startswith(ASSUMPTION)
        }
        for log in folder.glob("*.txt")
    }


def execution(root: Path) -> dict:
    return json.loads(
        (root / "_build" / ".work" / "_build" / ".doctrees" / "valor_execution.json").read_text()
    )


def fewest_importers(used: dict[str, set[str]]) -> str:
    """The science module (not a package's __init__) imported by the fewest chapters, at least one."""
    counts: dict[str, int] = {}
    for files in used.values():
        for path in files:
            if path.startswith("valor/") and path.endswith(".py") and not path.endswith("__init__.py"):
                counts[path] = counts.get(path, 0) + 1
    return min(sorted(counts), key=counts.get)


def cold_import(module: str, root: Path, rounds: int = 3) -> float:
    """Median seconds to import ``module`` in a fresh interpreter."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [float(run([sys.executable, "-c", code], root)[1]) for _ in range(rounds)]
    return statistics.median(times)


def kernel_start(profile: Path | None) -> float:
    """Seconds from asking for a kernel to its first answer (what every notebook pays)."""
    code = (
        "import time; from jupyter_client.manager import start_new_kernel; t = time.perf_counter(); "
        "km, kc = start_new_kernel(kernel_name='python3'); kc.execute_interactive('pass'); "
        "print(time.perf_counter() - t); kc.stop_channels(); km.shutdown_kernel(now=True)"
    )
    env = {"IPYTHONDIR": str(profile)} if profile else None
    times = [float(run([sys.executable, "-c", code], ROOT, env)[1].split()[-1]) for _ in range(3)]
    return statistics.median(times)


def kernel_start_forked(profile: Path, folder: Path) -> float:
    """As :func:`kernel_start`, for a kernel forked from the build's preloaded process
    (``booktools/kernel_fork.py``), once that process has finished its imports."""
    code = f"""
import os, time
from pathlib import Path
from jupyter_client.manager import start_new_kernel
from booktools import kernel_fork
with kernel_fork.serving(Path({str(folder)!r}), dict(os.environ)) as kernels:
    os.environ.update(kernels)
    times = []
    for _ in range(4):  # the first waits for the imports
        t = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3")
        kc.execute_interactive("pass")
        times.append(time.perf_counter() - t)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
print(sorted(times[1:])[1])
"""
    return float(run([sys.executable, "-c", code], ROOT, {"IPYTHONDIR": str(profile)})[1].split()[-1])


def fresh_clone_setup(tmp: Path) -> tuple[float, str]:
    """`git clone` of the committed HEAD, then `make book` with a new venv."""
    clone = tmp / "clone"
    commit = run(["git", "rev-parse", "--short", "HEAD"], ROOT)[1].strip()
    started = time.perf_counter()
    run(["git", "clone", "--quiet", str(ROOT), str(clone)], tmp)
    run(["make", "book"], clone, {"MAKEFLAGS": ""})
    return time.perf_counter() - started, commit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default="alsfrs_week28", help="table to edit (default alsfrs_week28)")
    parser.add_argument("--module", help="science module to edit (default: the one fewest chapters import)")
    parser.add_argument("--rounds", type=int, default=2, help="clean builds and floor builds (median)")
    parser.add_argument("--skip-test", action="store_true", help="do not time `make test`")
    parser.add_argument("--skip-setup", action="store_true", help="do not time a fresh clone's set-up")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="valor-bench-"))
    root = copy_project(tmp / "book")
    notebooks = notebook_docnames(root)
    floor = floor_book(tmp / "floor", len(notebooks))
    cores = len(os.sched_getaffinity(0))
    rows: list[tuple[str, str, str, str]] = []  # measure, value, goal, met

    def row(measure: str, value: str, goal: str = "", met: bool | None = None) -> None:
        rows.append((measure, value, goal, "" if met is None else ("yes" if met else "NO")))
        print(f"  {measure}: {value}", flush=True)

    print(f"Benchmark in {tmp}: {len(notebooks)} notebooks, {cores} cores, load average {load()}", flush=True)
    try:
        cleans, floors = [], []
        for _ in range(args.rounds):  # alternate, so that a change of load hits both
            floors.append(build_floor(floor))
            shutil.rmtree(root / "_build", ignore_errors=True)
            cleans.append(build(root)[0])
            print(f"  round: floor {floors[-1]:.1f} s, clean {cleans[-1]:.1f} s; load {load()}", flush=True)
        t_clean, t_floor = statistics.median(cleans), statistics.median(floors)
        run_seconds = execution(root)["seconds"]
        row(f"clean build (`make book`, {cores} processes), median of {len(cleans)}", f"{t_clean:.1f} s")
        row(
            f"floor: JB1 builds {len(notebooks)} trivial notebooks, median of {len(floors)}",
            f"{t_floor:.1f} s",
        )
        ratio = t_clean / t_floor
        row(
            "clean build / floor", f"{ratio:.2f}", f"<= {GOALS['floor_ratio']}", ratio <= GOALS["floor_ratio"]
        )

        t_noop, executed = build(root)
        row(
            f"no-op rebuild (executed: {len(executed)})",
            f"{t_noop:.1f} s",
            f"<= {GOALS['noop']:.0f} s",
            t_noop <= GOALS["noop"] and not executed,
        )

        used = reads(root)

        def after_edit(path: str, edit) -> tuple[float, list[str], list[str]]:
            """Edit ``path`` of the copy and rebuild: (seconds, executed, chapters that used it)."""
            edit(root / path)
            seconds, done = build(root)
            return seconds, done, sorted(d for d, files in used.items() if path in files)

        table = f"data/{args.csv}.csv"
        t_csv, executed, readers = after_edit(table, edit_csv)
        row(
            f"one-CSV edit ({table}): executed {', '.join(executed) or 'none'}",
            f"{t_csv:.1f} s",
            "only its readers",
            executed == readers,
        )

        machinery = sorted((root / "booktools").glob("*.py")) + sorted((root / "_ext").glob("*.py"))
        for path in machinery:
            append_comment(path)
        t_machinery, executed = build(root)
        row(
            f"every machinery module edited ({len(machinery)} files): notebooks executed",
            f"{len(executed)} ({t_machinery:.1f} s)",
            "0",
            not executed,
        )

        module = args.module or fewest_importers(used)
        t_module, executed, importers = after_edit(module, append_comment)
        row(
            f"{module} edited: executed {', '.join(executed) or 'none'}",
            f"{t_module:.1f} s",
            "exactly its importers",
            executed == importers,
        )

        append_comment(root / "valor" / "__init__.py")
        t_full, executed = build(root)
        row(f"full re-execution (valor/__init__.py edited: {len(executed)} notebooks)", f"{t_full:.1f} s")

        shutil.rmtree(root / "_build", ignore_errors=True)
        t_serial = build(root, jobs=1)[0]
        row("clean build read by 1 process (VALOR_BUILD_JOBS=1)", f"{t_serial:.1f} s")
        row("parallel speed-up, 1 process / default", f"{t_serial / t_clean:.2f}x")
        site = root / "_build" / "html"
        weights = pageweight.site_weights(
            site,
            [p.relative_to(site).with_suffix("").as_posix() for p in sorted(site.glob("chapters/*.html"))],
        )

        t_fast = run(["make", "-s", "test-fast"], ROOT)[0]
        row(
            "`make test-fast` (the unit tests)",
            f"{t_fast:.1f} s",
            f"< {GOALS['fast']:.0f} s",
            t_fast < GOALS["fast"],
        )
        if not args.skip_test:
            fresh = copy_project(tmp / "test-copy")
            (fresh / ".venv").symlink_to(ROOT / ".venv")
            if (ROOT / "node_modules").exists():
                (fresh / "node_modules").symlink_to(ROOT / "node_modules")
            t_test = run(["make", "test"], fresh)[0]
            row("`make test` on a fresh copy", f"{t_test:.1f} s")
            test_ratio = t_test / t_clean
            row(
                "`make test` / clean build",
                f"{test_ratio:.1f}",
                f"<= {GOALS['test_ratio']:.0f}",
                test_ratio <= GOALS["test_ratio"],
            )
        if not args.skip_setup:
            t_setup, commit = fresh_clone_setup(tmp)
            row(
                f"fresh clone of {commit} to a built book (`git clone`, `make book`, new venv)",
                f"{t_setup:.1f} s",
                f"<= {GOALS['setup']:.0f} s",
                t_setup <= GOALS["setup"],
            )

        profile = root / "_build" / ".work" / "ipython"
        kernel_plain, kernel_build = kernel_start(None), kernel_start(profile)
        kernel_forked = kernel_start_forked(profile, tmp / "kernels")
        imports = {name: cold_import(name, root) for name in HEAVY_IMPORTS}
        modules = sorted(
            p.relative_to(root).with_suffix("").as_posix().replace("/", ".")
            for p in (root / "valor").rglob("*.py")
            if p.name != "__init__.py"
        )
        valor_imports = {name: cold_import(name, root) for name in modules}
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n| measure ({len(notebooks)} notebooks, {cores} cores, load {load()}) | value | goal | met |")
    print("|---|---:|---|---|")
    for measure, value, goal, met in rows:
        print(f"| {measure} | {value} | {goal} | {met} |")

    print("\nWhy this engine: Sphinx reads with one process per core and myst-nb executes each")
    print("notebook as it is read (`execute_notebooks: force`); the engine before ran notebooks in a")
    print("thread pool ahead of Sphinx and handed outputs over through jupyter-cache's private API and")
    print("a polled file (366 lines). Both measured in one interleaved run (old / new), and this run:")
    now = {"clean": t_clean, "one-CSV edit": t_csv, "full re-execution": t_full}
    for name, (old, new) in PREVIOUS_ENGINE.items():
        print(f"  {name}: {old:.1f} s / {new:.1f} s; this run {now[name]:.1f} s")
    print("Sphinx reads serially when 5 pages or fewer are to be read: when 2 to 5 notebooks are")
    print("to run, _ext/valor_deps.py adds quick pages so that they still run at once.")

    print("\n| before any work, a kernel spends | seconds |")
    print("|---|---:|")
    print(f"| start-up to first answer, default profile | {kernel_plain:.2f} |")
    print(
        f"| start-up to first answer, the build's profile (no history, import recorder) | {kernel_build:.2f} |"
    )
    print(
        "| start-up to first answer, forked from the build's preloaded process (its imports done) "
        f"| {kernel_forked:.2f} |"
    )
    print(f"| cold imports below that a forked kernel no longer pays | {', '.join(kernel_fork.PRELOAD)} |")
    for name, seconds in imports.items():
        print(f"| cold `import {name}` | {seconds:.2f} |")
    print("\n| `valor` module | cold import, s | chapters that import it |")
    print("|---|---:|---|")
    for name, seconds in valor_imports.items():
        path = name.replace(".", "/") + ".py"
        users = sorted(d.removeprefix("chapters/") for d, files in used.items() if path in files)
        print(f"| {name} | {seconds:.2f} | {', '.join(users) or '-'} |")

    print("\n| notebook | executed in the clean build, s |")
    print("|---|---:|")
    for doc in notebooks:
        print(f"| {doc} | {run_seconds.get(doc, float('nan')):.1f} |")
    print(f"\n| page | HTML kB | images | image kB | total kB (limit {pageweight.LIMIT // 1000}) |")
    print("|---|---:|---:|---:|---:|")
    for doc, w in weights.items():
        print(
            f"| {doc} | {w['html'] / 1000:.0f} | {w['n_images']} | {w['images'] / 1000:.0f} | {w['total'] / 1000:.0f} |"
        )
    print(f"\n{last_report()}")  # measured by `make mutants`, not here (minutes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
