"""Run Sphinx as ``jupyter-book build`` does, with several processes.

``python -m booktools.sphinx_build ROOT --path-output WORK [--builder B] [--output O] [--config C] [--jobs N]``

JB1's command line has no ``-j``; its Python API (``jupyter_book.sphinx.build_sphinx``)
has. This is that call with the arguments the command line passes for a book
(table of contents, warnings as errors, nitpicky, keep going), then JB1's own
post-build step (the redirecting ``index.html``). With ``execute_notebooks: force``
myst-nb executes each notebook while Sphinx reads it, so N reading processes run
N notebooks at once; Sphinx reads in parallel when more than 5 pages are to be read
(``_ext/valor_deps.py`` adds quick pages when 2 to 5 notebooks are to run).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from pathlib import Path

# Reading processes per core. Two per core built faster here (clean build 54-55 s against
# 60-61 s, 2 cores, load 3-4), but in a benchmark run with four a notebook's kernel once never
# answered ("Kernel didn't respond in 60 seconds"): kernels launched at the same moment from
# different processes can race for a port (jupyter/jupyter_client#154, nteract/papermill#239).
# One per core, as every earlier build ran, until that is solved upstream.
JOBS_PER_CORE = 1

# Python's cyclic garbage collector walks every object it tracks at each full collection.
# Sphinx's process holds the book's environment and doctrees (about 630,000 objects), and
# with Python's default thresholds (700, 10, 10) it collected 2,300 times in a full write,
# 4.4 s of a 15 s rewrite, then 1.5-2.5 s more at exit while the interpreter tore those
# objects down. Collecting young objects 70 times less often, and freezing everything
# before exit (gc.freeze: nothing left for the teardown's collections to walk), a full
# rewrite took 8.1-8.7 s against 15.7-17.2 s, a one-chapter edit 7.9-9.1 s against
# 12.0-12.7 s; the process's peak memory went from 243 to 263 MB.
GC_THRESHOLDS = (50_000, 20, 20)


def default_jobs() -> int:
    """$VALOR_BUILD_JOBS, else JOBS_PER_CORE processes per core available to this process."""
    setting = os.environ.get("VALOR_BUILD_JOBS", "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise ValueError(f"VALOR_BUILD_JOBS must be a whole number >= 1, got {setting!r}")
        return int(setting)
    return JOBS_PER_CORE * len(os.sched_getaffinity(0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the book's folder")
    parser.add_argument("--path-output", type=Path, required=True, help="where _build/ goes")
    parser.add_argument("--builder", default="html", choices=["html", "singlehtml"])
    parser.add_argument(
        "--output", default=None, help="folder under PATH_OUTPUT/_build (default: the builder)"
    )
    parser.add_argument("--config", type=Path, default=None, help="_config.yml to use")
    parser.add_argument("--jobs", type=int, default=None, help="Sphinx processes (default: one per core)")
    args = parser.parse_args(argv)

    from jupyter_book.cli.main import builder_specific_actions
    from jupyter_book.sphinx import build_sphinx

    gc.set_threshold(*GC_THRESHOLDS)  # inherited by the reading and writing processes
    root = args.root.resolve()
    output = args.path_output.resolve() / "_build" / (args.output or args.builder)
    result = build_sphinx(
        root,
        output,
        noconfig=True,
        path_config=str(args.config or root / "_config.yml"),
        confoverrides={
            "external_toc_path": (root / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "nitpicky": True,
        },
        builder=args.builder,
        warningiserror=True,
        keep_going=True,
        jobs=args.jobs or default_jobs(),
    )
    if isinstance(result, Exception):
        # Sphinx printed only the last exception; the cause (a notebook's failing
        # cell and its error) is in the chain, or in a reading process's traceback.
        print(
            getattr(result, "traceback", None) or "".join(traceback.format_exception(result)), file=sys.stderr
        )
        return 1
    if result:
        return 1  # Sphinx has printed the warnings
    builder_specific_actions(result, args.builder, output, "book", None, print)
    return 0


def exit_quickly(code: int) -> None:
    """Exit with ``code``, the objects frozen so that no collection walks them again."""
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    exit_quickly(main())
