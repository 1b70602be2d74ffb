"""Kernels forked from a preloaded process (``booktools/kernel_fork.py``).

When Sphinx is about to read pages, this starts one process that imports ipykernel,
pandas, matplotlib and scipy, and points the ``python3`` kernelspec at it, so that each
notebook's kernel is a fork of it: ready in about 0.1 s instead of 1.5 s. It starts in
Sphinx's main process before the reading processes are forked (they inherit the
environment), and only when pages are to be read: a build that reads nothing (an
edition written from another's environment, a no-op) starts nothing. It stops when the
build finishes or fails. A build of the reader edition (``booktools/build.py``) starts
it before Sphinx instead, so that its imports overlap Sphinx's start-up; this then
finds it running and starts nothing.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from booktools import kernel_fork

_running = contextlib.ExitStack()


def start(app, env, docnames) -> None:
    folder = Path(app.doctreedir).parent  # the work folder's _build/
    kernel_fork.tally_file(folder).unlink(missing_ok=True)  # a count of this build's kernels only
    if docnames and kernel_fork.SOCKET_ENV not in os.environ:
        kernels = _running.enter_context(kernel_fork.serving(folder, dict(os.environ)))
        _running.enter_context(_environment(kernels))


@contextlib.contextmanager
def _environment(variables: dict[str, str]):
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def stop(app, exception) -> None:
    _running.close()


def setup(app):
    app.connect("env-before-read-docs", start)
    app.connect("build-finished", stop)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
