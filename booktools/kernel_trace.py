"""Record which modules of the science package a notebook's kernel imports.

The build gives each kernel an IPython start-up file (:func:`startup_dir`) that calls
:func:`install` when ``$VALOR_READS_LOG`` is set. From then on every module of
``valor`` the kernel imports, directly or through another module, in any sub-package,
is appended to that log, beside the data files ``valor.data`` records. The Sphinx
extension ``_ext/valor_deps.py`` turns the log into the page's dependencies, so a page
is re-executed when a module its kernel really used changes, and only then.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from pathlib import Path

PACKAGE = "valor"
LOG_ENV = "VALOR_READS_LOG"

STARTUP = """\
# Written by booktools.kernel_trace: record the valor modules this kernel imports.
import booktools.kernel_trace as _valor_trace

_valor_trace.install()
del _valor_trace
"""


# A build's kernels keep no command history: nobody reads it, and writing it costs start-up time.
KERNEL_CONFIG = "c.HistoryManager.enabled = False\n"

# ...and end without the interpreter's teardown once the exit handlers registered after
# start-up have run: myst-nb shuts each kernel down politely, and freeing pandas, scipy and
# matplotlib kept it alive 0.3-0.4 s (sometimes past jupyter_client's 2.5 s wait, until
# SIGTERM). By then nothing is left to write: every record above is appended as it happens.
QUICK_EXIT = """\
# Written by booktools.kernel_trace: skip the interpreter's teardown at the kernel's exit.
import atexit as _atexit
import os as _os

_atexit.register(_os._exit, 0)
del _atexit, _os
"""


def startup_dir(work: Path) -> Path:
    """An IPYTHONDIR for the kernels of a build: its start-up files install the recorder
    and the quick exit."""
    folder = work / "ipython"
    profile = folder / "profile_default"
    files = {
        profile / "startup" / "00-valor-trace.py": STARTUP,
        profile / "startup" / "01-quick-exit.py": QUICK_EXIT,
        profile / "ipython_kernel_config.py": KERNEL_CONFIG,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return folder


class ImportRecorder(importlib.abc.MetaPathFinder):
    """A finder that finds nothing itself: it asks the finders after it and notes
    where each module of ``package`` was found."""

    def __init__(self, log: str, package: str = PACKAGE):
        self.log = log
        self.package = package

    def find_spec(self, name, path, target=None):
        if name != self.package and not name.startswith(self.package + "."):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.has_location and spec.origin:
                    with open(self.log, "a", encoding="utf-8") as out:
                        out.write(str(Path(spec.origin).resolve()) + "\n")
                return spec
        return None


def install(log: str | None = None) -> ImportRecorder | None:
    """Record imports of ``valor`` modules into ``log`` ($VALOR_READS_LOG by default)."""
    log = log or os.environ.get(LOG_ENV)
    if not log or any(isinstance(f, ImportRecorder) for f in sys.meta_path):
        return None
    recorder = ImportRecorder(log)
    sys.meta_path.insert(0, recorder)
    return recorder
