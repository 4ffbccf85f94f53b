"""The command line's last lines of defence: unexpected errors, signals, hostile text, overwriting an input.

* :func:`unexpected_message`: what :func:`sdg_interactions.cli.main` prints for any exception that is not the
  library's own: one line with a hint to run again with ``--debug`` (:func:`take_debug`), which shows the
  traceback too; exit code 2.
* :func:`install_signal_handlers`: on SIGTERM or SIGINT the command stops every process it started (report
  kernels, Voilà, …: its descendants, found with :mod:`psutil` on every OS; SIGTERM, then SIGKILL after a
  grace period), removes the temporary files it was writing (:func:`~sdg_interactions.textfile.remove_pending`;
  files under their final names are always complete) and exits with ``128 + signal`` after one line.
* :func:`printable`: text from a user's file (a comment, a label) as the terminal may show it: ANSI and OSC
  escape sequences and every other control character removed.
* :func:`refuse_overwriting_input`: ``analyse m.csv --out m.csv`` is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import psutil

from sdg_interactions.errors import UNSAFE_TEXT, ValidationError, locate, shorten, tr
from sdg_interactions.textfile import remove_pending
from sdg_interactions.texts import text

__all__ = [
    "DEBUG_FLAG",
    "EXIT_BAD_INPUT",
    "descendants",
    "install_signal_handlers",
    "printable",
    "refuse_overwriting_input",
    "signal_guard",
    "stop_descendants",
    "take_debug",
    "unexpected_message",
]

#: The flag (anywhere on the command line) that shows the traceback of an unexpected error.
DEBUG_FLAG = "--debug"
EXIT_BAD_INPUT = 2

# ESC [ … final byte (CSI: colours, cursor moves), ESC ] … BEL or ESC \ (OSC: titles, hyperlinks, clipboard),
# ESC P/X/^/_ … ESC \ (DCS, SOS, PM, APC), and two-byte ESC sequences.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
                      r"|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*[\x07\x9c]?")
# Every other control character (C0, DEL, C1) and the bidirectional overrides that reorder what is shown.
_CONTROLS = UNSAFE_TEXT  # control characters but newline and tab, and the bidi controls (one definition)


def printable(value: object, *, one_line: bool = True) -> str:
    """``value`` as text safe to print on a terminal: escape sequences and control characters removed.

    With ``one_line`` (the default) tabs and line breaks become spaces too.

    Examples
    --------
    >>> link = "\\x1b]8;;http://x\\x1b\\\\link\\x1b]8;;\\x1b\\\\"
    >>> printable("ok \\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 " + link + " a\\nb\\x07")
    'ok red  link a b'
    """
    text_ = _ESCAPES.sub("", str(value))
    if one_line:
        text_ = re.sub(r"[\t\r\n]+", " ", text_)
    return _CONTROLS.sub("", text_)


def take_debug(argv: Sequence[str] | None) -> tuple[list[str], bool]:
    """Remove :data:`DEBUG_FLAG` from the arguments (``sys.argv[1:]`` for None); return them and whether it was
    there.

    Examples
    --------
    >>> take_debug(["analyse", "--debug", "m.csv"])
    (['analyse', 'm.csv'], True)
    """
    args = list(sys.argv[1:] if argv is None else argv)
    return [a for a in args if a != DEBUG_FLAG], DEBUG_FLAG in args


def unexpected_message(error: BaseException, lang: str = "sv") -> str:
    """What to say about an exception that is not the library's own: its kind, its message (cut to 200
    characters, control characters removed) and the hint to run again with ``--debug``.

    Examples
    --------
    >>> unexpected_message(KeyError("x"), "en")
    "unexpected error (KeyError: 'x'); run again with --debug to see where"
    """
    message = printable(shorten(str(error) or "-", 200))
    return text("reliability.stopped.unexpected", lang, kind=type(error).__name__, message=message)


def refuse_overwriting_input(out: str | os.PathLike | None, inputs: Iterable[object], *,
                             option: str = "--out") -> None:
    """Raise :class:`~sdg_interactions.errors.ValidationError` if ``out`` names the same file as one of the
    ``inputs`` (the same path, or a link or hard link to it). Inputs that are not paths (bundled names) are
    skipped.

    Examples
    --------
    >>> refuse_overwriting_input("m.csv", ["./m.csv"])
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: column '--out': the output would overwrite an input file: 'm.csv'. Valid: another file name for --out.
    """  # noqa: E501
    if not out:
        return
    target = Path(out)
    for source in inputs:
        if not isinstance(source, (str, os.PathLike)) or not str(source):
            continue
        path = Path(source)
        same = False
        with contextlib.suppress(OSError):
            same = target.exists() and path.exists() and os.path.samefile(target, path)
        if same or target.resolve() == path.resolve():
            raise ValidationError(locate(tr("cli.overwrite"), column=option, value=str(out),
                                         valid=tr("cli.valid_overwrite", option=option)))


# --- processes ---------------------------------------------------------------------------------------


def _descendants(pid: int | None = None) -> list[psutil.Process]:
    """The living descendants of ``pid`` (default: this process), children first; [] if it is gone."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def descendants(pid: int | None = None) -> list[int]:
    """Every living process started by ``pid`` (default: this one) or by its descendants, on every OS.

    Kernels run in sessions of their own, so their process group is not this one's: the tree is walked
    (:meth:`psutil.Process.children`).
    """
    return [process.pid for process in _descendants(pid)]


