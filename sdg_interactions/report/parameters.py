"""A report's parameters: checked before anything runs; file names; the template's path.

Parameters are data. :func:`check_parameters` validates every parameter: the kommun goes through
:func:`~sdg_interactions.frameworks.find_kommun` (an unknown one raises
:class:`~sdg_interactions.errors.UnknownKommunError` with close matches) and only its kommunkod is
injected; papermill writes parameters as Python literals (``repr``), so no value is ever run as code.
Per kommun, the output folder gets ``<slug>.ipynb``, ``<slug>.html`` and ``<slug>.pdf``, where the slug is
the kommunkod and the ASCII-folded name (``0305_habo``, ``0114_upplands_vasby``, ``2023_malung_salen``).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sdg_interactions import frameworks
from sdg_interactions.errors import ReportError, SdgInteractionsError, UnknownIdError, ValidationError, locate, tr
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.matrix import AGGREGATIONS, MAX_NODES, check_id, node_ids
from sdg_interactions.ranges import COUNT, check
from sdg_interactions.report.honesty import refuse_unscored
from sdg_interactions.texts import LANGUAGES, text

__all__ = [
    "AUDIENCES",
    "DEFAULT_MATRIX",
    "FORMATS",
    "MATRIX_SUFFIXES",
    "MatrixChoice",
    "check_parameters",
    "find_matrices",
    "find_matrix",
    "report_paths",
    "report_priorities",
    "slug",
    "template_path",
]

#: The audiences of a report: ``politiker`` (two pages) or ``forvaltning`` (full detail).
AUDIENCES = ("politiker", "forvaltning")
#: Output formats besides the executed notebook, which is always written.
FORMATS = ("html", "pdf", "docx")
#: A kommun's own matrix in ``--matrices-dir``: ``<kommunkod><suffix>``, tried in this order.
MATRIX_SUFFIXES = (".csv", ".xlsx", ".nc")


# --- parameters ---------------------------------------------------------------------------------


def slug(place: Mapping[str, str]) -> str:
    """A file name stem safe on every system: the kommunkod and the ASCII-folded name.

    Examples
    --------
    >>> slug(frameworks.find_kommun("Håbo")), slug(frameworks.find_kommun("Malung-Sälen"))
    ('0305_habo', '2023_malung_salen')
    """
    folded = unicodedata.normalize("NFKD", str(place["kommun"]).casefold())
    ascii_name = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")
    code = re.sub(r"[^0-9]", "", str(place["kommunkod"]))
    return f"{code}_{name}" if name else code


def report_paths(output_dir: str | os.PathLike, place: Mapping[str, str]) -> dict[str, Path]:
    """The files of one report: ``{"ipynb": …, "html": …, "pdf": …, "docx": …}``, all directly in ``output_dir``.

    Raises :class:`ReportError` if a path would fall outside ``output_dir`` (it cannot with the slugs
    of :func:`slug`; the check guards the rule anyway).
    """
    root = Path(output_dir).resolve()
    paths = {}
    for suffix in ("ipynb", *FORMATS):
        path = (root / f"{slug(place)}.{suffix}").resolve()
        if path.parent != root:
            raise ReportError(locate(tr("error.report.outside_folder"), value=str(path),
                                     valid=tr("error.report.valid_in_folder", root=root)))
        paths[suffix] = path
    return paths


def _bundled_names() -> list[str]:
    return frameworks.bundled_matrices()["name"].tolist()


@dataclass
class MatrixChoice:
    """Which matrix each kommun's report uses (:func:`find_matrices`).

    ``paths[kommunkod]`` is the matrix (a file in the folder, or the default); ``own`` lists the kommuner
    that got their own file; ``unusable`` the files that were there for a kommun but could not be used,
    each ``(file, reason)`` with the reason in the language asked for.
    """

    paths: dict[str, str] = field(default_factory=dict)
    own: list[str] = field(default_factory=list)
    unusable: list[tuple[str, str]] = field(default_factory=list)

    def lines(self, lang: str = "sv", *, matrices_dir: str | os.PathLike = "", matrix: str = "") -> list[str]:
        """The lines the command line prints: a warning per unusable file, then who got their own matrix."""
        out = [text("reliability.matrices.unusable", lang, file=f, reason=r) for f, r in self.unusable]
        if self.own:
            out.append(text("reliability.matrices.own", lang, path=matrices_dir, n=len(self.own),
                            total=len(self.paths), codes=", ".join(self.own)))
        else:
            out.append(text("reliability.matrices.none", lang, path=matrices_dir, matrix=matrix))
        if self.unusable:
            out.append(text("reliability.matrices.unusable_count", lang, n=len(self.unusable)))
        return out


def _candidates(folder: Path, kommunkod: str) -> list[Path]:
    """The entries of ``folder`` named ``<kommunkod>.<any>`` or ``<kommunkod>_<any>`` (symlinks included)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return sorted(p for p in entries if p.name.split(".")[0] == kommunkod or
                  (p.name.startswith(f"{kommunkod}_") and "." in p.name))


