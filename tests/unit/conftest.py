"""Fixtures shared by the unit tests: the book's tables validated once, the primary table and
the faster stratum's result, and every figure closed after each test."""

from __future__ import annotations

import sys

import pytest

from valor import data
from valor.analysis import primary


@pytest.fixture(scope="session", autouse=True)
def tables_validated_once(tmp_path_factory):
    """Every table of the book validated once per test process, as a build does for its
    kernels: ``data.load`` then reads a table exactly as validated without validating it
    again (pandera took about a third of the unit tests' time). A table a test changes has
    another validation key and is validated as before; tests/tools/test_validated_tables.py
    checks that a read without validation returns what validation returns."""
    folder = tmp_path_factory.mktemp("validated-tables")
    assert data.validate_all(remember=folder) == []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(data.VALIDATED_ENV, str(folder))
        yield


@pytest.fixture(scope="session")
def alsfrs():
    return data.load("alsfrs_week28")


@pytest.fixture(scope="session")
def faster(alsfrs):
    return primary.primary_result(alsfrs, data.load("enrolment"), data.load("design"))


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test drew. Tests that draw none never import pyplot for it
    (some check what valor imports)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
