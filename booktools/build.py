"""Build the book: validate data, execute what changed, build HTML, swap on success.

``python -m booktools.build`` (what ``make book`` runs):

1. validates every data table, stopping with a clear message if one is broken;
2. runs Sphinx as ``jupyter-book build`` does (``booktools.sphinx_build``: warnings
   as errors, one reading process per core) into a work folder (``_build/.work``)
   that keeps Sphinx's incremental state, so only chapters whose source, or a data
   file or ``valor`` module their kernel used, changed are re-executed;
3. only when that succeeds, replaces the published site (``_build/html``) with
   the new one; a failed build leaves the last good site byte for byte as it was
   and forgets the incremental state, so the next build re-reads every page;
4. prints the first page and which chapters were executed and which reused.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from booktools import kernel_fork, pack, uptodate

# Editions differ from the reader's book only by _config.yml overrides. The student
# edition's setting changes only how pages are written (_ext/valor_solutions.py): it is
# written from the reader edition's environment, in the same work folder, so a book
# executed once gives both editions.
EDITIONS = {
    "reader": {},
    "student": {"sphinx": {"config": {"student_edition": True}}},
}


def output_name(edition: str) -> str:
    """The edition's Sphinx output folder, under ``<work>/_build/``."""
    return "html" if edition == "reader" else f"html-{edition}"


def deep_merge(base: dict, overrides: dict) -> dict:
    """``base`` updated by ``overrides``; nested mappings are merged, not replaced."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def write_config(root: Path, work: Path, overrides: dict) -> Path | None:
    """A _config.yml for this build: the book's, with ``overrides`` merged in."""
    if not overrides:
        return None
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    # JB resolves local_extensions against the config file's folder; the rest of
    # the paths against the book's root, so only these need to be absolute.
    local = config.get("sphinx", {}).get("local_extensions") or {}
    config.setdefault("sphinx", {})["local_extensions"] = {
        name: str((root / folder).resolve()) for name, folder in local.items()
    }
    work.mkdir(parents=True, exist_ok=True)
    path = work / "_config.generated.yml"
    text = yaml.safe_dump(deep_merge(config, overrides), sort_keys=False, allow_unicode=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")  # unchanged text keeps the build incremental
    return path


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def notebook_failures(log: str) -> list[str]:
    """'chapters/x.md raised ErrorType: message' for each notebook that raised (once each)."""
    text = ANSI.sub("", log)
    failures: dict[str, str] = {}
    for match in re.finditer(r"ExecutionError: (\S+\.(?:md|ipynb))", text):
        before = text[: match.start()]
        errors = re.findall(r"^(\w+(?:Error|Exception)\w*: .+)$", before, re.M)
        errors = [e for e in errors if not e.startswith(("CellExecutionError", "ExecutionError"))]
        if errors or match.group(1) not in failures:
            failures[match.group(1)] = errors[-1] if errors else "an error"
    return [f"{path} raised {error}" for path, error in failures.items()]


def build_html(
    root: Path,
    work: Path,
    config: Path | None = None,
    builder: str = "html",
    extra_env: dict | None = None,
    output: str | None = None,
    on_pages_written: Callable[[], object] | None = None,
    preload_kernels: bool = False,
) -> int:
    """Sphinx into ``work/_build/<output>`` (default: the builder's name); its exit code.
    ``on_pages_written`` is called once Sphinx has written every page. With
    ``preload_kernels``, the process the kernels fork from (``booktools.kernel_fork``)
    starts with Sphinx, so that its imports (1.5-2 s) run while Sphinx starts up rather
    than when the first notebook asks for a kernel; otherwise ``_ext/valor_kernels.py``
    starts it once pages are to be read."""
    from booktools import kernel_trace
    from valor.data import VALIDATED_ENV

    cmd = [sys.executable, "-m", "booktools.sphinx_build", str(root), "--path-output", str(work)]
    cmd += ["--builder", builder, "--output", output or builder]
    cmd += ["--config", str(config)] if config is not None else []
    env = {
        **os.environ,
        "VALOR_BOOK_ROOT": str(root),
        # the kernels import this book's valor/ (a copy's, in the tests) and record what they import
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "IPYTHONDIR": str(kernel_trace.startup_dir(work)),
        # tables this build validated: its kernels read them without validating again
        VALIDATED_ENV: str(validated_tables(work)),
    }
    env.pop(kernel_trace.LOG_ENV, None)
    env.update(extra_env or {})
    log = build_log(work, output or builder)
    work.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as kernels:
        if preload_kernels:
            env.update(kernels.enter_context(kernel_fork.serving(work / "_build", env)))
        return _run_sphinx(cmd, root, env, log, on_pages_written)


def _run_sphinx(
    cmd: list[str], root: Path, env: dict, log: Path, on_pages_written: Callable[[], object] | None
) -> int:
    with (
        subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        ) as proc,
        open(log, "w", encoding="utf-8") as out,
    ):
        for line in proc.stdout:  # show progress and keep a log for the summary
            out.write(line)
            if line.rstrip("\n") == pack.PAGES_WRITTEN:
                if on_pages_written is not None:
                    on_pages_written()
                continue
            sys.stdout.write(line)
    return proc.returncode


