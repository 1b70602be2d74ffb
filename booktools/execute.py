"""Execute the notebooks Sphinx is about to re-read, several at a time.

Jupyter Book 1 (myst-nb) executes notebooks one after the other while Sphinx
reads them. The book instead runs myst-nb in ``cache`` mode and, just before
Sphinx reads anything (the ``env-before-read-docs`` event, see
``_ext/valor_deps.py``), executes every notebook Sphinx is going to re-read in a
pool (one kernel process per notebook, each driven from a thread) and stores
the results in myst-nb's jupyter-cache. When Sphinx then reads the page,
myst-nb finds the fresh outputs in the cache.

Invalidation is Sphinx's own: a page is re-read (and therefore re-executed)
exactly when its source, a data file it read, or ``valor/`` changed. A notebook
that is not re-read is never executed, and every re-read notebook is executed
again and overwrites its cache entry, so the cache can never serve outputs
computed from older data or code.

Each notebook is read with myst-nb's own reader and executed with the same
client settings myst-nb uses in cache mode (``jupyter_cache.executors.utils.
single_nb_execution``), in the notebook's folder, so outputs and cache keys are
identical to what myst-nb would have produced serially.

``$VALOR_EXEC_WORKERS`` sets how many notebooks run at once (default: one per
CPU core, at most one per notebook); ``1`` executes them one after the other.
"""

from __future__ import annotations

import os
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Job:
    docname: str
    path: str  # the notebook's source file
    notebook: dict  # the notebook as myst-nb reads it (a NotebookNode)
    reads_log: str  # where valor.data records the files the kernel read
    timeout: int | None
    allow_errors: bool
    kernel_env: dict | None = None  # added to the environment of the kernel


@dataclass
class Outcome:
    docname: str
    notebook: dict | None  # the executed notebook, None on failure
    seconds: float
    error: str | None  # the traceback, on failure


def workers(n_jobs: int) -> int:
    """Notebooks to run at once for ``n_jobs`` notebooks ($VALOR_EXEC_WORKERS overrides)."""
    setting = os.environ.get("VALOR_EXEC_WORKERS", "").strip()
    if setting:
        wanted = int(setting)
        if wanted < 1:
            raise ValueError(f"VALOR_EXEC_WORKERS must be >= 1, got {setting!r}")
    else:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(wanted, n_jobs))


