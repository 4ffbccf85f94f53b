"""Every public function of the library is documented as numpydoc says, the way xarray and networkx are.

Public: the names in ``__all__`` of ``sdg_interactions`` and of its layers' packages (``analysis``, ``matrix``,
``io``, ``frameworks``). Each needs, parsed by numpydoc's own parser (:class:`numpydoc.docscrape.FunctionDoc`):
a summary; ``Parameters`` naming every parameter of its signature (``*args``/``**options`` included); ``Returns``
(or ``Yields``) unless it returns ``None``; ``See Also``; ``Examples``. The analysis functions that implement a
published method also need ``References`` naming their source (:data:`METHODS`).
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from numpydoc.docscrape import FunctionDoc

PACKAGES = ("sdg_interactions", "sdg_interactions.analysis", "sdg_interactions.matrix", "sdg_interactions.io",
            "sdg_interactions.frameworks")

#: The functions that implement a published method, and a word their References must hold.
METHODS = {
    "sdg_synergies": "Weitz", "signed_sums": "Weitz", "link_counts": "Weitz", "two_step_paths": "Weitz",
    "total_influence": "Gabus", "total_influence_matrix": "Gabus", "total_sums": "Gabus", "net_multiplier": "Gabus",
    "influence_dependence": "Godet", "micmac_planes": "Godet", "micmac_displacement": "Godet",
    "stable_power": "Godet", "clusters": "Clauset", "cluster_significance": "Maslov", "rewire": "Maslov",
    "rank_robustness": "Efron", "scenario": "Weitz", "propagate": "Weitz", "portfolio": "Weitz",
}


def public_functions() -> list[tuple[str, object]]:
    seen, found = set(), []
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value) and value not in seen:
                seen.add(value)
                found.append((f"{value.__module__}.{value.__qualname__}", value))
    return sorted(found, key=lambda item: item[0])


def problems(func) -> list[str]:
    """What the docstring of ``func`` lacks, as numpydoc parses it."""
    doc = FunctionDoc(func, config={"show_inherited_class_members": False})
    found = []
    if not doc["Summary"]:
        found.append("a summary line")
    signature = inspect.signature(func)
    named = {name.strip().lstrip("*") for p in doc["Parameters"] for name in p.name.split(",")}
    wanted = [p.name for p in signature.parameters.values()]
    if missing := [p for p in wanted if p not in named]:
        found.append(f"Parameters: {', '.join(missing)}")
    returns_none = signature.return_annotation in (None, "None")
    if not returns_none and not (doc["Returns"] or doc["Yields"]):
        found.append("Returns")
    if not doc["See Also"]:
        found.append("See Also")
    if not doc["Examples"]:
        found.append("Examples")
    source = METHODS.get(func.__name__)
    if source and source not in "\n".join(doc["References"]):
        found.append(f"References naming {source}")
    return found


def test_every_public_function_has_the_numpydoc_sections():
    lacking = {name: found for name, func in public_functions() if (found := problems(func))}
    assert not lacking, f"{len(lacking)} public functions lack numpydoc sections:\n" + "\n".join(
        f"{name}: {', '.join(found)}" for name, found in sorted(lacking.items()))


def test_the_check_finds_what_a_docstring_lacks():
    def scored(matrix, *, lang="sv"):
        """Score a matrix.

        Parameters
        ----------
        matrix : xarray.DataArray
            The matrix.
        """

    def complete(matrix) -> None:
        """Do nothing.

        Parameters
        ----------
        matrix : xarray.DataArray
            The matrix.

        See Also
        --------
        scored : the other one.

        Examples
        --------
        >>> complete(None)
        """

    assert problems(scored) == ["Parameters: lang", "Returns", "See Also", "Examples"]
    assert problems(complete) == []


@pytest.mark.parametrize("name", sorted(METHODS))
def test_every_method_named_here_is_public(name):
    assert name in {func.__name__ for _, func in public_functions()}
