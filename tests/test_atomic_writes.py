"""Every file the package writes is written whole or not at all, through the one atomic writer
(:func:`sdg_interactions.textfile.replacing` / :func:`~sdg_interactions.textfile.write_atomic`), issue 19 item 6.

* each writer leaves no temporary file, and a failure before the new file is complete leaves the old one as it
  was (the failure is made where every writer must pass: the fsync of the finished temporary file);
* no module writes a file any other way (read from the source with :mod:`ast`);
* SIGKILL at random moments during ``workshop merge`` (``svar.nc``) and ``template --out mall.xlsx`` leaves
  the old file or the new one, whole.
"""

from __future__ import annotations

import ast
import errno
import json
import os
import queue
import random
import stat
import subprocess
import sys
import textwrap
import threading
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import frameworks, textfile
from sdg_interactions.errors import ValidationError
from sdg_interactions.matrix import from_array, from_long

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "sdg_interactions"

# --- every writer: whole files, no temporary file left, the old file kept on a failure ---------------------


def _matrix(scale: int, respondents: list[str] | None = None):
    ids = ["7.2", "11.6", "13.2"]
    values = np.array([[np.nan, 2, -1], [0, np.nan, 3], [1, -2, np.nan]]) * scale
    if respondents:
        values = np.stack([values, -values])
    return from_array(np.clip(values, -3, 3), ids, respondents=respondents)


def _dataset(comment: str):
    return from_long(pd.DataFrame({"source": ["7.2", "13.2"], "target": ["11.6", "7.2"], "score": ["2", "-1"],
                                   "comment": [comment, "två\nrader"], "uncertain": ["ja", ""]}))


def _document(words: str):
    from sdg_interactions.report.document import Document, Heading, Paragraph

    return Document("Rapport", "sv", [Heading("Å ä ö"), Paragraph(words)])


def _chart(scale: int):
    from sdg_interactions.plots import heatmap

    return heatmap(_matrix(scale))


def _report(words: str, path: Path):
    from sdg_interactions.report.writers import write

    write(_document(words), path)


def _kolada(content, path: Path):
    from sdg_interactions.frameworks.kolada_cache import KoladaCache

    cache = KoladaCache(path.parents[2])  # <cache>/values/<kpi>/<area>.json
    record = {"kpi": "N00945", "municipality": "0180", "period": 2020,
              "values": [{"gender": "T", "count": 1, "status": "", "value": content}]}
    cache.write("N00945", "0180", [record], years=[2020])


def _kolada_path(folder: Path) -> Path:
    return folder / "values" / "N00945" / "0180.json"


def _io(name: str, **options):
    import sdg_interactions.io as io

    return lambda content, path: getattr(io, name)(content, path, **options)


def _styrdokument(example: bool, path: Path):
    from sdg_interactions.io.styrdokument import write_styrdokument_template

    write_styrdokument_template(path, example=example)


def _workshop(respondents: list[str], path: Path):
    from sdg_interactions.io.workshop import plan_workshop, write_workshop

    write_workshop(plan_workshop(["7.2", "11.6", "13.2"], respondents=respondents, by="even"), path)


def _scenario(note: str, path: Path):
    from sdg_interactions.apps._scenario_logic import save_scenario

    save_scenario(path, ["7.2"], [1.5], "weitz2018_sweden", note=note)


def _svg(scale, path):
    from sdg_interactions.plots import to_svg

    to_svg(_chart(scale), path)


def _png(scale, path):
    from sdg_interactions.plots import to_png

    to_png(_chart(scale), path)


def _rows(content, path):
    textfile.write_rows(path, ["a", "b"], [[content, "ö"]])


def _template(respondents: int, path: Path):
    from sdg_interactions.io import write_template

    write_template(["7.2", "11.6", "13.2"], path, respondents=respondents)


def _results(content, path):
    _io("write_results_excel")({"analysis": pd.DataFrame({"node": ["7.2"], "out_sum": [content]})}, path)