def stop_descendants(grace: float = 2.0) -> list[int]:
    """SIGTERM every descendant of this process, SIGKILL the ones still alive after ``grace`` seconds; return
    the pids that were signalled."""
    processes = _descendants()
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    deadline = time.monotonic() + grace
    alive = list(processes)
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [process for process in alive if _alive(process)]
    for process in alive + _descendants():  # also what they started meanwhile
        with contextlib.suppress(psutil.Error):
            process.kill()  # psutil checks the pid still names the process it found: a reused pid is spared
    return [process.pid for process in processes]


def _alive(process: psutil.Process) -> bool:
    """Whether ``process`` still runs; our own child that ended is reaped, a zombie counts as ended."""
    try:
        process.wait(timeout=0)  # reaps it if it is our child
        return False
    except psutil.TimeoutExpired:
        with contextlib.suppress(psutil.Error):
            return process.status() != psutil.STATUS_ZOMBIE
        return False
    except psutil.Error:
        return False


def install_signal_handlers(lang: str = "sv", signals: Iterable[int] = (signal.SIGTERM, signal.SIGINT)) -> bool:
    """Make SIGTERM and SIGINT stop the command cleanly (see the module docstring); return whether they were
    installed (only the main thread can)."""
    signals = tuple(signals)

    def stop(signum: int, frame) -> None:
        for other in signals:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(other, signal.SIG_IGN)  # once is enough
        with contextlib.suppress(Exception):
            stop_descendants()
        with contextlib.suppress(Exception):
            remove_pending()
        with contextlib.suppress(Exception):
            line = text("reliability.stopped.signal", lang, signal=signal.Signals(signum).name)
            sys.stderr.write(("\n" if sys.stderr.isatty() else "") + text("cli.error", lang, message=line) + "\n")
            sys.stderr.flush()
        os._exit(128 + signum)

    try:
        for number in signals:
            signal.signal(number, stop)
    except ValueError:  # not the main thread
        return False
    return True


@contextlib.contextmanager
def signal_guard(lang: str = "sv"):
    """:func:`install_signal_handlers` for the block only; the handlers before it come back afterwards (so a
    test that calls ``main()`` leaves its runner's Ctrl-C alone)."""
    numbers = (signal.SIGTERM, signal.SIGINT)
    before = {number: signal.getsignal(number) for number in numbers}
    installed = install_signal_handlers(lang, numbers)
    try:
        yield installed
    finally:
        if installed:
            for number, handler in before.items():
                with contextlib.suppress(ValueError, OSError, TypeError):
                    signal.signal(number, handler)
