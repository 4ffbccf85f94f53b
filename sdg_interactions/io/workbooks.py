"""Excel workbooks for :mod:`sdg_interactions.io`: the readers and writers of
:mod:`sdg_interactions.io.excel`, imported when first used (openpyxl is slow to import).

Each function here passes its arguments on to the function of the same name in
:mod:`sdg_interactions.io.excel`; :mod:`sdg_interactions.io` re-exports them and registers ``.xlsx`` with
them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import xarray as xr

__all__ = ["read_excel", "write_excel", "write_results_excel", "write_template"]


def _excel(name: str) -> Callable:
    """A function of :mod:`sdg_interactions.io.excel`, imported when first used (openpyxl is slow to import)."""
    return getattr(importlib.import_module("sdg_interactions.io.excel"), name)


def read_excel(path, **options) -> xr.Dataset:
    """Read a filled Excel scoring template; see :func:`sdg_interactions.io.excel.read_excel`.

    Parameters
    ----------
    path : str or path-like
        The ``.xlsx`` workbook.
    **options
        Passed on: ``aggregated`` (bool, optional: True reads aggregated floats) and ``respondent_dim``
        (bool, optional: keep a ``respondent`` dim even for one respondent sheet).

    Returns
    -------
    xarray.Dataset
        ``score``, ``comment`` and ``uncertain`` on ``([respondent,] source, target)``;
        ``attrs["source_file"]`` is the path.

    See Also
    --------
    write_template : Writes the empty template a workshop fills in.
    write_excel : Writes a matrix to the same layout, pre-filled.
    read_matrix : Reads any supported format, ``.xlsx`` included.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from sdg_interactions.matrix import from_array
    >>> p = Path(tempfile.mkdtemp()) / "m.xlsx"
    >>> write_excel(from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"]), p)
    >>> read_excel(p)["score"].values.tolist()
    [[nan, 2.0], [-1.0, nan]]
    """
    return _excel("read_excel")(path, **options)


def write_excel(obj, path, **options) -> None:
    """Write a matrix Dataset to Excel; see :func:`sdg_interactions.io.excel.write_excel`.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix; a ``respondent`` dim gives one sheet per respondent, a Dataset's comments and
        uncertain marks go to the comment sheet.
    path : str or path-like
        The ``.xlsx`` file to write.
    **options
        Passed on: ``lang`` ({"sv", "en"}, the language of sheet names, headers and labels).

    See Also
    --------
    read_excel : Reads the workbook back to the same Dataset.
    write_template : Writes an empty template for the same nodes.
    write_matrix : Writes any supported format, ``.xlsx`` included.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from sdg_interactions.matrix import from_array
    >>> p = Path(tempfile.mkdtemp()) / "m.xlsx"
    >>> write_excel(from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"]), p, lang="en")
    >>> read_excel(p)["score"].sel(source="1.2", target="1.1").item()
    -1.0
    """
    return _excel("write_excel")(obj, path, **options)


def write_template(nodes, path, **options) -> None:
    """Write the Excel scoring template; see :func:`sdg_interactions.io.excel.write_template`.

    Parameters
    ----------
    nodes : iterable of str, or xarray.DataArray or xarray.Dataset
        The node ids, in the order the sheets show them; or a matrix, which stands for its ids and
        pre-fills its scores.
    path : str or path-like
        The ``.xlsx`` file to write.
    **options
        Passed on: ``respondents`` (sequence of str or int, optional: one sheet per respondent),
        ``lang`` ({"sv", "en"}) and ``matrix`` (xarray.DataArray or xarray.Dataset, optional: scores to
        pre-fill).

    See Also
    --------
    read_excel : Reads the filled-in template into a matrix Dataset.
    nodes_from : The node ids of a template, from a bundled name, a file or a list.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "mall.xlsx"
    >>> write_template(["1.1", "13.2"], p, respondents=["Anna", "Bo"])
    >>> ds = read_excel(p)
    >>> ds["respondent"].values.tolist(), int(ds["score"].notnull().sum())
    (['Anna', 'Bo'], 0)
    """
    return _excel("write_template")(nodes, path, **options)


def write_results_excel(tables, path, **options) -> None:
    """Write result tables to Excel; see :func:`sdg_interactions.io.excel.write_results_excel`.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        One sheet per table; a key the text catalogue knows (``"analysis"``, ``"conflicts"``,
        ``"scenario"``) gets its sheet name in ``lang``.
    path : str or path-like
        The ``.xlsx`` file to write.
    **options
        Passed on: ``lang`` ({"sv", "en"}, the language of sheet names and column headers).

    See Also
    --------
    write_table_csv : Writes one result table as CSV, with the same injection guard.
    sdg_interactions.analysis.all_metrics : A table of node metrics to write.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> import openpyxl
    >>> p = Path(tempfile.mkdtemp()) / "r.xlsx"
    >>> write_results_excel({"analysis": pd.DataFrame({"node": ["1.1"], "out_sum": [2.0]})}, p, lang="en")
    >>> openpyxl.load_workbook(p).sheetnames
    ['Analysis']
    """
    return _excel("write_results_excel")(tables, path, **options)
