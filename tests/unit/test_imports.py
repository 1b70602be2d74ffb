"""Chapters that compute nothing pay for nothing: importing what they use loads neither
SciPy nor matplotlib (a kernel starts faster), and ``valor`` itself loads nothing heavy."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("scipy", "matplotlib", "statsmodels")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in out.split()}


def test_the_package_itself_is_light():
    assert not loaded_after("import valor") & {*HEAVY, "pandas", "numpy"}


@pytest.mark.parametrize(
    "modules",
    [
        "valor.analysis.background, valor.analysis.design, valor.book",  # background, design
        "valor.analysis.regulatory, valor.book",  # regulatory (its figure module needs matplotlib)
        "valor.analysis.extension, valor.assumptions, valor.fmt, valor.labels",
        "valor.environment, valor.citation, valor.book",  # status, how to cite
    ],
)
def test_light_modules_load_neither_scipy_nor_matplotlib(modules):
    assert not loaded_after(f"import {modules}") & set(HEAVY)


def test_the_computing_modules_do_load_scipy():
    # the check above can fail: importing the statistics loads SciPy
    assert "scipy" in loaded_after("import valor.analysis.power")