def run_job(job: Job) -> Outcome:
    """Execute one notebook in its own kernel, as myst-nb's cache mode would.

    Same client settings as ``jupyter_cache.executors.utils.single_nb_execution``
    (what myst-nb calls): the notebook's folder as working directory, no timing
    metadata (it would change the cache key), ``execution`` metadata may
    override timeout and allow_errors. The kernel alone gets $VALOR_READS_LOG,
    so several notebooks can run at once from threads of one process.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = job.notebook
    timeout, allow_errors = job.timeout, job.allow_errors
    overrides = nb.get("metadata", {}).get("execution", {})
    timeout = overrides.get("timeout", timeout)
    allow_errors = overrides.get("allow_errors", allow_errors)
    Path(job.reads_log).write_text("", encoding="utf-8")
    client = NotebookClient(
        nb,
        timeout=timeout,
        allow_errors=allow_errors,
        record_timing=False,
        resources={"metadata": {"path": str(Path(job.path).parent)}},
    )
    started = time.perf_counter()
    try:
        client.execute(env={**os.environ, **(job.kernel_env or {}), "VALOR_READS_LOG": job.reads_log})
    except (CellExecutionError, CellTimeoutError):
        return Outcome(job.docname, None, time.perf_counter() - started, traceback.format_exc())
    except Exception:  # the kernel died or could not start
        return Outcome(job.docname, None, time.perf_counter() - started, traceback.format_exc())
    return Outcome(job.docname, nb, time.perf_counter() - started, None)


def run_jobs(jobs: list[Job], n_workers: int | None = None) -> list[Outcome]:
    """Execute ``jobs``, ``n_workers`` at a time (each in its own kernel process)."""
    if not jobs:
        return []
    n_workers = workers(len(jobs)) if n_workers is None else max(1, min(n_workers, len(jobs)))
    if n_workers == 1:
        return [run_job(job) for job in jobs]
    # Threads suffice: each notebook runs in its own kernel process; the threads
    # only relay messages (no start-up cost of worker processes).
    with ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="valor-exec") as pool:
        return list(pool.map(run_job, jobs))


try:
    from sphinx.errors import SphinxError as _Base
except ImportError:  # pragma: no cover - sphinx is always installed with the book
    _Base = Exception


class NotebookFailed(_Base):
    """One or more notebooks raised; ``details`` holds each traceback and path."""

    category = "Notebook execution failed"

    def __init__(self, message: str, details: str):
        super().__init__(message)
        self.details = details


def execute_for_sphinx(app, docnames: list[str]) -> dict[str, float]:
    """Execute the notebooks among ``docnames`` and put their outputs in myst-nb's cache.

    Returns docname -> execution seconds. Raises :class:`NotebookFailed` if any
    notebook fails (after all have run, so every failure is reported).
    """
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    env = app.env
    nb_config = env.mystnb_config
    started = time.perf_counter()
    early, failed_early = collect_early(app, docnames)  # clean builds: started by booktools.build
    failures = list(failed_early.values())
    jobs = []
    for docname in docnames:
        if docname in early or docname in failed_early:
            continue
        path = Path(env.doc2path(docname))
        if path.suffix != ".md":
            continue
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
        if reader is None:
            continue  # plain Markdown page
        notebook = reader.read(text)
        jobs.append(
            Job(
                docname,
                str(path),
                notebook,
                str(reads_log(app, docname)),
                nb_config.execution_timeout,
                nb_config.execution_allow_errors,
            )
        )
    n_workers = workers(len(jobs) + len(early) + len(failures))
    outcomes = run_jobs(jobs, n_workers)
    elapsed = time.perf_counter() - started

    cache = get_cache(nb_config.execution_cache_path)
    for job, outcome in zip(jobs, outcomes, strict=True):
        if outcome.error is not None:
            # The last line mirrors myst-nb's "ExecutionError: <path>" so that
            # booktools.build's summary names the notebook and its error.
            failures.append(
                f"Executing notebook {job.path} failed:\n{outcome.error}\nExecutionError: {job.path}"
            )
            report = Path(app.outdir) / "reports" / (job.docname.replace("/", "__") + ".err.log")
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(outcome.error, encoding="utf-8")
            continue
        store(cache, outcome.notebook, job.path, outcome.seconds)
    if failures:
        raise NotebookFailed(
            f"{len(failures)} notebook(s) raised; the tracebacks are above", "\n\n".join(failures)
        )
    seconds = {**early, **{o.docname: round(o.seconds, 2) for o in outcomes}}
    if seconds:
        from sphinx.util import logging

        logging.getLogger(__name__).info(
            f"valor: executed {len(seconds)} notebook(s) with {n_workers} worker(s) "
            f"({len(early)} started before Sphinx), waited {elapsed:.1f} s: "
            + ", ".join(f"{d} {s:.1f} s" for d, s in seconds.items())
        )
    return seconds


def store(cache, notebook, path: str, seconds: float) -> None:
    """Cache an executed notebook for myst-nb, keeping its execution counts
    (jupyter-cache stores the cells without them; the downloadable executed
    notebook needs them)."""
    import nbformat
    from jupyter_cache.base import CacheBundleIn

    record = cache.cache_notebook_bundle(
        CacheBundleIn(notebook, path, data={"execution_seconds": seconds}),
        check_validity=False,
        overwrite=True,
    )
    stored_path = cache._get_notebook_path_cache(record.hashkey)
    stored = nbformat.reads(stored_path.read_text(encoding="utf-8"), as_version=nbformat.NO_CONVERT)
    counts = [c.get("execution_count") for c in notebook.cells if c.cell_type == "code"]
    code = [c for c in stored.cells if c.cell_type == "code"]
    if len(code) == len(counts):
        for cell, count in zip(code, counts, strict=True):
            cell["execution_count"] = count
        stored_path.write_text(nbformat.writes(stored, nbformat.NO_CONVERT), encoding="utf-8")
    import json

    Path(str(cache.path)).joinpath("valor_counts").mkdir(parents=True, exist_ok=True)
    cells = [
        {"execution_count": c.get("execution_count"), "outputs": c.get("outputs", [])}
        for c in notebook.cells
        if c.cell_type == "code"
    ]
    _counts_file(str(cache.path), path).write_text(json.dumps(cells))


def _counts_file(cache_path: str, path: str) -> Path:
    import hashlib

    return Path(cache_path) / "valor_counts" / (hashlib.sha256(str(path).encode()).hexdigest()[:16] + ".json")


def restore_counts(cache_path: str, path: str, notebook_file: Path) -> None:
    """Put execution counts and outputs into the notebook myst-nb wrote to
    jupyter_execute/ (in cache mode it lacks them; the download offers it)."""
    import json

    import nbformat

    side = _counts_file(cache_path, path)
    if not side.exists() or not notebook_file.exists():
        return
    executed = json.loads(side.read_text())
    nb = nbformat.read(notebook_file, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if len(code) == len(executed):
        for cell, done in zip(code, executed, strict=True):
            cell["execution_count"] = done["execution_count"]
            if not cell.get("outputs"):
                cell["outputs"] = nbformat.from_dict(done["outputs"])
        nbformat.write(nb, notebook_file)


def reads_log(app, docname: str) -> Path:
    """The file where a page's kernel records the data files it read."""
    folder = Path(app.doctreedir) / "valor_reads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (docname.replace("/", "__") + ".txt")


