"""Heavy dependencies of the science load at their first use (valor/deferred.py)."""

from __future__ import annotations

import subprocess
import sys

from book import ROOT

DOCUMENTED = ROOT / "chapters" / "api.md"


def documented_modules() -> list[str]:
    return [
        line.split("::")[1].strip() for line in DOCUMENTED.read_text().splitlines() if "automodule::" in line
    ]


def fresh_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


def test_importing_every_documented_module_loads_neither_scipy_stats_nor_optimize():
    # Sphinx's viewcode and autodoc import these at every build: importing scipy.stats
    # there cost 0.7 s a process (1.46 s for valor.analysis.biomarkers, 0.26 s without);
    # finding a deferred module imports scipy's own small package, nothing more
    modules = documented_modules()
    assert "valor.stats" in modules and "valor.synthetic" in modules and len(modules) > 15
    loaded = fresh_python(
        "import importlib, sys, types\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(n for n, m in sys.modules.items() if n.startswith('scipy.')"
        " and n.split('.')[1] in ('stats', 'optimize') and type(m) is types.ModuleType))"
    )
    assert loaded == "[]", f"importing the documented modules loaded {loaded}"


def test_a_deferred_module_loads_at_its_first_use_and_is_then_the_real_one():
    out = fresh_python(
        "import sys, types\n"
        "from valor import stats\n"
        "print(type(sys.modules['scipy.stats']) is types.ModuleType)\n"
        "print(round(stats._st.norm.ppf(0.975), 6))\n"
        "print(type(sys.modules['scipy.stats']) is types.ModuleType)\n"
        "import scipy.stats\n"
        "print(scipy.stats.t.sf(2.0, 10) == stats._st.t.sf(2.0, 10))"
    )
    assert out.split() == ["False", "1.959964", "True", "True"]


def test_a_module_already_imported_is_returned_as_it_is():
    from valor import deferred

    assert deferred.module("json") is sys.modules.setdefault("json", __import__("json"))
