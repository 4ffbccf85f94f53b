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
from sdg_interactions.errors import Words, locate, shorten, tr
from sdg_interactions.io import EXTENSIONS

__all__ = ["READABLE", "UPLOAD_DEPTH", "Skipped", "regular_file", "upload_files"]

#: How deep :func:`upload_files` reads sub-folders of ``uppladdat/`` (``uppladdat/a/b/c/x.csv`` at most);
#: a folder deeper down is named, not read.
UPLOAD_DEPTH = 3
#: What the merge can read from ``uppladdat/``, in words (both languages: :class:`~sdg_interactions.errors.Words`).
READABLE = tr("error.apps.valid_readable")


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
    message : Words
        The whole of it, naming the entry and what would be valid: ``str`` is the English,
        ``message.say(lang)`` the user's language.
    """

    file: str
    reason: str
    message: Words


def _skipped(file: str, reason: str, problem: Words, valid: str | Words) -> Skipped:
    return Skipped(file, reason, locate(tr("error.apps.not_read", problem=problem), file=file, valid=valid))


def regular_file(path: Path, file: str, valid: str | Words) -> Skipped | None:
    """None for a regular file; else why it is not read (a link is never followed, nothing is opened).

    Examples
    --------
    >>> message = regular_file(Path("/dev/null"), "svar/x.jsonl", tr("error.valid_journal_file")).message
    >>> message
    'svar/x.jsonl: not read: a device, not a regular file. Valid: a journal file.'
    >>> message.say("sv")
    'svar/x.jsonl: läses inte: en enhet, ingen vanlig fil. Giltigt: en journal från workshopen.'
    """
    try:
        info = os.lstat(path)
    except OSError as error:
        return _skipped(file, "special", tr("error.apps.cannot_look", reason=error.strerror), valid)
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return _skipped(file, "link", tr("error.apps.symlink"), valid)
    kind = (tr("error.apps.kind.folder") if stat.S_ISDIR(mode) else tr("error.apps.kind.fifo") if stat.S_ISFIFO(mode)
            else tr("error.apps.kind.socket") if stat.S_ISSOCK(mode) else tr("error.apps.kind.device"))
    return _skipped(file, "special", tr("error.apps.not_regular", kind=kind), valid)


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
                                    tr("error.apps.folder_unreadable", reason=error.strerror),
                                    tr("error.apps.valid_folder")))
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
                    skipped.append(_skipped(file, "deep", tr("error.apps.too_deep", depth=UPLOAD_DEPTH),
                                            tr("error.apps.valid_depth", depth=UPLOAD_DEPTH, folder=UPLOAD_DIR)))
            elif (not_regular := regular_file(path, file, READABLE)) is not None:
                skipped.append(not_regular)
            elif path.suffix and path.suffix.lower() not in EXTENSIONS:
                skipped.append(_skipped(file, "type", tr("error.unknown_file_type", suffix=repr(shorten(path.suffix))),
                                        READABLE))
            else:
                found.append(path)

    if (folder / UPLOAD_DIR).is_dir():
        walk(folder / UPLOAD_DIR, 0)
    return found, skipped