#: name -> (file name, writer(content, path), old content, new content). Each writer is called as the package's
#: users call it; old and new give different files.
WRITERS = {
    "write_atomic": ("om.json", lambda c, p: textfile.write_atomic(p, c), '{"a": 1}', '{"a": 2}'),
    "write_rows": ("t.csv", _rows, "gammal", "ny"),
    "netcdf": ("svar.nc", _io("write_matrix"), _dataset("gammal"), _dataset("ny")),
    "long_csv": ("m.csv", _io("write_matrix"), _dataset("gammal"), _dataset("ny")),
    "wide_csv": ("w.csv", _io("write_matrix", format="wide_csv"), _matrix(1), _matrix(2)),
    "table_csv": ("r.csv", _io("write_table_csv"), pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [2]})),
    "graphml": ("m.graphml", _io("write_graphml"), _matrix(1), _matrix(2)),
    "gexf": ("m.gexf", _io("write_gexf"), _matrix(1), _matrix(2)),
    "excel": ("m.xlsx", _io("write_excel"), _matrix(1, ["A", "B"]), _matrix(2, ["A", "B"])),
    "template": ("mall.xlsx", _template, 1, 2),
    "results_excel": ("r.xlsx", _results, 1.5, 2.5),
    "styrdokument_csv": ("s.csv", _styrdokument, True, False),
    "styrdokument_xlsx": ("s.xlsx", _styrdokument, True, False),
    "workshop_plan": ("workshop.json", _workshop, ["Anna"], ["Anna", "Bo"]),
    "kolada_cache": ("0180.json", _kolada, 31.5, 32.5),
    "scenario": ("scenario.json", _scenario, "först", "sedan"),
    "svg": ("karta.svg", _svg, 1, 2),
    "png": ("karta.png", _png, 1, 2),
    **{f"report_{s}": (f"rapport.{s}", _report, "första", "andra") for s in ("html", "md", "docx", "typ", "pdf")},
}


def _target(name: str, folder: Path) -> Path:
    return _kolada_path(folder) if name == "kolada_cache" else folder / WRITERS[name][0]


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", WRITERS)
def test_each_writer_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path, name):
    _, write, old, new = WRITERS[name]
    target = _target(name, tmp_path)
    write(old, target)
    first = target.read_bytes()
    write(new, target)
    assert target.read_bytes() != first  # the new content, under the final name
    assert _listing(tmp_path) == [str(target.relative_to(tmp_path))] and textfile.pending_files() == []


