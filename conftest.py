"""Docstring examples (run by ``pytest --doctest-modules``) may use ``np`` and ``gn`` freely."""

import numpy as np
import pytest

import glassnet as gn


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["np"] = np
    doctest_namespace["gn"] = gn