def find_matrices(kommunkoder: Iterable[str], *, matrix: str = DEFAULT_MATRIX,
                  matrices_dir: str | os.PathLike | None = None, lang: str = "sv") -> MatrixChoice:
    """The matrix each kommun's report uses, and what in ``matrices_dir`` could not be used.

    A kommun's own matrix is ``matrices_dir/<kommunkod>.<suffix>`` (else the one file
    ``<kommunkod>_<anything>.<suffix>``), the suffix one of :data:`MATRIX_SUFFIXES` in any case
    (``0305.CSV`` too). A file for a kommun that is a dangling link, not a regular file, or has another
    suffix (``0180.xls``) is listed in ``unusable`` with the reason, and that kommun gets ``matrix``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "0305.CSV").write_text("source,target,score\\n1.1,1.2,1\\n")
    >>> _ = (folder / "0180.xls").write_bytes(b"")
    >>> choice = find_matrices(["0305", "0180", "0114"], matrices_dir=folder, lang="en")
    >>> choice.own, choice.paths["0180"], [(Path(f).name, r) for f, r in choice.unusable]
    (['0305'], 'weitz2018_sweden', [('0180.xls', 'unknown file type .xls (valid: .csv, .xlsx, .nc)')])
    """
    choice = MatrixChoice()
    folder = Path(matrices_dir) if matrices_dir else None
    for code in kommunkoder:
        code = str(code)
        choice.paths[code] = matrix
        if folder is None:
            continue
        usable = []
        for path in _candidates(folder, code):
            if path.suffix.lower() not in MATRIX_SUFFIXES:
                reason = text("reliability.matrices.suffix", lang, suffix=path.suffix or "''",
                              valid=", ".join(MATRIX_SUFFIXES))
            elif path.is_symlink() and not path.exists():
                reason = text("reliability.matrices.dangling", lang)
            elif not path.is_file():
                reason = text("reliability.matrices.not_file", lang)
            else:
                usable.append(path)
                continue
            choice.unusable.append((str(path), reason))
        exact = [p for p in usable if p.stem == code]
        exact.sort(key=lambda p: MATRIX_SUFFIXES.index(p.suffix.lower()))
        chosen = exact[:1] or (usable if len(usable) == 1 else [])
        if not chosen and len(usable) > 1:
            choice.unusable.append((str(folder), text("reliability.matrices.several", lang, code=code,
                                                      files=", ".join(p.name for p in usable))))
        if chosen:
            choice.paths[code] = str(chosen[0].resolve())
            choice.own.append(code)
    return choice


def find_matrix(kommunkod: str, *, matrix: str = DEFAULT_MATRIX,
                matrices_dir: str | os.PathLike | None = None) -> str:
    """The matrix a kommun's report uses: ``matrices_dir/<kommunkod>.(csv|xlsx|nc)`` (suffix in any case) when
    present, else the one file named ``<kommunkod>_<anything>`` with such a suffix (an absolute path), else
    ``matrix``. :func:`find_matrices` also says which files could not be used."""
    return find_matrices([kommunkod], matrix=matrix, matrices_dir=matrices_dir).paths[str(kommunkod)]