class PacksAlongside:
    """An edition's notebook packs (:func:`booktools.pack.publish`), made in a thread as
    soon as Sphinx has written every page, while Sphinx highlights the science's source
    and writes its search index (2-3 s of a clean build), rather than after it."""

    def __init__(self, root: Path, work: Path, site: Path, edition: str):
        self.root, self.work, self.site, self.edition = root, work, site, edition
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="packs")
        self._future = None

    def start(self) -> None:
        if self._future is None:
            self._future = self._pool.submit(self._publish)

    def _publish(self) -> list[Path]:
        executed = self.work / "_build" / "jupyter_execute"
        # the version read here: one that cannot be read fails the build as a pack does
        version = pack.book_version(self.root)
        return pack.publish(
            self.root, executed, self.site, self.edition, version, validated_tables(self.work)
        )

    def result(self) -> list[Path]:
        """The packs written (started now if Sphinx never said its pages were written)."""
        self.start()
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()

    def abandon(self) -> None:
        """The build failed: let a started job end (its output is never published)."""
        self._pool.shutdown(wait=True)


def swap_in(new_site: Path, site: Path) -> None:
    """Replace ``site`` by a copy of ``new_site`` with two renames.

    Files the build did not rewrite (same size and modification time as the
    published copy) are hard links to the published file rather than copies:
    nothing ever writes into the published site, so it stays as it was.
    """
    staging = site.with_name(site.name + ".new")
    retired = site.with_name(site.name + ".old")
    for leftover in (staging, retired):
        shutil.rmtree(leftover, ignore_errors=True)

    def link_or_copy(src, dst):
        published = site / Path(src).relative_to(new_site)
        try:
            new, old = os.stat(src), os.stat(published)
            if (new.st_size, new.st_mtime_ns) == (old.st_size, old.st_mtime_ns):
                os.link(published, dst)
                return dst
        except OSError:
            pass
        return shutil.copy2(src, dst)

    shutil.copytree(new_site, staging, copy_function=link_or_copy)
    if site.exists():
        os.replace(site, retired)
    os.replace(staging, site)
    shutil.rmtree(retired, ignore_errors=True)


def build_log(work: Path, output: str) -> Path:
    return work / f"build-{output}.log"


