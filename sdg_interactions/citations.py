"""What to cite: BibTeX for the methods and the data behind a result.

:func:`cite` reads a result (or a matrix) and returns the BibTeX entries of the methods its variables
implement and of the data set it was computed from (the matrix's ``citation``/``doi`` attrs carried into
every result); :data:`REFERENCES` holds the methods' entries, keyed as in the docstrings.

Examples
--------
>>> from sdg_interactions.io import load_matrix
>>> from sdg_interactions.analysis import sdg_synergies
>>> text = cite(sdg_synergies(load_matrix("weitz2018_sweden")))
>>> [line for line in text.splitlines() if line.startswith("@")]
['@article{weitz2018,', '@article{nilsson2016,']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import xarray as xr

__all__ = ["METHODS", "REFERENCES", "cite"]

#: BibTeX of every method the library implements, by key.
REFERENCES = {
    "weitz2018": """@article{weitz2018,
  author = {Weitz, Nina and Carlsen, Henrik and Nilsson, M{\\aa}ns and Sk{\\aa}nberg, Kristian},
  title = {Towards systemic and contextual priority setting for implementing the 2030 Agenda},
  journal = {Sustainability Science}, volume = {13}, pages = {531--548}, year = {2018},
  doi = {10.1007/s11625-017-0470-0}
}""",
    "nilsson2016": """@article{nilsson2016,
  author = {Nilsson, M{\\aa}ns and Griggs, Dave and Visbeck, Martin},
  title = {Policy: Map the interactions between Sustainable Development Goals},
  journal = {Nature}, volume = {534}, pages = {320--322}, year = {2016}, doi = {10.1038/534320a}
}""",
    "godet1986": """@article{godet1986,
  author = {Godet, Michel},
  title = {Introduction to la prospective: seven key ideas and one scenario method},
  journal = {Futures}, volume = {18}, number = {2}, pages = {134--157}, year = {1986},
  doi = {10.1016/0016-3287(86)90094-7}
}""",
    "gabus1973": """@techreport{gabus1973,
  author = {Gabus, Andr{\\'e} and Fontela, Emilio},
  title = {Perceptions of the World Problematique: Communication Procedure, Communicating with those
           Bearing Collective Responsibility},
  institution = {Battelle Geneva Research Centre}, type = {DEMATEL Report}, number = {1}, year = {1973}
}""",
    "clauset2004": """@article{clauset2004,
  author = {Clauset, Aaron and Newman, M. E. J. and Moore, Cristopher},
  title = {Finding community structure in very large networks},
  journal = {Physical Review E}, volume = {70}, pages = {066111}, year = {2004},
  doi = {10.1103/PhysRevE.70.066111}
}""",
    "maslov2002": """@article{maslov2002,
  author = {Maslov, Sergei and Sneppen, Kim},
  title = {Specificity and stability in topology of protein networks},
  journal = {Science}, volume = {296}, number = {5569}, pages = {910--913}, year = {2002},
  doi = {10.1126/science.1065103}
}""",
    "efron1979": """@article{efron1979,
  author = {Efron, Bradley},
  title = {Bootstrap methods: another look at the jackknife},
  journal = {The Annals of Statistics}, volume = {7}, number = {1}, pages = {1--26}, year = {1979},
  doi = {10.1214/aos/1176344552}
}""",
}

#: The methods behind each result variable (keys of :data:`REFERENCES`); the scale is Nilsson et al.'s.
METHODS = {
    **dict.fromkeys(("out_sum", "out_pos", "out_neg", "in_sum", "in_pos", "in_neg", "second_order", "systemic",
                     "rank", "direct_pos", "direct_neg", "indirect_pos", "indirect_neg", "effect_pos",
                     "effect_neg", "effect_net", "class"), ("weitz2018", "nilsson2016")),
    **dict.fromkeys(("total_out", "total_in", "influence_total", "dependence_total"), ("gabus1973", "nilsson2016")),
    **dict.fromkeys(("influence", "dependence", "quadrant", "influence_direct", "dependence_direct",
                     "influence_indirect", "dependence_indirect", "quadrant_direct", "quadrant_indirect",
                     "quadrant_total"), ("godet1986", "nilsson2016")),
    **dict.fromkeys(("cluster", "modularity"), ("clauset2004", "nilsson2016")),
    **dict.fromkeys(("rank_chance", "modularity_percentile", "null_modularity"), ("maslov2002",)),
    **dict.fromkeys(("rank_low", "rank_high", "rank_median"), ("efron1979",)),
}


def _data_entry(attrs: dict) -> str | None:
    citation = str(attrs.get("citation") or "").strip()
    if not citation:
        return None
    key = re.sub(r"[^a-z0-9]", "", str(attrs.get("name") or "data").lower()) or "data"
    fields = [f"  note = {{{citation}}}"]
    if attrs.get("doi"):
        fields.append(f"  doi = {{{attrs['doi']}}}")
    title = attrs.get("title_en") or attrs.get("name")
    if title:
        fields.insert(0, f"  title = {{{title}}}")
    return "@misc{" + key + ",\n" + ",\n".join(fields) + "\n}"


def cite(*results: xr.Dataset | xr.DataArray | str | Iterable[str]) -> str:
    """The BibTeX of the methods and data behind ``results``.

    The data entry is left out when the data set is itself one of the method papers (Weitz et al.
    2018's matrix). Each entry appears once, in the order first met.

    Parameters
    ----------
    *results : xarray.Dataset, xarray.DataArray, str or iterable of str
        Results or matrices (their variables' methods by :data:`METHODS`, their data set's
        ``citation``), or method keys of :data:`REFERENCES` (``"weitz2018"``, ``"godet1986"``, ...).

    Returns
    -------
    str
        The BibTeX entries, separated by blank lines.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        For a key :data:`REFERENCES` lacks.

    See Also
    --------
    sdg_interactions.analysis.sdg_synergies : A result whose methods are cited.
    sdg_interactions.load_dataset : A matrix whose data set is cited.

    Examples
    --------
    >>> print(cite("godet1986").splitlines()[0])
    @article{godet1986,
    >>> cite("nobody")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: unknown reference: 'nobody'. Valid: weitz2018, nilsson2016, godet1986, gabus1973, clauset2004, maslov2002, efron1979, or a result.
    """  # noqa: E501
    from sdg_interactions.errors import ValidationError, locate, tr

    keys: list[str] = []
    data: list[str] = []
    for item in results:
        if isinstance(item, (xr.Dataset, xr.DataArray)):
            names = list(item.data_vars) if isinstance(item, xr.Dataset) else [item.name]
            if {"score"} & {str(n) for n in names}:
                keys.append("nilsson2016")
            for name in names:
                keys.extend(METHODS.get(str(name), ()))
            entry = _data_entry(dict(item.attrs))
            doi = str(item.attrs.get("doi") or "")
            if entry and not any(doi and doi in REFERENCES[k] for k in REFERENCES):
                data.append(entry)
            continue
        for key in [item] if isinstance(item, str) else list(item):
            if key not in REFERENCES:
                raise ValidationError(locate(tr("error.analysis.unknown_reference"), value=key, valid=tr(
                    "error.analysis.valid_reference", keys=", ".join(REFERENCES))))
            keys.append(key)
    seen = list(dict.fromkeys(keys))
    return "\n\n".join([REFERENCES[k] for k in seen] + list(dict.fromkeys(data)))
