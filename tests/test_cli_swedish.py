"""The command line speaks the language asked for in every error a user can cause (issue 20): Swedish by
default, English with ``--lang en``; each message names the value that was wrong.

The cases are bad inputs a new user gives (an unknown kommun, a score of 9, a wrong file, a bad option);
each is run in-process through :func:`sdg_interactions.cli.main` and its one line on stderr is checked for
English function words (under sv) or Swedish ones (under en).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sdg_interactions.cli import main

#: Words of an English sentence; none may show in a Swedish message (quoted values are taken out first).
ENGLISH = re.compile(r"\b(the|is|must|not|no|of|and|cannot|valid|row|column|matches|file|found|folder|"
                     r"such|need|holds|outside|scale|appears|twice|bundled|path)\b", re.IGNORECASE)
#: Words of a Swedish sentence; none may show in an English message.
SWEDISH = re.compile(r"\b(och|inte|finns|ingen|inget|rad|kolumn|giltigt|ska|är|eller|poängen|filen)\b",
                     re.IGNORECASE)

LONG = "source,target,score\n"


FILES = {
    "bad_score.csv": LONG + "1.1,1.2,9\n1.2,1.1,0\n",
    "bad_node.csv": LONG + "1.1,XX,1\nXX,1.1,0\n",
    "no_target.csv": LONG + "1.1,1.20,1\n",
    "header_only.csv": LONG,
    "twice.csv": LONG + "1.1,1.2,1\n1.1,1.2,2\n",
    "itself.csv": LONG + "1.1,1.1,2\n1.1,1.2,1\n",
    "unknown_column.csv": "source,target,score,extra\n1.1,1.2,1,x\n",
    "half.csv": "source,score\n1.1,2\n",
    "layout.txt": "hello\n",
    "not_excel.xlsx": "source,target,score\n1.1,1.2,2\n",
    "fraction.csv": LONG + "1.1,1.2,1.5\n",
    "empty.csv": "",
    "styr.csv": "dokument,lokalt_mål,delmål\nPlan,Mål,\n",
}


def _files(folder: Path) -> dict[str, Path]:
    for name, content in FILES.items():
        (folder / name).write_text(content, encoding="utf-8")
    return {name: folder / name for name in FILES}


def _cases(f: dict[str, Path], tmp: Path) -> list[tuple[str, list[str], str]]:
    """(id, argv, the value the message must name)."""
    return [
        ("unknown_kommun_konsekvens", ["konsekvens", "--targets", "1.3", "--kommun", "Visby", "--out",
                                       str(tmp / "k.md")], "Visby"),
        ("unknown_kommun_report", ["report", "--kommun", "Visby", "--output-dir", str(tmp / "r")], "'Visby'"),
        ("unknown_kommun_workshop", ["workshop", "new", "--kommun", "Visby", "--out", str(tmp / "w")], "Visby"),
        ("several_kommuner", ["konsekvens", "--targets", "1.3", "--kommun", "Upplands", "--out",
                              str(tmp / "k.md")], "Upplands"),
        ("bad_score", ["analyse", str(f["bad_score.csv"])], "'9'"),
        ("fraction", ["analyse", str(f["fraction.csv"])], "'1.5'"),
        ("unknown_node", ["analyse", str(f["bad_node.csv"])], "'XX'"),
        ("no_such_target", ["analyse", str(f["no_target.csv"])], "'1.20'"),
        ("header_only", ["analyse", str(f["header_only.csv"])], "header_only.csv"),
        ("scored_twice", ["analyse", str(f["twice.csv"])], "1.1 -> 1.2"),
        ("self_influence", ["analyse", str(f["itself.csv"])], "1.1"),
        ("unknown_column", ["analyse", str(f["unknown_column.csv"])], "'extra'"),
        ("missing_column", ["analyse", str(f["half.csv"])], "target"),
        ("unknown_layout", ["analyse", str(f["layout.txt"])], "'hello'"),
        ("not_excel", ["analyse", str(f["not_excel.xlsx"])], "not_excel.xlsx"),
        ("missing_file", ["analyse", str(tmp / "saknas.csv")], "saknas.csv"),
        ("bundled_typo", ["analyse", "weitz2018_swedn"], "weitz2018_sweden"),
        ("one_node", ["template", "--nodes", "1.1", "--out", str(tmp / "m.xlsx")], "'1.1'"),
        ("bad_k", ["portfolio", "--k", "0"], "0"),
        ("bad_top", ["analyse", "--top", "x"], "x"),
        ("bad_efforts", ["scenario", "--priorities", "1.3", "--efforts", "99"], "99"),
        ("template_not_xlsx", ["template", "--nodes", "1.1,1.2", "--out", str(tmp / "m.csv")], "m.csv"),
        ("compare_missing", ["compare", str(tmp / "saknas.csv"), "weitz2018_sweden"], "saknas.csv"),
        ("empty_file", ["analyse", str(f["empty.csv"])], "empty.csv"),
        ("overwrite_input", ["analyse", str(f["bad_score.csv"]), "--out", str(f["bad_score.csv"])], "bad_score.csv"),
        ("unknown_linkage", ["objectives", "--linkage", "saknas"], "'saknas'"),
        ("no_respondents", ["workshop", "new", "--kommun", "Habo", "--respondents", "0", "--out", str(tmp / "w0")],
         "'0'"),
        ("respondent_twice", ["workshop", "new", "--kommun", "Habo", "--respondents", "Anna,Anna", "--out",
                              str(tmp / "w2")], "'Anna'"),
        ("bad_framework", ["--framework", str(f["bad_score.csv"]), "analyse"], "'id'"),
        ("styrdokument_no_target", ["styrdokument", str(f["styr.csv"])], "styr.csv"),
    ]


#: Cases whose message is raised in a module H3 does not own; the change is requested from its owner.
ELSEWHERE: dict[str, str] = {}  # cases whose message is still English elsewhere (none now)


def _run(argv: list[str], lang: str, capsys) -> str:
    code = main([*argv, "--lang", lang]) if argv[0] != "workshop" else main([argv[0], "--lang", lang, *argv[1:]])
    captured = capsys.readouterr()
    assert code == 2, (captured.out, captured.err)
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def _words(message: str) -> str:
    """The message without its quoted values and file paths: what is left is sentences."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\S*/\S*|\S+\.(csv|xlsx|txt|md)\b", " ", message)
    return re.sub(r"\(\S+\)", " ", message)


