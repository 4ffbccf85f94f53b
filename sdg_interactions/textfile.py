"""Text files as the CSV readers see them: encoding, separator, rows, and the injection guard.

* **Encoding**: UTF-8 with or without a byte-order mark, else Windows-1252 (which covers Latin-1's
  letters). Only bytes that neither can decode count as a wrong encoding; the error names the byte,
  its offset and its line. A file that mixes UTF-8 letters with bytes that are not UTF-8 is refused
  too, rather than read as garbled text. Empty and binary files (an Excel workbook or an image
  renamed .csv, UTF-16 text) get an error that says what they are.
* **Separator**: ``,`` or ``;``, sniffed from the header line (or taken from an Excel ``sep=;`` first
  line, which Excel hides, so the row after it is row 1).
* **Rows** are numbered as a spreadsheet shows them (header = row 1), also when a quoted cell holds a
  line break; blank rows are skipped.
* **Injection guard**: a text cell that starts with ``= + - @``, a tab or a carriage return (possibly
  after apostrophes) is written with one more leading ``'``, so a spreadsheet never runs it as a
  formula; readers remove exactly that one ``'`` again.
* **Only regular files** are read (:func:`check_input_file`): a FIFO, a device or a symlink to one
  (``/dev/zero``) is refused before it is opened, and so is a file larger than the reader's stated limit
  (:data:`MAX_CSV_BYTES` for CSV).
* **Files are written whole or not at all** (:func:`replacing`, :func:`write_atomic`): the project's one
  atomic writer, for every file it writes (CSV, NetCDF, Excel, JSON, GraphML, reports, charts, the Kolada
  cache; the answer journals excepted: they are appended to and fsynced line by line). Into a temporary
  name in the same folder, fsynced, renamed over the final name with :func:`os.replace`, then the folder
  fsynced, so SIGKILL or a power cut at any moment leaves the old file or the new one, whole, never a
  truncated file under a final name.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import secrets
import stat
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from sdg_interactions.errors import InputFormatError, Words, locate, tr

__all__ = [
    "MAX_CSV_BYTES",
    "WRITE_ENCODING",
    "check_input_file",
    "guard_text",
    "move_into",
    "nonblank_rows",
    "pending_files",
    "read_cells",
    "read_table",
    "read_text",
    "remove_pending",
    "replacing",
    "sniff_separator",
    "sync_folder",
    "unguard_text",
    "write_atomic",
    "write_rows",
]

#: The largest CSV file the readers take (200 MB: a 2,000-node matrix in long form is about 80 MB).
MAX_CSV_BYTES = 200 * 1024 * 1024

#: Every CSV file the package writes is UTF-8 with a byte-order mark, so Excel opens å, ä, ö right.
WRITE_ENCODING = "utf-8-sig"

_FORMULA_START = frozenset("=+-@\t\r")
# Signatures of binary files someone may save or rename as .csv, and what each is (error.data.textfile.binary.*).
_BINARY = (
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"%PDF", "pdf"),
    (b"CDF\x01", "netcdf"),
    (b"CDF\x02", "netcdf"),
    (b"\x89HDF", "hdf5"),
)
_UTF8_LETTER = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"


def guard_text(value: str) -> str:
    """Return ``value`` made safe for a spreadsheet: one ``'`` before a formula-like start.

    Examples
    --------
    >>> guard_text("=SUM(A1)"), guard_text("-1 is bad"), guard_text("'=x"), guard_text("'hello")
    ("'=SUM(A1)", "'-1 is bad", "''=x", "'hello")
    """
    return "'" + value if value.lstrip("'")[:1] in _FORMULA_START else value


def unguard_text(value: str) -> str:
    """Undo :func:`guard_text`: drop one leading ``'`` if the text after it is formula-like.

    Examples
    --------
    >>> unguard_text("'=SUM(A1)"), unguard_text("''=x"), unguard_text("'hello"), unguard_text("=1")
    ('=SUM(A1)', "'=x", "'hello", '=1')
    """
    if value.startswith("'") and value.lstrip("'")[:1] in _FORMULA_START:
        return value[1:]
    return value


def _name(path: str | os.PathLike) -> str:
    return os.fspath(path)


def _size(number: int) -> str:
    return f"{number / 1024 / 1024:.0f} MB" if number >= 1024 * 1024 else tr("error.data.textfile.bytes", n=number)


def check_input_file(path: str | os.PathLike, *, limit: int, valid: str | None = None, name: str | None = None
                     ) -> int:
    """Check that ``path`` is a regular file (symlinks followed) of at most ``limit`` bytes; return its size.

    Raises :class:`~sdg_interactions.errors.InputFormatError` for a missing path, a folder, a FIFO, a
    device or a socket (refused before anything is opened: reading ``/dev/zero`` never ends) and for a
    file larger than ``limit``. ``valid`` says what the file should be (a :func:`~sdg_interactions.errors.tr`
    text, so the message exists in both languages; "the path of a file" by default); ``name`` is how the
    message names the file (the path by default).

    Examples
    --------
    >>> check_input_file("/dev/zero", limit=100, valid="a CSV file")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.InputFormatError: /dev/zero: this is a device, not a regular file. Valid: a CSV file.
    """
    name = _name(path) if name is None else name
    valid = tr("error.valid_file_path") if valid is None else valid
    try:
        info = os.stat(path)
    except FileNotFoundError:
        problem = tr("error.dangling_link") if os.path.islink(path) else tr("error.no_such_file")
        raise InputFormatError(locate(problem, file=name, valid=tr("error.valid_existing_file"))) from None
    except (OSError, ValueError) as err:
        raise InputFormatError(locate(tr("error.xlsx_cannot_read", reason=str(getattr(err, "strerror", None) or err)),
                                      file=name, valid=valid)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFormatError(locate(tr("error.file_folder"), file=name, valid=valid))
    if not stat.S_ISREG(info.st_mode):
        kind = "fifo" if stat.S_ISFIFO(info.st_mode) else "socket" if stat.S_ISSOCK(info.st_mode) else "device"
        raise InputFormatError(locate(tr("error.data.textfile.not_regular", kind=tr(f"error.data.textfile.{kind}")),
                                      file=name, valid=valid))
    if info.st_size > limit:
        raise InputFormatError(locate(tr("error.file_too_large", size=_size(info.st_size), limit=_size(limit)),
                                      file=name, valid=tr("error.valid_at_most", valid=valid, limit=_size(limit))))
    return info.st_size


def _read_bytes(path: str | os.PathLike, limit: int | None = None) -> bytes:
    name = _name(path)
    limit = MAX_CSV_BYTES if limit is None else limit
    check_input_file(path, limit=limit, valid=tr("error.valid_csv_file"))
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:  # it grew since the check
            raise InputFormatError(locate(tr("error.data.textfile.too_large", limit=_size(limit)), file=name,
                                          valid=tr("error.data.textfile.valid_csv_size", limit=_size(limit))))
        return data
    except FileNotFoundError:
        raise InputFormatError(locate(tr("error.no_such_file"), file=name,
                                      valid=tr("error.valid_existing_file"))) from None
    except IsADirectoryError:
        raise InputFormatError(locate(tr("error.file_folder"), file=name,
                                      valid=tr("error.valid_file_path"))) from None
    except OSError as err:
        raise InputFormatError(locate(tr("error.xlsx_cannot_read", reason=str(err.strerror or err)),
                                      file=name)) from None


def read_text(path: str | os.PathLike) -> tuple[str, str]:
    """Read a text file, detecting its encoding; return ``(text, encoding)``.

    UTF-8 (``"utf-8"``, or ``"utf-8-sig"`` with a byte-order mark, which is dropped) is tried first,
    then Windows-1252 (``"cp1252"``, a superset of Latin-1's letters). Raises
    :class:`~sdg_interactions.errors.InputFormatError` for an empty or binary file (an Excel workbook
    renamed .csv, an image, ...) and for bytes neither encoding can decode, naming the byte, its offset
    and its line.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_bytes("source;target;score;comment\\r\\n1.1;1.2;2;väg\\r\\n".encode("cp1252"))
    >>> text, encoding = read_text(p)
    >>> encoding, text.splitlines()[1]
    ('cp1252', '1.1;1.2;2;väg')
    """
    name = _name(path)
    data = _read_bytes(path)
    if not data.strip(b" \t\r\n" + _BOM):
        raise InputFormatError(locate(tr("error.file_empty"), file=name, valid=tr("error.valid_nonempty")))
    for magic, what in _BINARY:
        if data.startswith(magic):
            kind = tr(f"error.data.textfile.binary.{what}")
            raise InputFormatError(locate(tr("error.data.textfile.not_csv", what=kind), file=name,
                                          valid=tr("error.valid_text")))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputFormatError(locate(tr("error.file_utf16"), file=name, valid=tr("error.valid_text")))
    if b"\x00" in data[:65536]:
        raise InputFormatError(locate(tr("error.file_binary"), file=name, valid=tr("error.valid_text")))
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(_BOM) else "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    if data.startswith(_BOM) or _UTF8_LETTER.search(data):
        raise _decode_error(name, data, utf8_error.start, tr("error.data.textfile.mixed"))
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as err:  # 0x81, 0x8d, 0x8f, 0x90 and 0x9d are undefined in Windows-1252
        raise _decode_error(name, data, err.start, tr("error.data.textfile.neither")) from None


def _decode_error(name: str, data: bytes, offset: int, problem: Words) -> InputFormatError:
    line = data.count(b"\n", 0, offset) + 1
    problem = tr("error.data.textfile.decode", problem=problem, byte=f"{data[offset]:02x}", offset=offset, line=line)
    return InputFormatError(locate(problem, file=name, valid=tr("error.data.textfile.valid_utf8")))


def sniff_separator(text: str) -> str:
    """Return the separator of a CSV text, ``","`` or ``";"``, from its first line.

    The one that occurs more often outside quotes in the first line wins; ``,`` on a tie. An Excel
    ``sep=;`` first line decides by itself.

    Examples
    --------
    >>> sniff_separator('source;target;score;"comment, free text"\\n')
    ';'
    >>> sniff_separator("source,target,score\\r\\n1.1,1.2,\\"2,0\\"")
    ','
    """
    if match := _SEP_LINE.match(text):
        return match[1]
    counts = {",": 0, ";": 0}
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


def read_table(path: str | os.PathLike) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Read a CSV file into its header and its rows of text cells, each with its spreadsheet row.

    Returns ``(header, rows)``: ``rows`` holds ``(row_number, cells)`` pairs, numbered as a spreadsheet
    shows them (header = row 1; a record whose quoted cell holds a line break is one row). Blank rows
    are left out; the header is the first row that is not blank.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text('source,target,score,comment\\n1.1,1.2,2,"two\\nlines"\\n\\n1.2,1.1,0,', "utf-8")
    >>> header, rows = read_table(p)
    >>> header, rows[0], rows[1][0]
    (['source', 'target', 'score', 'comment'], (2, ['1.1', '1.2', '2', 'two\\nlines']), 4)
    """
    header, rows, _ = read_cells(path)
    return header, rows


def read_cells(path: str | os.PathLike) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """:func:`read_table`, and the file's separator (``","`` or ``";"``) as the third item."""
    name = _name(path)
    text, _ = read_text(path)
    separator = sniff_separator(text)
    if match := _SEP_LINE.match(text):  # Excel hides this line: the row after it is row 1
        text = text[match.end():]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    kept: list[tuple[int, list[str]]] = []
    try:
        for numbered in nonblank_rows(reader):
            kept.append(numbered)
    except csv.Error as err:
        row = len(kept) + 1
        raise InputFormatError(locate(tr("error.data.textfile.cannot_split", reason=str(err), line=reader.line_num),
                                      file=name, row=row,
                                      valid=tr("error.data.textfile.valid_split", separator=repr(separator)))) from None
    if not kept:  # only blank lines or separators
        raise InputFormatError(locate(tr("error.file_empty"), file=name, valid=tr("error.valid_nonempty")))
    return kept[0][1], kept[1:], separator


def nonblank_rows(rows: Iterable[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """The rows that hold any text, each with its number counted from 1 over all rows (blank ones too):
    the first is a table's header, the others its rows, as :func:`read_table` and the workbook readers
    split them.

    Examples
    --------
    >>> list(nonblank_rows([["", ""], ["a", "b"], [" "], ["1", ""]]))
    [(2, ['a', 'b']), (4, ['1', ''])]
    """
    return ((number, cells) for number, cells in enumerate(rows, start=1) if "".join(cells).strip())


_PENDING: set[Path] = set()
_PENDING_LOCK = threading.Lock()


@contextlib.contextmanager
def replacing(path: str | os.PathLike, *, mode: int | None = None) -> Iterator[Path]:
    """Write a file whole or not at all: yield a temporary path beside ``path``; on success rename it to
    ``path`` (:func:`os.replace`, atomic on one file system), on an error remove it. The temporary file
    is fsynced before the rename and the folder after it, so after a power cut or SIGKILL the final name
    holds the old file or the new one, whole. This is the project's one atomic writer: every file the
    package writes goes through it (or :func:`write_atomic`), whatever library fills the temporary file
    (NetCDF, openpyxl, networkx, papermill, ...).

    The temporary name is hidden and says what it is (``.<name>.<random>.part<suffix>``, keeping the suffix
    for writers that look at it), so a killed run leaves at most such a file, never a truncated one under
    the final name. While it is written it is listed by :func:`pending_files`.

    As an overwrite in place did, the new file keeps the permission bits of the file it replaces, a file
    the user may not write to is refused (:class:`PermissionError`), and a ``path`` that is a symbolic link
    has the file it points to replaced (the link stays). ``mode`` sets the permission bits instead (e.g.
    ``0o600`` for a file only its owner may read); the temporary file is then created with ``0o600`` before
    the writer puts anything in it. An :class:`OSError` names ``path``, never the temporary name.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "r.html"
    >>> with replacing(p) as tmp:
    ...     _ = tmp.write_text("<p>done</p>")
    ...     p.exists(), tmp.name.startswith(".r.html.") and tmp.name.endswith(".part.html")
    (False, True)
    >>> p.read_text(), [q.name for q in p.parent.iterdir()]
    ('<p>done</p>', ['r.html'])
    """
    final = Path(path)
    if final.is_symlink():  # replace what the link points to, as writing through it did
        final = Path(os.path.realpath(final))
    if os.path.isfile(final) and not os.access(final, os.W_OK):  # open(path, "w") would refuse it
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
    temporary = final.with_name(f".{final.name}.{secrets.token_hex(4)}.part{final.suffix}")
    with _PENDING_LOCK:
        _PENDING.add(temporary)
    try:
        if mode is not None:  # private from the start: created for the owner only, widened at the end
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        yield temporary
        _keep_mode(temporary, final, mode)
        move_into(temporary, final)
    except OSError as error:
        raise _naming(error, temporary, Path(path)) from None
    finally:
        with _PENDING_LOCK:
            _PENDING.discard(temporary)
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _keep_mode(temporary: Path, final: Path, mode: int | None) -> None:
    """Give the written file ``mode``, else the permission bits of the file it replaces (if any)."""
    if mode is None:
        try:
            old = os.stat(final)
        except OSError:
            return
        if not stat.S_ISREG(old.st_mode):
            return
        mode = stat.S_IMODE(old.st_mode)
    with contextlib.suppress(OSError):  # a file of another owner: the rename still replaces it
        os.chmod(temporary, mode)


def _naming(error: OSError, temporary: Path, final: Path) -> OSError:
    """``error`` with the final name where it names the temporary file (the user never chose that name)."""
    def temporary_name(name: object) -> bool:
        if isinstance(name, bytes):
            name = os.fsdecode(name)
        return isinstance(name, str | os.PathLike) and Path(name).name == temporary.name

    if temporary_name(error.filename):
        error.filename = os.fspath(final)
        if error.filename2 is not None and Path(error.filename2) == final:
            error.filename2 = None  # os.replace(temporary, final): one name is enough
    elif temporary_name(error.filename2):
        error.filename2 = os.fspath(final)
    if temporary.name in str(error.strerror or ""):  # some libraries put the name in the message itself
        error.strerror = str(error.strerror).replace(os.fspath(temporary), os.fspath(final))
    return error


def _fsync_file(path: Path) -> None:
    """Flush a written file's bytes to the disk (the writer has closed it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: str | os.PathLike) -> None:
    """fsync a folder, so a created or renamed name in it is durable too (POSIX; a no-op where a folder
    cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def move_into(source: str | os.PathLike, path: str | os.PathLike) -> Path:
    """Move a complete file ``source`` to ``path`` (same file system) in one step: the file is fsync-ed, renamed
    over any old ``path`` and the folder fsync-ed, so ``path`` is the old file or the new one, whole.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("ny")
    >>> move_into(folder / "a.txt", folder / "b.txt").read_text(), (folder / "a.txt").exists()
    ('ny', False)
    """
    source, path = Path(source), Path(path)
    _fsync_file(source)
    os.replace(source, path)
    sync_folder(path.parent)
    return path


def write_atomic(path: str | os.PathLike, data: str | bytes, *, encoding: str = "utf-8",
                 mode: int | None = None) -> Path:
    """Write ``data`` (text in ``encoding``, or bytes) to ``path`` whole or not at all (:func:`replacing`,
    which also says what ``mode`` does).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "om.json"
    >>> write_atomic(p, '{"a": 1}').read_text()
    '{"a": 1}'
    >>> oct(write_atomic(p, "hemligt", mode=0o600).stat().st_mode & 0o777)
    '0o600'
    """
    final = Path(path)
    with replacing(final, mode=mode) as temporary:
        temporary.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return final


def pending_files() -> list[Path]:
    """The temporary files :func:`replacing` is writing now (for a signal handler to remove)."""
    with _PENDING_LOCK:
        return sorted(_PENDING)


def remove_pending() -> list[Path]:
    """Remove the temporary files :func:`replacing` is writing now; return them. Safe in a signal handler's
    last moments: it never raises."""
    removed = []
    for temporary in pending_files():
        with contextlib.suppress(OSError):
            temporary.unlink()
            removed.append(temporary)
    return removed


def write_rows(path: str | os.PathLike, header: list[str], rows) -> None:
    """Write a CSV file of cell text with the stdlib :mod:`csv` writer: ``,`` separated, CRLF line ends
    (RFC 4180, as Excel writes), quotes only where a cell needs them (a ``,``, ``"``, CR or LF inside),
    :data:`WRITE_ENCODING`. Callers guard text cells first (:func:`guard_text`); this writes what it is
    given, whole or not at all (:func:`replacing`: an error while the rows are made leaves the old file).
    """
    with replacing(path) as temporary, open(temporary, "w", encoding=WRITE_ENCODING, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")  # CR and LF both make a cell quoted
        writer.writerow(header)
        writer.writerows(rows)
