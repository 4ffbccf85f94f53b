"""Every error the library raises on purpose can be said in Swedish and in English.

The command line and the apps print ``error.words(lang)``; that is Swedish only when the message was built
from the catalogue (:func:`sdg_interactions.errors.tr`, :func:`~sdg_interactions.errors.locate` with a
``tr`` problem and ``valid``). This test reads the library's source and fails on any raise of one of our
error classes whose message is an English literal, and on any ``tr``/``text`` key the catalogue lacks.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from sdg_interactions import errors
from sdg_interactions.texts import catalogue

PACKAGE = Path(errors.__file__).parent


def _name(func: ast.AST) -> str:
    return getattr(func, "id", getattr(func, "attr", ""))


def _english(node: ast.AST) -> bool:
    """True if ``node`` is (or holds) a message written as an English literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _english(node.left) or _english(node.right)
    if isinstance(node, ast.Call) and _name(node.func) == "locate":
        return (bool(node.args) and _english(node.args[0])) or any(
            keyword.arg == "valid" and _english(keyword.value) for keyword in node.keywords)
    return False


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE.parent).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _our_error_classes(trees) -> set[str]:
    ours = {name for name, value in vars(errors).items()
            if inspect.isclass(value) and issubclass(value, errors.SdgInteractionsError)}
    grew = True
    while grew:  # subclasses defined in other modules, and their subclasses
        grew = False
        for _, tree in trees:
            for node in ast.walk(tree):
                if (isinstance(node, ast.ClassDef) and node.name not in ours
                        and any(_name(base) in ours for base in node.bases)):
                    ours.add(node.name)
                    grew = True
    return ours


def english_messages() -> list[str]:
    """``file:line`` of every raise of our errors (and every ``locate``) with an English literal."""
    trees = list(_sources())
    ours = _our_error_classes(trees)
    found = set()
    for path, tree in trees:
        for node in ast.walk(tree):
            if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc.func) in ours
                    and node.exc.args and _english(node.exc.args[0])):
                found.add(f"{path}:{node.lineno}")
            elif isinstance(node, ast.Call) and _name(node.func) == "locate" and _english(node):
                found.add(f"{path}:{node.lineno}")
    return sorted(found)


def test_every_error_message_comes_from_the_catalogue():
    found = english_messages()
    assert not found, (f"{len(found)} error messages are English literals (build them with errors.tr and a "
                       "catalogue key in both languages):\n" + "\n".join(found))


def test_the_scanner_finds_an_english_literal(tmp_path):
    """The check above can fail: it sees each way an English message is written."""
    samples = {
        'raise ValidationError("score out of range")': True,
        'raise ValidationError(f"score {x} out of range")': True,
        'raise UnknownIdError(locate("no such node", value=x))': True,
        'raise ValidationError(locate(tr("error.where.row", row=1), valid="a number"))': True,
        'raise ValidationError(locate(tr("error.where.row", row=1), valid=tr("error.where.row", row=2)))': False,
        'raise ValidationError(tr("error.no_such_file"))': False,
        'raise RuntimeError("a bug in the package")': False,
    }
    ours = _our_error_classes([])
    for source, english in samples.items():
        node = ast.parse(source).body[0]
        call = node.exc
        said = (_name(call.func) in ours and bool(call.args) and _english(call.args[0]))
        assert said is english, source


def test_every_catalogue_key_named_in_the_code_exists():
    keys = catalogue()
    missing = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and _name(node.func) in {"tr", "text"} and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and node.args[0].value not in keys):
                missing.append(f"{path}:{node.lineno} {node.args[0].value}")
    assert not missing, "catalogue keys that do not exist:\n" + "\n".join(missing)


def test_a_message_from_the_catalogue_differs_by_language():
    words = errors.locate(errors.tr("error.no_such_file"), file="a.csv", row=3, column="score", value="4")
    assert str(words) == "a.csv, row 3, column 'score': no such file: '4'."
    assert words.say("sv") == "a.csv, rad 3, kolumn 'score': filen finns inte: '4'."