def _all_cases():
    ids = [name for name, _, _ in _cases({name: Path(name) for name in FILES}, Path("."))]
    return [pytest.param(case, marks=pytest.mark.xfail(reason=ELSEWHERE[case], strict=False))
            if case in ELSEWHERE else case for case in ids]


def _case(case: str, tmp_path: Path) -> tuple[list[str], str]:
    found = {name: (argv, value) for name, argv, value in _cases(_files(tmp_path), tmp_path)}
    return found[case]


@pytest.mark.parametrize("case", _all_cases())
def test_every_error_is_swedish_by_default_and_names_the_value(case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv, value = _case(case, tmp_path)
    line = _run(argv, "sv", capsys)
    assert line.startswith("fel: "), line
    assert value in line, line
    english = ENGLISH.findall(_words(line))
    assert english == [], line


@pytest.mark.parametrize("case", [c for c in _all_cases() if not hasattr(c, "marks")])
def test_every_error_is_english_with_lang_en(case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv, value = _case(case, tmp_path)
    line = _run(argv, "en", capsys)
    assert line.startswith("error: "), line
    assert value in line, line
    swedish = SWEDISH.findall(_words(line))
    assert swedish == [], line


def test_the_swedish_score_error_says_where_and_what_is_valid(tmp_path, capsys):
    files = _files(tmp_path)
    line = _run(["analyse", str(files["bad_score.csv"])], "sv", capsys)
    assert f"{files['bad_score.csv']}, rad 2, kolumn 'score': " in line
    assert "'9'" in line and "Giltigt: ett heltal från −3 till 3" in line


# --- every tr() key exists ----------------------------------------------------------------------


def test_every_error_key_the_library_raises_is_in_the_catalogue():
    from sdg_interactions.texts import catalogue

    root = Path(__file__).parents[1] / "sdg_interactions"
    used = {key for path in root.rglob("*.py")
            for key in re.findall(r"\btr\(\s*\"([\w.]+)\"", path.read_text(encoding="utf-8"))}
    used |= {key for path in root.rglob("*.py")  # tr("a" if x else "b"): both
             for pair in re.findall(r"\btr\(\s*\"([\w.]+)\" if [^)]*? else \"([\w.]+)\"", path.read_text("utf-8"))
             for key in pair}
    assert len(used) > 60
    assert sorted(used - set(catalogue())) == []


# --- tables and numbers -------------------------------------------------------------------------


def _parse(number: str) -> float:
    from babel.numbers import parse_decimal

    return float(parse_decimal(number.replace("\N{MINUS SIGN}", "-"), locale="sv_SE", strict=True))


def test_objectives_prints_swedish_headers_and_numbers(capsys):
    from sdg_interactions.analysis import project_onto, propagate
    from sdg_interactions.frameworks import linkage
    from sdg_interactions.io import load_matrix

    assert main(["objectives", "--priorities", "7.2,13.2", "--linkage", "miljomal"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.split()[:1] == ["mål"])
    assert re.split(r"\s{1,}", header.strip()) == ["mål", "benämning", "kopplade", "delmål", "främjande", "hämmande",
                                                  "netto"]
    assert not re.search(r"\b(objective|label|n_linked|effect_pos|effect_neg|effect_net)\b", out)
    projected = project_onto(propagate(load_matrix("weitz2018_sweden"), ["7.2", "13.2"]), linkage("miljomal"))
    row = next(line for line in out.splitlines() if line.strip().startswith("MKM-1 "))
    *_, pos, neg, net = row.split()
    expected = projected.sel(objective="MKM-1")
    assert _parse(pos) == round(float(expected["effect_pos"]), 1)
    assert _parse(neg) == round(float(expected["effect_neg"]), 1)
    assert _parse(net) == round(float(expected["effect_net"]), 1)
    assert "," in pos or float(expected["effect_pos"]).is_integer()  # the Swedish decimal comma


def test_analyse_prints_the_systemic_score_as_swedish_numbers(capsys):
    from sdg_interactions.analysis import sdg_synergies
    from sdg_interactions.io import load_matrix

    assert main(["analyse", "synthetic_respondents", "--top", "1"]) == 0  # the mean of 12: decimals
    out = capsys.readouterr().out
    assert "systemisk poäng" in out and "systemisk påverkan" not in out
    metrics = sdg_synergies(load_matrix("synthetic_respondents"))
    top = str(metrics["node"].values[int(metrics["rank"].values.argmin())])
    row = next(line for line in out.splitlines() if re.match(rf"\s*1\s+{re.escape(top)}\s", line))
    systemic = float(metrics["systemic"].sel(node=top))
    assert not systemic.is_integer() and _parse(row.split()[-1]) == round(systemic, 1)
    assert "," in row.split()[-1] and "." not in row.split()[-1]


def test_compare_takes_a_bundled_name_and_prints_swedish_headers(tmp_path, capsys):
    import pandas as pd

    from sdg_interactions.frameworks import bundled_matrix

    table = pd.read_csv(bundled_matrix("weitz2018_sweden")["path"], dtype=str, keep_default_na=False)
    table.loc[table.index[:3], "score"] = "3"  # three pairs scored otherwise
    own = tmp_path / "egen.csv"
    table.to_csv(own, index=False)
    assert main(["compare", "weitz2018_sweden", str(own), "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "2 matriser jämförda" in out
    assert "avvikelse" in out and "samstämmighet (Spearman)" in out and "gemensam bild" in out
    assert not re.search(r"\b(departure|spearman_mean|n_scored|consensus|difference|source_label)\b", out)
    assert "1\N{NO-BREAK SPACE}122" in out  # the scored pairs, grouped as Swedish writes thousands


def test_portfolio_heading_says_the_real_size_and_why(capsys):
    from sdg_interactions.analysis import portfolio
    from sdg_interactions.io import load_matrix

    chosen = portfolio(load_matrix("weitz2018_sweden"), 5).chosen
    assert main(["portfolio", "--k", "5"]) == 0
    heading = capsys.readouterr().out.splitlines()[0]
    if len(chosen) < 5:
        assert f"förslag på {len(chosen)} att prioritera i stället för 5, eftersom fler inte ger högre täckning" \
            in heading
    else:
        assert "förslag på 5 att prioritera, bredvid de 5" in heading
    assert "förslag på 5 att prioritera" not in heading or len(chosen) == 5


# --- report: --framework and the sections' problems ---------------------------------------------


def _fake_batch(monkeypatch, seen: list, problems: dict | None = None):
    from sdg_interactions.report import batch

    def fake_run_batch(reports, *, output_dir, formats, **_):
        seen.extend(reports)
        written = {r["kommun"]: {kind: Path(output_dir) / f"{r['kommun']}.{kind}" for kind in ("ipynb", *formats)}
                   for r in reports}
        return batch.BatchResult(written=written, problems=dict(problems or {}))

    monkeypatch.setattr(batch, "run_batch", fake_run_batch)


@pytest.fixture
def own_goals(tmp_path):
    """Two tables of a kommun's own goals (prefixes HABOTEST, HABOANNAN), unregistered afterwards."""
    from sdg_interactions import frameworks

    paths = []
    for prefix in ("HABOTEST", "HABOANNAN"):
        path = tmp_path / f"{prefix.lower()}.csv"
        path.write_text(f"id,label_sv,label_en,group,text_sv,text_en\n{prefix}-1,Trygg skola,Safe school,Skola,,\n"
                        f"{prefix}-2,Ren sjö,Clean lake,Miljö,,\n", encoding="utf-8")
        paths.append(path)
    yield paths
    for prefix in ("HABOTEST", "HABOANNAN"):
        if any(fw.prefix == prefix for fw in frameworks.frameworks()):
            frameworks.unregister(prefix)


def test_report_passes_the_framework_file_to_the_report(monkeypatch, tmp_path, capsys, own_goals):
    from sdg_interactions import frameworks

    seen: list = []
    _fake_batch(monkeypatch, seen)
    assert main(["--framework", str(own_goals[0]), "report", "--kommun", "Habo", "--format", "html",
                 "--output-dir", str(tmp_path)]) == 0
    (report,) = seen
    assert report["framework"] == str(own_goals[0].resolve())
    frameworks.unregister("HABOTEST")
    seen.clear()
    assert main(["report", "--kommun", "Habo", "--format", "html", "--output-dir", str(tmp_path)]) == 0
    assert "framework" not in seen[0] or seen[0]["framework"] == ""
    assert main(["--framework", str(own_goals[0]), "--framework", str(own_goals[1]), "report", "--kommun", "Habo",
                 "--output-dir", str(tmp_path)]) == 2
    assert "rapporten tar en tabell med kommunens egna mål (--framework), inte 2" in capsys.readouterr().err


def test_report_prints_each_problem_of_a_section_after_the_run(monkeypatch, tmp_path, capsys):
    seen: list = []
    said = "Jämförelsen kunde inte tas med: filen 0180.csv gick inte att läsa."
    _fake_batch(monkeypatch, seen, problems={"0643": [said]})
    assert main(["report", "--kommun", "Habo", "--format", "html", "--output-dir", str(tmp_path)]) == 0
    assert f"0643 Habo: {said}" in capsys.readouterr().err.splitlines()


# --- kernels ------------------------------------------------------------------------------------


def test_report_kernels_log_nothing_below_critical():
    from sdg_interactions.report import kernels

    assert kernels._KERNEL_ARGUMENTS == ("--IPKernelApp.log_level=CRITICAL",)


@pytest.mark.slow
def test_a_report_kernel_says_nothing_on_stderr(tmp_path):
    import subprocess
    import sys

    import nbformat

    notebook = tmp_path / "t.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), notebook)
    code = ("import sys\nfrom pathlib import Path\nfrom sdg_interactions.report import kernels\n"
            "if sys.argv[1:] == ['loud']:\n    kernels._KERNEL_ARGUMENTS = ()\n"
            f"kernels.execute(Path({str(notebook)!r}), {{}}, Path({str(tmp_path / 'o.ipynb')!r}), None)\n"
            "k = kernels.Kernel(charts=False)\nk.shutdown()\n")
    loud = subprocess.run([sys.executable, "-c", code, "loud"], capture_output=True, text=True, timeout=300)
    assert "[IPKernelApp] WARNING | Kernel is running over TCP" in loud.stderr  # what a kernel says by default
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "IPKernelApp" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr


# --- the library's errors in both languages -----------------------------------------------------


def test_an_error_says_its_words_in_either_language_and_survives_pickling():
    import pickle

    from sdg_interactions.errors import ValidationError, locate, tr

    error = ValidationError(locate(tr("error.score_outside"), file="a.csv", row=3, column="score", value="4",
                                   valid=tr("error.valid_raw")))
    english = ("a.csv, row 3, column 'score': score outside the scale: '4'. Valid: an integer from -3 to 3 "
               "(2 or 2.0, not 2.5), or blank for not scored.")
    assert str(error) == english and error.words("en") == english
    swedish = ("a.csv, rad 3, kolumn 'score': poängen ligger utanför skalan: '4'. Giltigt: ett heltal från −3 till 3 "
               "(2 eller 2,0, inte 2,5), eller tomt för inte bedömt.")
    assert error.words("sv") == swedish
    again = pickle.loads(pickle.dumps(error))  # a report batch passes errors between processes
    assert again.words("sv") == swedish and str(again) == english
    assert ValidationError("plain words").words("sv") == "plain words"  # a message given as text stays as it is
    joined = locate(tr("error.no_kommun"), value="Visby", valid=tr("error.valid_kommun")) + tr(
        "error.kommun_hint", names="Osby (1273)")
    assert joined.say("sv").endswith("Menade du: Osby (1273)?") and joined.endswith("Did you mean: Osby (1273)?")
