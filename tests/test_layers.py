"""The package's shape: layers import only downwards, no import cycles, a light ``import sdg_interactions``,
and every module small, documented and with ``__all__``.

Layers, lowest first: base (``errors``, ``texts``, ``textfile``, ``catalogue``, ``ranges``, ``locking``) <
``frameworks`` <
``matrix`` < ``io`` < ``analysis`` < (the package's re-exporting ``__init__``) < ``plots`` <
``apps`` = ``report`` < ``cli``. Imports are read with :mod:`ast`, not by importing, so an import inside
a function counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = "sdg_interactions"
ROOT = Path(__file__).parents[1] / PACKAGE

#: Rank of each layer; a module may import its own rank or lower.
RANKS = {
    "base": 0,
    "frameworks": 1,
    "matrix": 2,
    "io": 3,
    "analysis": 4,
    "package": 4.5,  # sdg_interactions/__init__.py re-exports from the layers up to analysis
    "plots": 5,
    "apps": 6,
    "report": 6,
    "cli": 7,
}
BASE = ("errors", "texts", "textfile", "catalogue", "ranges", "locking", "formats", "glossary", "citations", "ties")

#: Libraries that ``import sdg_interactions`` must not load.
HEAVY = ("altair", "ipywidgets", "papermill", "nbclient", "nbconvert", "openpyxl", "scipy", "vl_convert",
         "weasyprint", "typst", "docx", "voila", "selenium", "traitlets", "requests", "dask", "distributed",
         "numba")
MAX_LINES = 520


def layer_of(module: str, package: str = PACKAGE) -> str:
    """The layer of a dotted module name inside ``package``; KeyError for a part no layer names."""
    parts = module.split(".")
    assert parts[0] == package, module
    if len(parts) == 1:
        return "package"
    head = parts[1]
    if head in BASE:
        return "base"
    if head in RANKS and head not in ("base", "package"):
        return head
    raise KeyError(f"{module} belongs to no layer: add {head!r} to RANKS in tests/test_layers.py")


def module_name(path: Path, root: Path) -> str:
    """``root/a/b.py`` -> ``<root.name>.a.b``; ``root/a/__init__.py`` -> ``<root.name>.a``."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _module_level(tree: ast.Module):
    """Import nodes that run when the module is imported: not inside a function, not under TYPE_CHECKING."""
    found = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for orelse in child.orelse:
                    visit(ast.Module(body=[orelse], type_ignores=[]))
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            visit(child)

    visit(tree)
    return {id(node) for node in found}