def check_parameters(*, kommun: str | int, matrix: str = DEFAULT_MATRIX, aggregate: str = "mean",
                     audience: str = "politiker", lang: str = "sv", top_k: int = 5,
                     priorities: Sequence[str] = (), pseudonymise: bool = True,
                     output_dir: str = ".", matrices_dir: str = "", styrdokument: str = "",
                     framework: str = "", previous: str = "") -> dict:
    """Validate a report's parameters; return them as the template's literals.

    The kommun is looked up with :func:`~sdg_interactions.frameworks.find_kommun` and replaced by its
    kommunkod; a matrix that is not a bundled name must be an existing file (made absolute);
    ``top_k`` a whole number 1 … 2000 (:data:`~sdg_interactions.ranges.COUNT`; more than the matrix's
    nodes shows them all); ``priorities`` must be node ids: nodes of the matrix or real SDG targets outside
    it (``11.6``, ``4.a``: the report names them and says how to include them), in the order given;
    ``matrices_dir`` ("" for none) an existing
    folder of other kommuner's matrices (made absolute), which the report compares this kommun's matrix
    with; ``styrdokument`` ("" for none) the kommun's table of decided goals (read and checked here; made
    absolute) or ``"exempel"``; ``framework`` ("" for none) a table of the kommun's own goals (registered
    here, so its labels reach the report; made absolute); ``previous`` ("" for none) the kommun's previous
    assessment, a bundled name or an existing file (made absolute), for the section "Sedan förra
    bedömningen". A matrix where no pair is scored is refused
    (:func:`~sdg_interactions.report.honesty.refuse_unscored`), in ``lang``. Raises
    :class:`~sdg_interactions.errors.UnknownKommunError`, :class:`~sdg_interactions.errors.UnknownIdError` or
    :class:`~sdg_interactions.errors.ValidationError`.

    Examples
    --------
    >>> check_parameters(kommun="håbo", priorities=["7.2"])["kommun"]
    '0305'
    """
    place = frameworks.find_kommun(kommun)
    if not isinstance(matrix, str) or not matrix:
        raise ValidationError(locate(tr("error.report.matrix_name_or_path"), value=matrix))
    if matrix not in _bundled_names():
        path = Path(matrix)
        if not path.is_file():
            raise ValidationError(locate(tr("error.elsewhere.no_matrix"), value=matrix,
                                         valid=tr("error.elsewhere.valid_matrix", names=", ".join(_bundled_names()))))
        matrix = str(path.resolve())
    choices = {"aggregate": (aggregate, AGGREGATIONS), "audience": (audience, AUDIENCES),
               "lang": (lang, LANGUAGES)}
    for name, (value, valid) in choices.items():
        if value not in valid:
            raise ValidationError(locate(tr("error.report.unknown_parameter", name=name), value=value,
                                         valid=", ".join(valid)))
    top_k = check(top_k, "top_k", COUNT, high=MAX_NODES)  # more than the matrix has: every node
    if isinstance(priorities, str):
        priorities = [p for p in re.split(r"[,\s]+", priorities) if p]
    if framework:
        if not isinstance(framework, str | os.PathLike) or not Path(framework).is_file():
            raise ValidationError(text("report_honesty.framework.missing", lang, value=framework))
        frameworks.register_from_table(framework, replace=True)  # its ids and labels, before the matrix is read
        framework = str(Path(framework).resolve())
    try:
        data = _load(matrix)
    except SdgInteractionsError:  # a file that cannot be read fails in its own report, with the reader's message
        data = None
    if data is not None:
        refuse_unscored(data, file=matrix if matrix not in _bundled_names() else "", lang=lang)
    priorities = report_priorities(priorities, node_ids(data) if data is not None else None, lang)
    if matrices_dir:
        if not isinstance(matrices_dir, str | os.PathLike) or not Path(matrices_dir).is_dir():
            raise ValidationError(locate(tr("error.journal.no_folder"), column="matrices_dir", value=matrices_dir,
                                         valid=tr("error.report.valid_matrices_dir")))
        matrices_dir = str(Path(matrices_dir).resolve())
    if styrdokument:
        from sdg_interactions.io.styrdokument import read_styrdokument

        read_styrdokument(styrdokument)  # a bad table stops the report before anything runs
        if styrdokument != "exempel":
            styrdokument = str(Path(styrdokument).resolve())
    if previous:
        if previous not in _bundled_names():
            if not isinstance(previous, str | os.PathLike) or not Path(previous).is_file():
                raise ValidationError(locate(tr("error.elsewhere.no_matrix"), column="previous", value=previous,
                                             valid=tr("error.elsewhere.valid_matrix",
                                                      names=", ".join(_bundled_names()))))
            previous = str(Path(previous).resolve())
        refuse_unscored(_load(previous), file=previous if previous not in _bundled_names() else "", lang=lang)
    if not isinstance(pseudonymise, bool):
        raise ValidationError(locate(tr("error.report.pseudonymise"), value=pseudonymise))
    return {"kommun": str(place["kommunkod"]), "matrix": matrix, "aggregate": aggregate, "audience": audience,
            "lang": lang, "top_k": int(top_k), "priorities": list(priorities), "pseudonymise": pseudonymise,
            "output_dir": str(output_dir), "matrices_dir": str(matrices_dir or ""),
            "styrdokument": str(styrdokument or ""), "framework": str(framework or ""),
            "previous": str(previous or "")}


def _load(matrix: str):
    """The matrix, read once per file version (a batch of 290 kommuner on one matrix reads it once)."""
    if matrix in _bundled_names():
        return _load_cached(matrix, 0, 0)
    stat = Path(matrix).stat()
    return _load_cached(matrix, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_cached(matrix: str, mtime: int, size: int):
    from sdg_interactions.io import load_dataset

    return load_dataset(matrix)


def report_priorities(priorities: Sequence[str], ids: list[str] | None, lang: str) -> list[str]:
    """Each priority once, as a node of the matrix (``ids``; any well-formed id while they are not known) or a
    real SDG target outside it; refused in ``lang`` otherwise, naming the value and what is valid. The order is
    kept.

    Examples
    --------
    >>> report_priorities(["11.6", " 7.2"], ["7.2", "13.2"], "sv")
    ['11.6', '7.2']
    >>> report_priorities(["banan"], ["7.2", "13.2"], "sv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.UnknownIdError: Prioriteringen banan är inte ett delmål i Agenda 2030 ...
    """
    targets = set(frameworks.targets("en")["id"].astype(str))
    out: list[str] = []
    for raw in priorities:
        value = str(raw).strip()
        try:
            node = check_id(value)
        except ValidationError:
            node = None
        if node is None or (ids is not None and node not in ids and node not in targets):
            raise UnknownIdError(text("report_honesty.priorities.unknown", lang, value=value or "''",
                                      examples=", ".join((ids or ["7.2"])[:3])))
        if node in out:
            raise ValidationError(text("report_honesty.priorities.twice", lang, value=node))
        out.append(node)
    return out


def template_path() -> Path:
    """The report template, ``template.ipynb`` beside this module (inside the package)."""
    return Path(str(resources.files("sdg_interactions.report") / "template.ipynb"))


