"""Self-describing results (analysis/descriptions.py): every variable of every result has a long name and
units in the chosen language, the formulas are the ones the docstrings implement, and NetCDF keeps them."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from sdg_interactions import analysis
from sdg_interactions.analysis.descriptions import UNITS
from sdg_interactions.io import load_dataset, load_matrix
from sdg_interactions.texts import catalogue


@pytest.fixture(scope="module")
def results():
    m = load_matrix("weitz2018_sweden")
    return {
        "all_metrics": analysis.all_metrics(m),
        "scenario": analysis.scenario(m, ["16.6", "12.1"]),
        "micmac": analysis.micmac_planes(m, power=3),
        "significance": analysis.cluster_significance(m, samples=5),
        "cells": analysis.cell_statistics(load_dataset("synthetic_respondents")),
        "clusters": analysis.clusters(m),
    }


def test_every_result_variable_has_a_long_name_and_units_in_both_languages(results):
    for kind, result in results.items():
        for lang in ("sv", "en"):
            described = analysis.describe(result.copy(), lang=lang)
            for name, variable in described.data_vars.items():
                assert variable.attrs.get("long_name"), (kind, name, lang)
                assert variable.attrs.get("units"), (kind, name, lang)
    sv = results["all_metrics"]["systemic"].attrs
    assert (sv["long_name"], sv["units"]) == ("systemisk poäng", "poäng")  # Swedish by default


def test_formulas_name_their_sources_and_every_catalogued_formula_belongs_to_a_known_variable(results):
    en = analysis.describe(results["all_metrics"].copy(), lang="en")
    assert en["second_order"].attrs["formula"] == "s_i = ½ · Σ_j a_ij · r_j (Weitz et al. 2018)"
    assert "DEMATEL" in en["total_out"].attrs["formula"] and "Godet" in en["influence"].attrs["formula"]
    produced = {str(n) for r in results.values() for n in r.data_vars}
    catalogued = {key.split(".")[-1] for key in catalogue() if key.startswith("variables.formula.")}
    assert catalogued <= produced, catalogued - produced
    assert set(UNITS) >= produced  # every variable has a unit


def test_a_netcdf_export_keeps_what_each_variable_is(results, tmp_path):
    result = analysis.describe(results["micmac"].copy(), lang="en")
    path = tmp_path / "micmac.nc"
    result.drop_vars([n for n, v in result.data_vars.items() if v.dtype == object]).to_netcdf(path)
    with xr.open_dataset(path) as back:
        assert back["influence_indirect"].attrs["units"].startswith("1 (dimensionless")
        assert back["influence_indirect"].attrs["formula"] == "Σ_j (Mᵏ)_ij / max(Mᵏ) (Godet 1986)"
        np.testing.assert_allclose(back["influence_indirect"].values, result["influence_indirect"].values)