def imports_of(path: Path, root: Path) -> list[tuple[str, int, bool]]:
    """Every import of the package's own modules in ``path``: ``(module, line, at_module_level)``.

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module, else ``pkg``;
    relative imports are resolved against the module's package.
    """
    name = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top = _module_level(tree)
    known = {module_name(p, root) for p in root.rglob("*.py")}
    found: list[tuple[str, int, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                       for alias in node.names]
        else:
            continue
        for target in targets:
            if target == root.name or target.startswith(root.name + "."):
                while target not in known and "." in target:  # import a.b.c where c is a name
                    target = target.rsplit(".", 1)[0]
                found.append((target, node.lineno, id(node) in top))
    return found


def check_layers(root: Path) -> tuple[list[str], list[list[str]]]:
    """Return the upward imports (as messages) and the import cycles (module-level imports only)."""
    upward = []
    graph = nx.DiGraph()
    for path in sorted(root.rglob("*.py")):
        here = module_name(path, root)
        graph.add_node(here)
        for target, line, at_top in imports_of(path, root):
            if RANKS[layer_of(target, root.name)] > RANKS[layer_of(here, root.name)]:
                upward.append(f"{path.relative_to(root.parent)}:{line} imports {target} "
                              f"({layer_of(target, root.name)} is above {layer_of(here, root.name)})")
            if at_top and target != here:
                graph.add_edge(here, target)
    cycles = sorted(sorted(c) for c in nx.simple_cycles(graph))
    return upward, cycles


def test_every_module_belongs_to_a_layer():
    for path in ROOT.rglob("*.py"):
        assert layer_of(module_name(path, ROOT)) in RANKS


def test_layers_import_only_downwards_and_modules_form_no_cycle():
    upward, cycles = check_layers(ROOT)
    assert upward == []
    assert cycles == []


def test_the_checker_sees_upward_imports_in_functions_relative_imports_and_cycles(tmp_path):
    package = tmp_path / PACKAGE
    for folder in ("matrix", "analysis", "plots"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text('"""x"""\n')
    (package / "__init__.py").write_text('"""x"""\n')
    (package / "errors.py").write_text('"""x"""\n')
    (package / "matrix" / "model.py").write_text(
        "def f():\n    from sdg_interactions.plots import chart\n")  # upward, inside a function
    (package / "analysis" / "one.py").write_text("from . import two\nfrom ..errors import E\n")
    (package / "analysis" / "two.py").write_text("from .one import thing\n")  # one <-> two
    (package / "analysis" / "lazy.py").write_text("def f():\n    from .one import x\n")
    (package / "plots" / "__init__.py").write_text("import sdg_interactions.analysis.lazy\n")
    upward, cycles = check_layers(package)
    assert len(upward) == 1 and "model.py:2 imports sdg_interactions.plots" in upward[0]
    assert cycles == [["sdg_interactions.analysis.one", "sdg_interactions.analysis.two"]]
    assert ("sdg_interactions.errors", 2, True) in imports_of(package / "analysis" / "one.py", package)
    assert imports_of(package / "analysis" / "lazy.py", package) == [("sdg_interactions.analysis.one", 2, False)]
    with pytest.raises(KeyError, match="widgets"):
        layer_of("sdg_interactions.widgets.x")


def test_layer_order_is_the_documented_one():
    assert layer_of("sdg_interactions.catalogue") == "base" and layer_of("sdg_interactions.textfile") == "base"
    order = ["base", "frameworks", "matrix", "io", "analysis", "plots", "report", "cli"]
    assert [RANKS[layer] for layer in order] == sorted(RANKS[layer] for layer in order)
    assert len({RANKS[layer] for layer in order}) == len(order)
    assert RANKS["apps"] == RANKS["report"] > RANKS["plots"]


def test_import_keeps_heavy_libraries_out():
    code = f"import sys, sdg_interactions; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_a_scoring_kernel_loads_neither_the_analysis_nor_networkx():
    """A workshop participant's kernel imports the scoring app; every second it takes is multiplied by the
    participants opening their links at once (bench/bench_workshop.py). ``import sdg_interactions`` loads its
    names on first use, and networkx only when a graph is made or read."""
    code = ("import sys, sdg_interactions.apps.scoring; "
            "print(','.join(m for m in ('networkx', 'sdg_interactions.analysis', 'altair') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""
    code = "import sdg_interactions as si; print(si.load_matrix('weitz2018_sweden').shape, si.analysis.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["(34,", "34)", "sdg_interactions.analysis"]  # the names and layers are still there


def _has_all(tree: ast.Module) -> bool:
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
    return False


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_is_small_documented_and_declares_all(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    assert len(source.splitlines()) < MAX_LINES, f"{path.name} has {len(source.splitlines())} lines"
    assert _has_all(tree), f"{path.name} has no __all__"
    module = importlib.import_module(module_name(path, ROOT))
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == [], f"{path.name}: __all__ names what it lacks"


def test_no_submodule_is_shadowed_by_a_name_of_its_package():
    """``import sdg_interactions.analysis.scenarios as m`` gives the module: no package re-exports a function under the
    name of one of its own modules (the function ``analysis.scenario`` lives in ``analysis/scenarios.py``)."""
    import importlib
    import pkgutil
    import types

    shadowed = []
    for path in sorted(ROOT.rglob("__init__.py")):
        package = importlib.import_module(module_name(path, ROOT))
        for info in pkgutil.iter_modules(package.__path__):
            value = getattr(package, info.name, None)
            if value is not None and not isinstance(value, types.ModuleType):
                shadowed.append(f"{package.__name__}.{info.name} ({type(value).__name__})")
    assert not shadowed, "names that hide a submodule:\n" + "\n".join(shadowed)
