"""Every catalogue key is used, and every key the code names exists.

The code names a key as a literal (``text("report.levers.first", lang)``) or builds it from literal parts
(``text(f"{KEY}.intro" + ("_one" if n == 1 else ""), lang)`` with ``KEY = "report_frameworks"`` a constant of
the module). This test reads the package's source and its notebooks, turns every such expression into the set
of keys it can name (a part it cannot read, a variable, stands for any run of characters without a space),
and fails on a catalogue key that no expression can name: a text nobody reads is a text nobody keeps right.
Keys named by a literal that the catalogue lacks are caught by
``tests/test_errors_in_both_languages.py::test_every_catalogue_key_named_in_the_code_exists``.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from sdg_interactions.texts import catalogue

ROOT = Path(__file__).parents[1]
WILD = r"[^ ]+"


def _code_of(path: Path) -> str:
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))


def _sources(root: Path) -> list[tuple[str, str]]:
    paths = sorted((root / "sdg_interactions").rglob("*.py")) + sorted((root / "sdg_interactions").rglob("*.ipynb"))
    paths += sorted((root / "notebooks").glob("*.ipynb"))
    return [(p.relative_to(root).as_posix(), _code_of(p)) for p in paths]


def _constants(tree: ast.AST) -> dict[str, list[str]]:
    """Every string a name is assigned anywhere in the module (``key = "…"``, ``key, x = "…", y``, ``key = "a" if c
    else "b"``); a name also bound to anything else (an argument, a loop variable, another value) may be any text,
    marked by :data:`WILD` among its values."""
    found: dict[str, list[str]] = {}

    def bind(target: ast.AST, value: ast.AST | None) -> None:
        if isinstance(target, ast.Name):
            if isinstance(value, ast.IfExp):
                bind(target, value.body)
                bind(target, value.orelse)
            elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.setdefault(target.id, []).append(re.escape(value.value))
            else:
                found.setdefault(target.id, []).append(WILD)
        elif isinstance(target, ast.Tuple | ast.List):
            values = value.elts if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts) \
                else [None] * len(target.elts)
            for t, v in zip(target.elts, values, strict=True):
                bind(t, v)

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif (isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name)
              and node.target.id in found):  # key += "_here" if … else "": every value so far, with each ending
            ends = _forms(node.value, {})
            found[node.target.id] += [value + end for value in found[node.target.id] for end in ends][:16]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For | ast.comprehension | ast.NamedExpr):
            bind(node.target, getattr(node, "value", None) if isinstance(node, ast.AnnAssign | ast.NamedExpr)
                 else None)
        elif isinstance(node, ast.arg):
            found.setdefault(node.arg, []).append(WILD)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bind(node.optional_vars, None)
    return {name: list(dict.fromkeys(values)) for name, values in found.items()}


def _forms(node: ast.AST, constants: dict[str, list[str]]) -> list[str]:
    """The regular expressions of the strings ``node`` can be (at most 16)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [re.escape(node.value)]
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id][:16]
    if isinstance(node, ast.JoinedStr):
        forms = [""]
        for part in node.values:
            inner = part.value if isinstance(part, ast.FormattedValue) else part
            forms = [f + g for f in forms for g in _forms(inner, constants)][:16]
        return forms
    if isinstance(node, ast.IfExp):
        return (_forms(node.body, constants) + _forms(node.orelse, constants))[:16]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [f + g for f in _forms(node.left, constants) for g in _forms(node.right, constants)][:16]
    return [WILD]


def key_forms(root: Path = ROOT) -> tuple[set[str], list[re.Pattern]]:
    """Every string literal of the sources, and the patterns of every built string with a fixed part of at
    least one dot and four characters (a bare ``f"{a}.{b}"`` names nothing in particular)."""
    literals: set[str] = set()
    patterns: list[re.Pattern] = []
    for _, code in _sources(root):
        tree = ast.parse(code)
        constants = _constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr | ast.BinOp | ast.IfExp) or (
                    isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in constants):
                for form in _forms(node, constants):
                    fixed = form.replace(WILD, "").replace("\\", "")
                    if form != re.escape(fixed) or isinstance(node, ast.BinOp):
                        if "." in fixed and len(fixed) >= 4:
                            patterns.append(re.compile(form + "$"))
                    else:
                        literals.add(fixed)
    return literals, patterns


def unused_keys(keys, root: Path = ROOT) -> list[str]:
    literals, patterns = key_forms(root)
    return sorted(k for k in keys if k not in literals and not any(p.match(k) for p in patterns))


def test_every_catalogue_key_is_used():
    unused = unused_keys(catalogue())
    assert not unused, (f"{len(unused)} catalogue keys that no code names (delete them, or name them as a "
                        "literal or from literal parts):\n" + "\n".join(unused))


def test_the_scanner_sees_literals_built_keys_and_unused_ones(tmp_path):
    package = tmp_path / "sdg_interactions"
    package.mkdir()
    (tmp_path / "notebooks").mkdir()
    (package / "m.py").write_text(
        'KEY = "report.levers"\n'
        'def f(n, lang, which):\n'
        '    text("report.cover.title", lang)\n'
        '    text(f"{KEY}.first" + ("_one" if n == 1 else ""), lang)\n'
        '    text(f"report.words.{which}", lang)\n', encoding="utf-8")
    keys = ["report.cover.title", "report.levers.first", "report.levers.first_one", "report.words.many",
            "report.levers.never", "report.conflicts.first"]
    assert unused_keys(keys, tmp_path) == ["report.conflicts.first", "report.levers.never"]
