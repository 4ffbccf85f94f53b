"""pytest configuration for the doctests in the package: the usual aliases and the toy matrix."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    from sdg_interactions.matrix import toy_matrix

    doctest_namespace.update(np=np, pd=pd, xr=xr, toy_matrix=toy_matrix)