@pytest.mark.parametrize("name", WRITERS)
def test_a_failure_before_the_new_file_is_complete_leaves_the_old_one(tmp_path, name, monkeypatch):
    _, write, old, new = WRITERS[name]
    target = _target(name, tmp_path)
    write(old, target)
    before = target.read_bytes()

    def disk_full(path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(textfile, "_fsync_file", disk_full)
    with pytest.raises((OSError, ValidationError)) as caught:  # the scenario app words it as its own error
        write(new, target)
    assert target.name in str(caught.value) and ".part" not in str(caught.value)  # the user's file, not the temporary
    assert target.read_bytes() == before
    assert _listing(tmp_path) == [str(target.relative_to(tmp_path))] and textfile.pending_files() == []


def test_an_error_while_the_rows_are_made_leaves_the_old_csv(tmp_path):
    target = tmp_path / "t.csv"
    textfile.write_rows(target, ["a"], [["1"]])

    def rows():
        yield ["2"]
        raise RuntimeError("the table broke half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        textfile.write_rows(target, ["a"], rows())
    assert target.read_bytes() == "\ufeffa\r\n1\r\n".encode() and _listing(tmp_path) == ["t.csv"]


def test_an_error_names_the_final_file_not_the_temporary_one(tmp_path):
    missing = tmp_path / "saknas" / "m.nc"
    with pytest.raises(OSError) as caught:
        textfile.write_atomic(missing, "x")
    assert caught.value.filename == str(missing) and ".part" not in str(caught.value)
    with pytest.raises(OSError) as caught:  # a folder under the final name: the rename fails
        (tmp_path / "mapp").mkdir()
        textfile.write_atomic(tmp_path / "mapp", "x")
    assert caught.value.filename == str(tmp_path / "mapp") and ".part" not in str(caught.value)
    assert _listing(tmp_path) == []


def test_the_new_file_keeps_the_old_ones_permissions_and_a_link_stays_a_link(tmp_path):
    target = tmp_path / "svar.csv"
    target.write_text("gammal")
    target.chmod(0o640)
    textfile.write_atomic(target, "ny")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == "ny"
    link = tmp_path / "länk.csv"
    link.symlink_to(target)
    textfile.write_atomic(link, "via länken")
    assert link.is_symlink() and target.read_text() == "via länken"


def test_a_file_the_user_may_not_write_to_is_refused_as_before(tmp_path, monkeypatch):
    target = tmp_path / "skyddad.csv"
    target.write_text("skyddad")
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as for a read-only file (root may write all)
    with pytest.raises(PermissionError) as caught:
        textfile.write_atomic(target, "ny")
    assert caught.value.filename == str(target) and target.read_text() == "skyddad" and _listing(tmp_path) == [
        "skyddad.csv"]


def test_a_private_file_is_private_from_its_first_byte(tmp_path, monkeypatch):
    seen = []
    real = textfile._fsync_file

    def watching(path):
        seen.append(stat.S_IMODE(os.stat(path).st_mode))
        real(path)

    monkeypatch.setattr(textfile, "_fsync_file", watching)
    target = tmp_path / "lankar.json"
    with textfile.replacing(target, mode=0o600) as temporary:
        seen.append(stat.S_IMODE(os.stat(temporary).st_mode))  # created by the writer before any data
        temporary.write_text("{}")
    assert seen == [0o600, 0o600] and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_long_node_list_is_no_file_name(tmp_path):
    from sdg_interactions.io import nodes_from

    ids = frameworks.targets()["id"].tolist()
    assert nodes_from(",".join(ids)) == ids  # 500+ characters: too long for a file name, not an error


# --- no other way to write a file ---------------------------------------------------------------------------

#: Modules that append to a file or create one exclusively, on purpose without the atomic writer (which replaces
#: a file): each with the reason. They may not write a file any other way.
APPENDING = {
    "io/journal.py": "the answer journal is append-only: each line is written and fsynced on its own",
    "apps/server.py": "voila.log is Voilà's own log, appended to while the server runs",
    "apps/claims.py": "a claim file is made with an exclusive create (O_EXCL): the lock between two browsers",
}
_WRITE_METHODS = {"write_text", "write_bytes", "save", "to_netcdf", "to_csv", "to_excel", "to_json",
                  "write_graphml", "write_gexf", "execute_notebook"}
_PATH_KEYWORDS = {"path", "path_or_buf", "filename", "file", "fname", "output_path", "fp"}
_FORBIDDEN = {("os", "replace"), ("os", "rename"), ("shutil", "move"), ("shutil", "copy"), ("shutil", "copyfile"),
              ("tempfile", "mkstemp"), ("tempfile", "NamedTemporaryFile")}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _writes(tree: ast.AST, appending: bool = False) -> list[tuple[int, str]]:
    """Calls that write a file other than through :func:`textfile.replacing`'s temporary path (or into memory: a
    name bound to ``io.BytesIO()`` or ``io.StringIO()``). With ``appending``, opening to append or with an
    exclusive create is allowed (such a file is never replaced), opening to overwrite never."""
    buffers = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
               and isinstance(node.value, ast.Call) and ast.unparse(node.value.func).endswith(("BytesIO", "StringIO"))
               for target in node.targets if isinstance(target, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        arguments = [*node.args, *(k.value for k in node.keywords if k.arg in _PATH_KEYWORDS)]
        into_temporary = any("temporary" in _names(a) for a in arguments) or (
            isinstance(func, ast.Attribute) and "temporary" in _names(func.value))
        if (owner, name) in _FORBIDDEN:
            found.append((node.lineno, f"{owner}.{name}"))
        elif name == "open" and not into_temporary:  # os.fdopen takes what os.open opened
            modes = [a.value for a in [*node.args, *(k.value for k in node.keywords)]
                     if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            flags = ast.unparse(node)
            adds = any(set(m) & set("ax") for m in modes) or any(f in flags for f in ("O_APPEND", "O_EXCL"))
            writes = any(set(m) & set("w+") for m in modes) or "O_TRUNC" in flags or (
                not adds and any(f in flags for f in ("O_WRONLY", "O_RDWR", "O_CREAT")))
            if writes or (adds and not appending):
                found.append((node.lineno, ast.unparse(node)))
        elif (name in _WRITE_METHODS or (owner, name) == ("nbformat", "write")) and not into_temporary:
            if name in ("write_text", "write_bytes") or (arguments and not all(
                    isinstance(a, ast.Name) and a.id in buffers for a in arguments)):
                found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_module_writes_a_file_but_through_the_one_atomic_writer():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        found = _writes(ast.parse(path.read_text(encoding="utf-8")), appending=relative in APPENDING)
        if relative == "textfile.py":  # the one writer: one rename, in replacing()
            assert [text for _, text in found] == ["os.replace"]
            continue
        if found:
            offenders[relative] = found
    assert offenders == {}


def test_the_scan_finds_a_plain_write():
    code = textwrap.dedent("""
        def f(path, wb, ds, temporary):
            Path(path).write_text("x")
            wb.save(path)
            ds.to_netcdf(path)
            open(path, "w")
            os.replace(a, b)
            nbformat.write(nb, str(path))
            table.to_csv(path_or_buf=path)
            wb.save(temporary)
            temporary.write_bytes(b"")
            open(path, "rb")
            table.to_csv(index=False)
            buffer = io.BytesIO()
            word.save(buffer)
            open(path, "ab")
            os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    """)
    assert [line for line, _ in _writes(ast.parse(code))] == [3, 4, 5, 6, 7, 8, 9, 16, 17, 18]
    assert [line for line, _ in _writes(ast.parse(code), appending=True)] == [3, 4, 5, 6, 7, 8, 9, 18]


# --- SIGKILL at random moments: the old file or the new one, whole ------------------------------------------

#: A process that imports the package once and forks one child per run (a fresh interpreter takes seconds to
#: import it): the child runs the command (``main(argv)``), the parent kills it with SIGKILL after the delay
#: the test sends and says what it found. The first line gives the measured moments of one run.
SERVER = textwrap.dedent("""
    import contextlib, json, os, signal, sys, time
    from pathlib import Path

    job, work = sys.argv[1], Path(sys.argv[2])
    from sdg_interactions import textfile
    from sdg_interactions.cli import main

    if job == "merge":
        import xarray
        hooked, target = (xarray.Dataset, "to_netcdf"), work / "ws" / "rapporter" / "svar.nc"
        argv = ["workshop", "merge", str(work / "ws"), "--lang", "en"]
        reference = ["workshop", "merge", str(work / "ws"), "--lang", "en", "--out", str(work / "ny.nc")]
    else:
        import openpyxl
        hooked, target = (openpyxl.Workbook, "save"), work / "mall.xlsx"
        head = ["template", "--nodes", (work / "nodes.txt").read_text(), "--respondents", "2", "--lang", "en"]
        argv, reference = [*head, "--out", str(target)], [*head, "--out", str(work / "ny.xlsx")]
    old = (work / ("gammal" + target.suffix)).read_bytes()
    marks, told = {}, [None]
    cls, name = hooked
    library_write, publish = getattr(cls, name), textfile.sync_folder

    def writing(*args, **kwargs):
        marks["write"] = time.perf_counter()
        if told[0] is not None:
            os.write(told[0], b"w")  # the parent may count its moment from here
        return library_write(*args, **kwargs)

    def published(folder):
        marks["published"] = time.perf_counter()
        publish(folder)

    setattr(cls, name, writing)
    textfile.sync_folder = published
    log = os.open(work / "child.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def parts():
        return sorted(p.name for p in target.parent.iterdir() if p.name.startswith("." + target.name + "."))

    def run(delay, after_write=False):
        target.write_bytes(old)
        for name in parts():
            (target.parent / name).unlink()
        reading, told[0] = os.pipe()
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os.close(reading)
            os.dup2(log, 1)
            os.dup2(log, 2)
            try:
                code = main(argv)
                if delay is None:  # the moments of this run, on the clock the parent reads too
                    (work / "marks.json").write_text(json.dumps(marks))
            except BaseException:
                import traceback
                traceback.print_exc()
                code = 3
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        os.close(told[0])
        told[0] = None
        if after_write:  # the moment counts from the start of the library's write
            os.read(reading, 1)  # b"" if the child died first
            delay += time.perf_counter() - started
        if delay is not None:
            time.sleep(max(delay - (time.perf_counter() - started), 0))
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(reading)
        return {"started": started, "seconds": time.perf_counter() - started, "killed": os.WIFSIGNALED(status),
                "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None, "parts": parts()}

    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the reports
        if main(reference) not in (0, 1):
            sys.exit("the reference run failed")
    measured = []
    for _ in range(3):  # the shortest of three runs: the machine may be busy
        whole = run(None)
        child = json.loads((work / "marks.json").read_text())
        measured.append({"seconds": whole["seconds"], "write": child["write"] - whole["started"],
                         "window": child["published"] - child["write"], "exit": whole["exit"],
                         "killed": whole["killed"]})
    print(json.dumps({key: min(m[key] for m in measured) if key != "exit" else max(m[key] for m in measured)
                      for key in measured[0]}), flush=True)
    for line in sys.stdin:
        kind, delay = line.split()
        print(json.dumps(run(float(delay), after_write=kind == "write")), flush=True)
""")


def _serve(job: str, work: Path) -> tuple[subprocess.Popen, queue.Queue]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    server = subprocess.Popen([sys.executable, "-c", SERVER, job, str(work)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=open(work / "server.log", "w"), text=True, env=env)
    lines: queue.Queue = queue.Queue()

    def read():
        for line in server.stdout:
            if line.startswith("{"):
                lines.put(json.loads(line))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return server, lines


def _next(lines: queue.Queue, work: Path) -> dict:
    try:
        message = lines.get(timeout=120)
    except queue.Empty:
        message = None
    if message is None:
        logs = [(work / name).read_text()[-3000:] for name in ("server.log", "child.log") if (work / name).exists()]
        pytest.fail("the writing process stopped answering: " + "\n".join(logs))
    return message


def _kill_at_random_moments(job: str, work: Path, target: Path, whole_and_new, seed: int) -> dict:
    """Kill the command with SIGKILL at 24 random moments of its run: 12 anywhere from its start, 12 while the
    library writes the file. After each the target is the old file or the whole new one. A moment the run did not
    live to see (it had finished: the machine was quicker than when the run was measured) is drawn again, from a
    shorter span."""
    old = target.read_bytes()
    (work / ("gammal" + target.suffix)).write_bytes(old)
    server, lines = _serve(job, work)
    outcomes = {"old": 0, "new": 0, "killed": 0, "mid-write": 0, "finished first": 0}
    try:
        first = _next(lines, work)
        assert first["exit"] == 0 and not first["killed"], first
        assert target.read_bytes() != old and whole_and_new(target)  # the judge knows a new file when it sees one
        rng = random.Random(seed)
        spans = {"start": first["seconds"], "write": first["window"]}
        wanted = {"start": 12, "write": 12}
        while any(wanted.values()):
            assert outcomes["finished first"] <= 36, outcomes
            kind = rng.choice([k for k, n in wanted.items() if n])
            moment = rng.uniform(0, spans[kind])
            server.stdin.write(f"{kind} {moment}\n")
            server.stdin.flush()
            report = _next(lines, work)
            assert target.exists(), (kind, moment, report)
            if target.read_bytes() == old:
                outcomes["old"] += 1
            else:
                assert whole_and_new(target), (kind, moment, report)
                outcomes["new"] += 1
            if report["killed"]:
                wanted[kind] -= 1
                outcomes["killed"] += 1
                outcomes["mid-write"] += bool(report["parts"])  # killed while its temporary file was there
            else:
                outcomes["finished first"] += 1
                spans[kind] *= 0.8
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    assert outcomes["killed"] == 24 and outcomes["mid-write"] >= 6, outcomes  # the write itself was hit, often
    return outcomes


def _workshop_with_answers(folder: Path, ids: list[str], names: list[str]) -> Path:
    from sdg_interactions.apps.workshop import journal_path, new_workshop
    from sdg_interactions.io.journal import Journal

    if not folder.exists():
        new_workshop(folder, ids, kommun="Habo", respondents=4)
    for k, name in enumerate(names):
        with Journal(journal_path(folder, name), name) as journal:
            for i in range(30):
                journal.record(ids[i], ids[(i + 1 + k) % len(ids)], (i + k) % 7 - 3, comment=f"tanke {i} – {name}")
    return folder


def _same_netcdf(reference: Path):
    with xr.open_dataset(reference, engine="netcdf4") as ds:
        expected = ds.load()

    data = reference.read_bytes()

    def whole_and_new(path: Path) -> bool:
        if path.read_bytes() == data:  # the same answers make the same bytes
            return True
        try:
            with xr.open_dataset(path, engine="netcdf4") as ds:
                return ds.load().identical(expected)
        except (OSError, ValueError, KeyError):  # a truncated file: "NetCDF: HDF error", ...
            return False

    return whole_and_new


def _same_workbook(reference: Path):
    with zipfile.ZipFile(reference) as expected:
        contents = {n: expected.read(n) for n in expected.namelist() if n != "docProps/core.xml"}  # core: the time
    sheets = openpyxl.load_workbook(reference, read_only=True).sheetnames

    def whole_and_new(path: Path) -> bool:
        try:
            with zipfile.ZipFile(path) as written:
                if written.testzip() is not None or set(written.namelist()) - {"docProps/core.xml"} != set(contents):
                    return False
                same = all(written.read(n) == data for n, data in contents.items())
            return same and openpyxl.load_workbook(path, read_only=True).sheetnames == sheets
        except (zipfile.BadZipFile, OSError, KeyError, EOFError):  # a truncated workbook
            return False

    return whole_and_new


class _LazyJudge:
    """The judge of a new file, made from the reference file once the server has written it."""

    def __init__(self, make, reference: Path):
        self.make, self.reference, self.judge = make, reference, None

    def __call__(self, path: Path) -> bool:
        if self.judge is None:
            self.judge = self.make(self.reference)
        return self.judge(path)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")
def test_sigkill_during_workshop_merge_leaves_the_old_or_the_new_svar_nc_whole(tmp_path):
    from sdg_interactions.cli import main

    ids = frameworks.targets()["id"].tolist()  # 169 targets: a 4 × 169 × 169 answer set, ~6 MB of NetCDF
    folder = _workshop_with_answers(tmp_path / "ws", ids, ["Älg 1", "Räv 2", "Uggla 3"])
    assert main(["workshop", "merge", str(folder), "--lang", "en"]) == 0
    target = folder / "rapporter" / "svar.nc"
    _workshop_with_answers(folder, ids, ["Lo 4"])  # one more participant: the next merge writes a new file
    _kill_at_random_moments("merge", tmp_path, target, _LazyJudge(_same_netcdf, tmp_path / "ny.nc"), seed=1961)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")
def test_sigkill_during_template_out_leaves_the_old_or_the_new_workbook_whole(tmp_path):
    from sdg_interactions.io import write_template

    ids = frameworks.targets()["id"].tolist()
    (tmp_path / "nodes.txt").write_text(",".join(ids))
    target = tmp_path / "mall.xlsx"
    write_template(ids, target, respondents=1, lang="en")  # the old template: one respondent sheet
    _kill_at_random_moments("template", tmp_path, target, _LazyJudge(_same_workbook, tmp_path / "ny.xlsx"), seed=1962)