# -- clean builds: start executing before Sphinx has even started --------------------
#
# In a clean build every notebook will be re-read, so booktools.build starts executing
# them (after data validation) while jupyter-book and Sphinx start up, instead of
# waiting for ``env-before-read-docs``. The results go into the same jupyter-cache;
# a hand-over file tells the Sphinx extension which notebooks are done (and which
# failed); the extension waits for it, then executes whatever it does not cover.

EARLY_ENV = "VALOR_EARLY_EXEC"  # path of the hand-over file, set by booktools.build


def read_notebook(path: Path, myst_extensions) -> dict:
    """A MyST notebook read as myst-nb's Sphinx parser reads it (same cells, same cache key)."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig

    text = path.read_text(encoding="utf-8")
    md_config = MdParserConfig(enable_extensions=set(myst_extensions or ()))
    reader = create_nb_reader(str(path), md_config, NbParserConfig(), text)
    return None if reader is None else reader.read(text)


def _source_digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def start_early(root: Path, docnames: list[str], work: Path, myst_extensions, timeout, allow_errors):
    """Execute ``docnames`` in background threads; returns (thread, hand-over path).

    Writes outputs to ``work``'s jupyter-cache, reads logs where the extension
    looks for them, and finally the hand-over file (always, even on errors).
    """
    import json
    import threading

    doctrees = work / "_build" / ".doctrees"
    cache_path = work / "_build" / ".jupyter_cache"
    handover = work / "valor_early.json"
    handover.unlink(missing_ok=True)

    def target():
        report = {}
        try:
            jobs = []
            for docname in docnames:
                path = root / f"{docname}.md"
                nb = read_notebook(path, myst_extensions)
                if nb is None:
                    continue
                log = doctrees / "valor_reads" / (docname.replace("/", "__") + ".txt")
                log.parent.mkdir(parents=True, exist_ok=True)
                # as build_html gives jupyter-book: this book's valor/ comes first
                kernel_env = {
                    "VALOR_BOOK_ROOT": str(root),
                    "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(
                        os.pathsep
                    ),
                }
                jobs.append(
                    (
                        Job(docname, str(path), nb, str(log), timeout, allow_errors, kernel_env),
                        _source_digest(path),
                    )
                )
            outcomes = run_jobs([j for j, _ in jobs])
            from jupyter_cache import get_cache

            cache = get_cache(str(cache_path))
            for (job, digest), outcome in zip(jobs, outcomes, strict=True):
                if outcome.error is None:
                    store(cache, outcome.notebook, job.path, outcome.seconds)
                report[job.docname] = {
                    "path": job.path,
                    "source_sha256": digest,
                    "seconds": round(outcome.seconds, 2),
                    "error": outcome.error,
                }
        except Exception:  # never leave Sphinx waiting: report, and let it execute itself
            report = {"__failed__": traceback.format_exc()}
        finally:
            partial = handover.with_suffix(".tmp")
            partial.write_text(json.dumps(report), encoding="utf-8")
            os.replace(partial, handover)

    thread = threading.Thread(target=target, name="valor-early-exec", daemon=True)
    thread.start()
    return thread, handover


def collect_early(app, docnames: list[str]) -> tuple[dict[str, float], dict[str, str]]:
    """In Sphinx: wait for booktools.build's early execution.

    Returns (docname -> seconds of the notebooks done, docname -> failure message).

    Only notebooks whose source is unchanged since they were executed count.
    """
    import json

    handover = os.environ.get(EARLY_ENV)
    if not handover:
        return {}, {}
    handover = Path(handover)
    deadline = time.monotonic() + 3600
    while not handover.exists():
        if time.monotonic() > deadline:
            return {}, {}
        time.sleep(0.05)
    report = json.loads(handover.read_text(encoding="utf-8"))
    done, failures = {}, {}
    for docname, entry in report.items():
        if docname not in docnames:
            continue
        path = Path(entry["path"])
        if not path.exists() or _source_digest(path) != entry["source_sha256"]:
            continue  # edited meanwhile: execute it again
        if entry["error"]:
            failures[docname] = f"Executing notebook {path} failed:\n{entry['error']}\nExecutionError: {path}"
        else:
            done[docname] = entry["seconds"]
    return done, failures


def toc_docnames(root: Path) -> list[str]:
    """Every document in _toc.yml, in order (the pages Sphinx builds)."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [str(Path(n).with_suffix("")) for n in names]