@contextlib.contextmanager
def locked(work: Path):
    """One build at a time in a work folder (editions share it)."""
    work.mkdir(parents=True, exist_ok=True)
    with open(work / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def validated_tables(work: Path) -> Path:
    """Where the build notes the tables it validated (by content; see ``valor.data``)."""
    return work / "validated"


def first_page(root: Path, site: Path) -> Path:
    """The published page of the table of contents' root document."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return site / f"{Path(toc['root']).with_suffix('')}.html"


def execution_report(work: Path) -> dict:
    path = work / "_build" / ".doctrees" / "valor_execution.json"
    return json.loads(path.read_text()) if path.exists() else {"executed": [], "reused": []}


def print_nothing_executed(work: Path) -> None:
    report = execution_report(work)
    notebooks = sorted(report["executed"] + report["reused"])
    print(f"Executed 0 chapter(s): none; reused {len(notebooks)}: {', '.join(notebooks) or 'none'}.")


def output_pages(root: Path) -> str:
    """What decides which pages an output holds: the table of contents, and the science
    package's modules (viewcode gives each documented module a page of its source)."""
    modules = sorted(p.relative_to(root).as_posix() for p in (root / "valor").rglob("*.py"))
    return (root / "_toc.yml").read_text(encoding="utf-8") + "\n" + "\n".join(modules) + "\n"


def clear_output_if_pages_changed(root: Path, work: Path, output: str) -> None:
    """Sphinx never deletes the page of a removed chapter or module from its output: when
    the pages may have changed since the output's last build, the output starts afresh (the
    doctrees stay, so nothing re-executes for this); otherwise Sphinx rewrites only the
    pages that changed."""
    record = work / "_build" / f".{output}.pages"
    pages = output_pages(root)
    if record.exists() and record.read_text(encoding="utf-8") == pages:
        return
    shutil.rmtree(work / "_build" / output, ignore_errors=True)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(pages, encoding="utf-8")


def _forget_incremental_state(work: Path) -> None:
    # -W only sees warnings of pages re-read in this run: after a failure, make
    # the next build re-read everything so no warning or error can hide.
    shutil.rmtree(work / "_build" / ".doctrees", ignore_errors=True)


def run(root: Path, site: Path, work: Path, overrides: dict | None = None, output: str = "html") -> int:
    """Validate, build into ``work/_build/<output>``, and on success publish to ``site``."""
    root, site, work = root.resolve(), site.resolve(), work.resolve()
    with locked(work):
        return _run(root, site, work, overrides, output)


def _run(root: Path, site: Path, work: Path, overrides: dict | None, output: str) -> int:
    os.environ["VALOR_BOOK_ROOT"] = str(root)
    started = time.perf_counter()
    state = uptodate.fingerprint(root, overrides)
    new_site = work / "_build" / output
    if uptodate.is_current(work, site, state):
        print(
            f"Nothing changed since the last good build ({time.perf_counter() - started:.1f} s): "
            f"{site} is up to date. First page: {first_page(root, site)}"
        )
        print_nothing_executed(work)
        return 0
    uptodate.forget(work, site)
    if uptodate.is_current(work, new_site, state):
        # the work folder's last good build is of these very sources (published elsewhere
        # before, as a release's staging folder is): published again, nothing built
        swap_in(new_site, site)
        uptodate.record(work, site, state)
        print(
            f"Nothing changed since the last good build in {work} ({time.perf_counter() - started:.1f} s): "
            f"published it to {site}. First page: {first_page(root, site)}"
        )
        print_nothing_executed(work)
        return 0
    uptodate.forget(work, new_site)
    data_state = uptodate.fingerprint(root, only=uptodate.DATA_INPUTS)
    if uptodate.data_checked(work, data_state):
        print("Data OK: unchanged since it was last validated.", flush=True)
    else:
        from valor import data  # pandas and pandera load in ~1 s: only when validating

        errors = data.validate_all(remember=validated_tables(work))
        if errors:
            uptodate.record_data_checked(work, None)
            print("\nBuild stopped: data validation failed.", file=sys.stderr)
            for error in errors:
                print("  " + error.replace("\n", "\n  "), file=sys.stderr)
            print(f"The last good site in {site} was left untouched.", file=sys.stderr)
            return 1
        uptodate.record_data_checked(work, data_state)
        print(f"Data OK: {len(data.table_names())} tables validated.", flush=True)

    clear_output_if_pages_changed(root, work, output)
    edition = next((e for e in EDITIONS if output_name(e) == output), "reader")
    packs = PacksAlongside(root, work, new_site, edition)
    config = write_config(root, work, overrides or {})
    # the reader edition runs its changed notebooks; an edition written from its environment
    # reads nothing and starts no kernel
    code = build_html(
        root, work, config, output=output, on_pages_written=packs.start, preload_kernels=edition == "reader"
    )
    if code != 0:
        packs.abandon()
        _forget_incremental_state(work)
        log = build_log(work, output).read_text(encoding="utf-8", errors="replace")
        print(f"\nBuild failed (jupyter-book exit code {code}); see the messages above.", file=sys.stderr)
        for failure in notebook_failures(log):
            print(f"  {failure}", file=sys.stderr)
        for warning in re.findall(r"^.*(?:WARNING|ERROR):.*$", ANSI.sub("", log), re.M)[:10]:
            print(f"  {warning.strip()}", file=sys.stderr)
        print(f"The last good site in {site} was left untouched.", file=sys.stderr)
        return code or 1

    try:
        written = packs.result()
    except Exception as error:  # a pack that cannot be made is a failed build
        print(f"\nBuild failed: the notebook packs could not be made: {error!r}", file=sys.stderr)
        print(f"The last good site in {site} was left untouched.", file=sys.stderr)
        return 1
    print("Notebook packs: " + ", ".join(f"{p.name} ({p.stat().st_size / 1e6:.1f} MB)" for p in written))
    swap_in(new_site, site)
    uptodate.record(work, new_site, state)
    uptodate.record(work, site, state)
    report = execution_report(work)
    print(f"\nBuilt in {time.perf_counter() - started:.1f} s. First page: {first_page(root, site)}")
    print(
        f"Executed {len(report['executed'])} chapter(s): {', '.join(report['executed']) or 'none'}; "
        f"reused {len(report['reused'])}: {', '.join(report['reused']) or 'none'}."
    )
    forked = kernel_fork.forked(work / "_build")
    if forked is not None:
        print(f"Kernels forked from the preloaded process: {forked} (booktools/kernel_fork.py).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's folder")
    parser.add_argument("--site", type=Path, default=None, help="published HTML (default ROOT/_build/html)")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default ROOT/_build/.work)")
    parser.add_argument(
        "--edition",
        choices=sorted(EDITIONS),
        default="reader",
        help="reader (default) or student (solutions hidden)",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    default_site = {"reader": root / "_build" / "html", "student": root / "_build" / "student" / "html"}[
        args.edition
    ]
    work = args.work or root / "_build" / ".work"
    return run(root, args.site or default_site, work, EDITIONS[args.edition], output_name(args.edition))


if __name__ == "__main__":
    sys.exit(main())
