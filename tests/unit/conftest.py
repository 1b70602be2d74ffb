"""Fixtures shared by the unit tests: the primary table and the faster stratum's result."""

from __future__ import annotations

import pytest

from valor import data
from valor.analysis import primary


@pytest.fixture(scope="session")
def alsfrs():
    return data.load("alsfrs_week28")


@pytest.fixture(scope="session")
def faster(alsfrs):
    return primary.primary_result(alsfrs, data.load("enrolment"), data.load("design"))
