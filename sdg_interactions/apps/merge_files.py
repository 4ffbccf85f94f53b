"""Which files a workshop merge reads: every entry of ``uppladdat/`` is read or named, no link is followed.

:func:`upload_files` walks ``uppladdat/`` and its sub-folders, down to :data:`UPLOAD_DEPTH` levels, and
returns the files to read and a :class:`Skipped` for every entry it does not read (a symbolic link, a
FIFO, socket or device, a folder that cannot be read or lies deeper, a file of an unknown type);
:func:`regular_file` is the check for one file, used for the journals in ``svar/`` too. Only hidden
entries (``.DS_Store``, ``.ipynb_checkpoints``) and Office's lock files (``~$x.xlsx``) are passed over
without a word. Nothing is opened here: entries are looked at with ``lstat`` alone, so a link to
``/etc/passwd`` or a FIFO never has a byte read. :mod:`sdg_interactions.apps.merge` turns each
:class:`Skipped` into a :class:`~sdg_interactions.apps.merge.Problem`.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from sdg_interactions.apps.workshop import UPLOAD_DIR
from sdg_interactions.errors import locate, shorten
from sdg_interactions.io import EXTENSIONS

__all__ = ["READABLE", "UPLOAD_DEPTH", "Skipped", "regular_file", "upload_files"]

#: How deep :func:`upload_files` reads sub-folders of ``uppladdat/`` (``uppladdat/a/b/c/x.csv`` at most);
#: a folder deeper down is named, not read.
UPLOAD_DEPTH = 3
#: What the merge can read from ``uppladdat/``, in words.
READABLE = "a long CSV (respondent, source, target, score), a wide CSV, the Excel template (.xlsx) or NetCDF (.nc)"


@dataclass(frozen=True)
class Skipped:
    """An entry the merge does not read.

    Attributes
    ----------
    file : str
        The entry, relative to the workshop folder (``"uppladdat/gammalt/x.pdf"``).
    reason : str
        ``"link"`` (a symbolic link: never followed), ``"special"`` (a FIFO, socket, device, or a folder
        where a file was expected), ``"folder"`` (a folder that cannot be read), ``"deep"`` (a folder
        more than :data:`UPLOAD_DEPTH` levels down) or ``"type"`` (an unknown file type).
    message : str
        The whole of it in English, naming the entry and what would be valid.
    """

    file: str
    reason: str
    message: str


def _skipped(file: str, reason: str, problem: str, valid: str) -> Skipped:
    return Skipped(file, reason, locate(f"not read: {problem}", file=file, valid=valid))


def regular_file(path: Path, file: str, valid: str) -> Skipped | None:
    """None for a regular file; else why it is not read (a link is never followed, nothing is opened).

    Examples
    --------
    >>> regular_file(Path("/dev/null"), "svar/x.jsonl", "a journal file").message
    'svar/x.jsonl: not read: a device, not a regular file. Valid: a journal file.'
    """
    try:
        info = os.lstat(path)
    except OSError as error:
        return _skipped(file, "special", f"cannot be looked at ({error.strerror})", valid)
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return _skipped(file, "link", "a symbolic link (links are never followed)", valid)
    kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return _skipped(file, "special", f"{kind}, not a regular file", valid)


def upload_files(folder: str | os.PathLike) -> tuple[list[Path], list[Skipped]]:
    """The files to read in the workshop folder's ``uppladdat/`` (by path), and every entry not read.

    Sub-folders are read down to :data:`UPLOAD_DEPTH` levels; a deeper folder is named. A file is read
    if its extension is one :func:`~sdg_interactions.io.read_matrix` knows, or it has none.
    """
    folder = Path(folder)
    found: list[Path] = []
    skipped: list[Skipped] = []

    def walk(place: Path, depth: int) -> None:
        try:
            entries = sorted(os.scandir(place), key=lambda entry: entry.name)
        except OSError as error:
            skipped.append(_skipped(place.relative_to(folder).as_posix(), "folder",
                                    f"the folder cannot be read ({error.strerror})", "a folder the merge may read"))
            return
        for entry in entries:
            if entry.name.startswith((".", "~$")):
                continue
            path = Path(entry.path)
            file = path.relative_to(folder).as_posix()
            if entry.is_dir(follow_symlinks=False):
                if depth < UPLOAD_DEPTH:
                    walk(path, depth + 1)
                else:
                    skipped.append(_skipped(file, "deep", f"a folder more than {UPLOAD_DEPTH} levels down",
                                            f"answer files at most {UPLOAD_DEPTH} folders down in {UPLOAD_DIR}/"))
            elif (not_regular := regular_file(path, file, READABLE)) is not None:
                skipped.append(not_regular)
            elif path.suffix and path.suffix.lower() not in EXTENSIONS:
                skipped.append(_skipped(file, "type", f"unknown file type {shorten(path.suffix)!r}", READABLE))
            else:
                found.append(path)

    if (folder / UPLOAD_DIR).is_dir():
        walk(folder / UPLOAD_DIR, 0)
    return found, skipped
