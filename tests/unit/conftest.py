"""Fixtures shared by the unit tests: the primary table and the faster stratum's result, and
every figure closed after each test."""

from __future__ import annotations

import sys

import pytest

from valor import data
from valor.analysis import primary


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
