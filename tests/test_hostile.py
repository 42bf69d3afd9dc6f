"""Hostile and careless input (issue 16): each bad input is built here, in a temporary folder.

A table of cases; each builds its input (bombs too: built at test time, never committed), runs
``impt`` in a subprocess under a memory cap (``resource.setrlimit``), and asserts the exit code,
a message saying what is wrong (one sentence, no traceback), that nothing was written or
changed, and the peak memory of the run. A property test (hypothesis) round-trips studies
holding adversarial text through write_study/load_study, a ``.qdpx`` and an ``.xlsx``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from impt_analysis import load_study, write_study

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
MEMORY_CAP = 3 << 30  # address space of the child: a refusal that tries to read a bomb hits it
PEAK_LIMIT_MB = 500  # issue 16: each refusal under 500 MB ...
SECONDS = 20  # ... and quick (5 s on a quiet machine; a loaded CI gets more)

# The child: cap the address space, run the command line, write the peak resident memory.
CHILD = textwrap.dedent("""
    import atexit, resource, sys
    cap, peak_file = int(sys.argv[1]), sys.argv[2]
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    def peak():  # this process's own high-water mark (ru_maxrss would carry the parent's over exec)
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return line.split()[1]
        return str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    atexit.register(lambda: open(peak_file, "w").write(peak()))
    exec(sys.argv[3])  # set-up of the case inside the child (a full disk, a signal), usually empty
    from impt_analysis.cli import main
    main(sys.argv[4:], prog_name="impt")
""")


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_mb: float


def impt(args: list[str], cwd: Path, prelude: str = "") -> Run:
    peak = cwd / ".peak"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    env.pop("IMPT_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(MEMORY_CAP), str(peak), prelude, *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    kb = float(peak.read_text()) if peak.exists() else float("nan")
    peak.unlink(missing_ok=True)
    return Run(proc.returncode, proc.stdout, proc.stderr, kb / 1024)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with a hash of its bytes (links as their target)."""
    found = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if rel == ".peak":
            continue
        if p.is_symlink():
            found[rel] = "-> " + os.readlink(p)
        elif p.is_dir():
            found[rel] = "dir"
        else:
            h = hashlib.sha256()
            with open(p, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            found[rel] = h.hexdigest()
    return found


# --- building bad input -------------------------------------------------------------------


def study_copy(tmp: Path, name: str = "study") -> Path:
    folder = tmp / name
    shutil.copytree(DEMO, folder)
    return folder


def edit_csv(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell (row as a spreadsheet counts it: header 1) of a study CSV, all else as it was."""
    frame = pd.read_csv(folder / file, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    frame.to_csv(folder / file, index=False, lineterminator="\n")


def demo_qdpx(tmp: Path) -> Path:
    from impt_analysis.interop.refi_qda import write_qdpx

    return write_qdpx(load_study(), tmp / "project.qdpx")


def rewrite_qdpx(path: Path, change: Callable[[str, bytes], bytes | None], extra: dict | None = None) -> Path:
    """Rewrite a .qdpx entry by entry (``change`` returns the new bytes, or None to drop one)."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            data = change(name, data)
            if data is not None:
                z.writestr(name, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def qde_edit(path: Path, edit: Callable[[str], str]) -> Path:
    return rewrite_qdpx(path, lambda n, d: edit(d.decode()).encode() if n == "project.qde" else d)


def zip_bomb_entry(path: Path, name: str, size: int) -> None:
    """Add an entry of ``size`` zero bytes, streamed (never held in memory), to a zip."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open(name, "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(size // len(chunk)):
                f.write(chunk)


def template(tmp: Path, study=None) -> Path:
    from impt_analysis.interop.spreadsheet import write_template

    return write_template(tmp / "coding.xlsx", study, empty_rows=5)


# --- the cases ----------------------------------------------------------------------------


def c_duplicate_header(tmp):
    s = study_copy(tmp)
    text = (s / "interviews.csv").read_text().splitlines()
    text[0] = text[0].replace("notes", "country")
    (s / "interviews.csv").write_text("\n".join(text) + "\n")
    return ["validate", s]


def c_field_over_limit(tmp):
    from impt_analysis.validation import MAX_FIELD_CHARS

    s = study_copy(tmp)
    edit_csv(s, "interviews.csv", 2, "notes", "x" * (MAX_FIELD_CHARS + 1))
    return ["validate", s]


def c_huge_table(tmp):
    s = study_copy(tmp)
    with open(s / "flows.csv", "r+b") as f:
        f.truncate(300 << 20)  # a sparse file: 300 MB on paper, nothing on disk
    return ["validate", s]


def c_fullwidth_digit(tmp):
    s = study_copy(tmp)
    edit_csv(s, "case_counts.csv", 2, "count", "\uff12")
    return ["validate", s]


def c_count_2_63(tmp):
    s = study_copy(tmp)
    edit_csv(s, "case_counts.csv", 2, "count", str(2**63))
    return ["validate", s]


def c_count_2_64(tmp):
    s = study_copy(tmp)
    edit_csv(s, "case_counts.csv", 2, "count", str(2**64))
    return ["validate", s]


def c_year_leading_zero(tmp):
    s = study_copy(tmp)
    edit_csv(s, "case_counts.csv", 2, "year", "02009")
    return ["validate", s]


def c_year_plus(tmp):
    s = study_copy(tmp)
    edit_csv(s, "case_counts.csv", 2, "year", "+2009")
    return ["validate", s]


def c_short_date(tmp):
    s = study_copy(tmp)
    edit_csv(s, "interviews.csv", 2, "date", "2010-9-3")
    return ["validate", s]


def c_deep_descriptor(tmp):
    s = study_copy(tmp)
    (s / "datapackage.json").write_text("[" * 200_000 + "]" * 200_000)
    return ["validate", s]


def c_title_not_text(tmp):
    s = study_copy(tmp)
    meta = json.loads((s / "datapackage.json").read_text())
    meta["title"] = {"<script>": 1}
    (s / "datapackage.json").write_text(json.dumps(meta))
    return ["validate", s]


def c_codebook_cycle(tmp):
    s = study_copy(tmp)
    cb = pd.read_csv(s / "codebook.csv", dtype=str, keep_default_na=False)
    codes = cb.index[cb["category"] == "code"][:2]
    cb.loc[codes[0], "parent"], cb.loc[codes[1], "parent"] = (
        cb.loc[codes[1], "code"],
        cb.loc[codes[0], "code"],
    )
    cb.to_csv(s / "codebook.csv", index=False, lineterminator="\n")
    return ["export-qdpx", "--data", s, "--out", tmp / "out.qdpx"]


def c_texts_path_out(tmp):
    study = load_study()
    first = study.interviews["interview_id"].iat[0]
    outside = "../../secret_outside"
    s = tmp / "study"
    tables = {
        n: f.replace({first: outside})
        if n in ("interviews", "codings", "knowledge", "flows", "barriers")
        else f
        for n, f in study.tables().items()
    }
    from impt_analysis.study import Study

    write_study(Study(**tables, meta=study.meta), s)
    (tmp / "texts" / "a").mkdir(parents=True)
    (tmp / "secret_outside.txt").write_text("SECRET")
    return ["export-qdpx", "--data", s, "--out", tmp / "out.qdpx", "--texts", tmp / "texts" / "a"]


def c_corrupt_deflate(tmp):
    p = demo_qdpx(tmp)
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        info = z.getinfo("project.qde")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 200, start + 260):
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_entry_read_by_many_sources(tmp):
    p = qde_edit(
        demo_qdpx(tmp),
        lambda x: __import__("re").sub(
            r'plainTextPath="internal://[^"]+"', 'plainTextPath="internal://shared.txt"', x
        ),
    )
    rewrite_qdpx(p, lambda n, d: d, {"sources/shared.txt": b"the same text"})
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_big_entry(tmp):
    p = demo_qdpx(tmp)
    zip_bomb_entry(p, "sources/big.txt", 300 << 20)  # 300 MiB of zeros, some 300 KB packed
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_big_project_qde(tmp):
    p = demo_qdpx(tmp)
    padding = "<!--" + " " * (40 << 20) + "-->"
    qde_edit(p, lambda x: x.replace("<Users>", padding + "<Users>", 1))
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_deep_codes(tmp):
    p = demo_qdpx(tmp)
    deep = (
        "".join(
            f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="c{i}" isCodable="true">'
            for i in range(30_000)
        )
        + "</Code>" * 30_000
    )
    qde_edit(p, lambda x: x.replace("<Codes>", "<Codes>" + deep, 1))
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_duplicate_guid(tmp):
    p = demo_qdpx(tmp)

    def twin(x: str) -> str:
        import re

        guids = re.findall(r'<Code guid="([^"]+)"', x)
        return x.replace(f'<Code guid="{guids[1]}"', f'<Code guid="{guids[0].upper()}"', 1)

    qde_edit(p, twin)
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_zip_slip(tmp):
    p = rewrite_qdpx(demo_qdpx(tmp), lambda n, d: d, {"../../evil.txt": b"x"})
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_xxe(tmp):
    p = qde_edit(
        demo_qdpx(tmp),
        lambda x: x.replace("<Project", '<!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]><Project', 1),
    )
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_yaml_alias_bomb(tmp):
    p = demo_qdpx(tmp)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    (tmp / "mapping.yaml").write_text("variables: {}\nbomb:\n" + "\n".join("  " + x for x in lines) + "\n")
    return ["import-qdpx", p, "--out", tmp / "out", "--mapping", tmp / "mapping.yaml"]


def c_workbook_bomb(tmp):
    p = template(tmp)
    zip_bomb_entry(p, "xl/worksheets/padding.xml", 300 << 20)
    return ["import-xlsx", p, "--out", tmp / "out"]


def c_workbook_marks_public(tmp):
    import openpyxl

    p = template(tmp, load_study())
    wb = openpyxl.load_workbook(p)
    wb["package"]["A2"] = json.dumps({"name": "x", "impt:public": True})
    wb.save(p)
    return ["import-xlsx", p, "--out", tmp / "out"]


def c_workbook_formula(tmp):
    import openpyxl

    p = template(tmp, load_study())
    wb = openpyxl.load_workbook(p)
    wb["interviews"]["G2"] = '=HYPERLINK("http://attacker.example","x")'  # a live formula typed in Excel
    wb.save(p)
    return ["import-xlsx", p, "--out", tmp / "out"]


def c_demo_into_study(tmp):
    study_copy(tmp, "out")
    return ["demo-data", "--out", tmp / "out"]


def c_demo_out_is_file(tmp):
    (tmp / "out").write_text("mine")
    return ["demo-data", "--out", tmp / "out", "--force"]


def c_demo_out_symlink(tmp):
    (tmp / "real").mkdir()
    (tmp / "real" / "keep.txt").write_text("mine")
    (tmp / "out").symlink_to(tmp / "real")
    return ["demo-data", "--out", tmp / "out", "--force"]


def c_demo_out_proc(tmp):
    return ["demo-data", "--out", "/proc/impt-hostile-test/study"]


def c_template_over_file(tmp):
    (tmp / "coding.xlsx").write_text("mine")
    return ["template", "--out", tmp / "coding.xlsx"]


def c_import_into_nonempty(tmp):
    p = demo_qdpx(tmp)
    (tmp / "out").mkdir()
    (tmp / "out" / "notes.txt").write_text("mine")
    return ["import-qdpx", p, "--out", tmp / "out"]


def c_graph_control_character(tmp):
    s = study_copy(tmp)
    edit_csv(s, "actors.csv", 2, "name", "Municipal\x01services")
    return ["graph", "--data", s, "--out", tmp / "g.graphml"]


def c_usage(tmp):
    return ["validate", "--no-such-option"]


FULL_DISK = textwrap.dedent("""
    import errno, pandas
    _to_csv, _calls = pandas.DataFrame.to_csv, []
    def to_csv(self, *a, **k):
        _calls.append(1)
        if len(_calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(a[0]) if a else "?")
        return _to_csv(self, *a, **k)
    pandas.DataFrame.to_csv = to_csv
""")

SIGTERM_MIDWAY = textwrap.dedent("""
    import os, signal, pandas
    _to_csv, _calls = pandas.DataFrame.to_csv, []
    def to_csv(self, *a, **k):
        _calls.append(1)
        if len(_calls) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return _to_csv(self, *a, **k)
    pandas.DataFrame.to_csv = to_csv
""")


BUG = textwrap.dedent("""
    import impt_analysis.study as study
    def broken(*a, **k):
        raise TypeError("an unforeseen bug")
    study.load_study = broken
""")


def c_unexpected_bug(tmp):
    return ["graph", "--out", tmp / "g.json"], BUG


def c_import_full_disk(tmp):
    return ["import-qdpx", demo_qdpx(tmp), "--out", tmp / "out"], FULL_DISK


def c_demo_sigterm(tmp):
    return ["demo-data", "--out", tmp / "out"], SIGTERM_MIDWAY


def c_export_public_sigterm(tmp):
    (tmp / "key").write_text("k" * 32)
    return ["export-public", "--out", tmp / "out", "--key-file", tmp / "key"], SIGTERM_MIDWAY


def c_import_xlsx_full_disk(tmp):
    return ["import-xlsx", template(tmp, load_study()), "--out", tmp / "out"], FULL_DISK


# name, build, exit code, words the message holds
CASES = [
    ("duplicate CSV header", c_duplicate_header, 1, "column appears twice"),
    ("field over the CSV limit", c_field_over_limit, 1, "longer than"),
    ("300 MB table", c_huge_table, 1, "more than the"),
    ("fullwidth digit", c_fullwidth_digit, 1, "case_counts.csv, row 2, column count"),
    ("count of 2^63", c_count_2_63, 1, "must be at most"),
    ("count of 2^64", c_count_2_64, 1, "must be at most"),
    ("year 02009", c_year_leading_zero, 1, "no leading zero"),
    ("year +2009", c_year_plus, 1, "row 2, column year"),
    ("date 2010-9-3", c_short_date, 1, "YYYY-MM-DD"),
    ("descriptor 200,000 deep", c_deep_descriptor, 1, "nested too deeply"),
    ("title not text", c_title_not_text, 1, "must be text"),
    ("codebook parent cycle", c_codebook_cycle, 1, "cycle"),
    ("--texts id climbs out", c_texts_path_out, 1, "cannot be a file name"),
    ("corrupt deflate stream", c_corrupt_deflate, 1, "damaged"),
    ("one entry, many sources", c_entry_read_by_many_sources, 1, "used twice"),
    ("300 MiB entry (zip bomb)", c_big_entry, 1, "refused"),
    ("40 MiB project.qde", c_big_project_qde, 1, "project.qde"),
    ("codes 30,000 deep", c_deep_codes, 1, "deep"),
    ("duplicate GUIDs", c_duplicate_guid, 1, "GUID"),
    ("zip slip", c_zip_slip, 1, "climbs out"),
    ("XXE", c_xxe, 1, "DTD"),
    ("YAML alias bomb", c_yaml_alias_bomb, 1, "aliases"),
    ("workbook bomb", c_workbook_bomb, 1, "unpacks to"),
    ("workbook marks itself public", c_workbook_marks_public, 1, "cannot say whether a study is public"),
    ("formula typed in a workbook", c_workbook_formula, 1, "holds a formula"),
    ("demo-data over a study", c_demo_into_study, 2, "--force"),
    ("--out is a file", c_demo_out_is_file, 2, "not a folder"),
    ("--out is a symlink (--force)", c_demo_out_symlink, 2, "symbolic link"),
    ("--out under /proc", c_demo_out_proc, 1, "/proc/impt-hostile-test"),
    ("template over a file", c_template_over_file, 2, "already exists"),
    ("import into a non-empty folder", c_import_into_nonempty, 2, "already holds files"),
    ("control character in a GraphML name", c_graph_control_character, 1, "cannot carry"),
    ("unknown option", c_usage, 2, "no such option"),
    ("a bug: one sentence, no traceback", c_unexpected_bug, 1, "bug of the workbench"),
    ("full disk during import-qdpx", c_import_full_disk, 1, "disk is full"),
    ("SIGTERM during demo-data", c_demo_sigterm, 143, "terminated"),
    ("SIGTERM during export-public", c_export_public_sigterm, 143, "terminated"),
    ("full disk during import-xlsx", c_import_xlsx_full_disk, 1, "disk is full"),
]


@pytest.mark.parametrize("name, build, code, words", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(tmp_path, name, build, code, words):
    built = build(tmp_path)
    args, prelude = built if isinstance(built, tuple) else (built, "")
    before = snapshot(tmp_path)
    run = impt(args, tmp_path, prelude)
    message = run.err + run.out
    assert run.code == code, message
    assert words.lower() in message.lower(), message
    assert "Traceback" not in message
    assert snapshot(tmp_path) == before, "the refusal wrote or changed a file"
    assert run.peak_mb < PEAK_LIMIT_MB, f"{run.peak_mb:.0f} MB"


def test_debug_shows_the_traceback(tmp_path):
    run = impt(["--debug", "demo-data", "--out", "/proc/impt-hostile-test/study"], tmp_path)
    assert run.code == 1 and "Traceback" in run.err


def test_a_200000_character_excerpt_is_written_and_read_back(tmp_path):
    """The import can write a study it can read back: a field far above csv's default 128 KiB."""
    study = load_study()
    excerpt = "x" * 200_000
    codings = study.codings.copy()
    codings["excerpt"] = codings["excerpt"].astype(object)
    codings.loc[0, "excerpt"] = excerpt
    codings.loc[0, "end"] = codings.loc[0, "start"] + len(excerpt)
    from impt_analysis.study import Study

    tables = dict(study.tables(), codings=codings)
    write_study(Study(**tables, meta=study.meta), tmp_path / "s")
    assert load_study(tmp_path / "s").codings["excerpt"].iat[0] == excerpt


def test_too_long_a_value_is_refused_before_anything_is_written(tmp_path):
    from impt_analysis.study import Study
    from impt_analysis.validation import MAX_FIELD_CHARS, StudyValidationError

    study = load_study()
    interviews = study.interviews.copy()
    interviews["notes"] = interviews["notes"].astype(object)
    interviews.loc[3, "notes"] = "y" * (MAX_FIELD_CHARS + 1)
    with pytest.raises(StudyValidationError, match="interviews.csv, row 5, column notes"):
        write_study(Study(**dict(study.tables(), interviews=interviews), meta=study.meta), tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_a_number_the_reader_would_refuse_is_not_written(tmp_path):
    from impt_analysis.study import Study
    from impt_analysis.validation import StudyValidationError

    study = load_study()
    counts = study.case_counts.copy()
    counts.loc[1, "count"] = 2**40
    with pytest.raises(StudyValidationError, match="case_counts.csv, row 3, column count"):
        write_study(Study(**dict(study.tables(), case_counts=counts), meta=study.meta), tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_template_text_starting_with_a_formula_sign_stays_text(tmp_path):
    """OWASP: =, +, -, @ at the start of study text are never live formulas, and come back as typed."""
    import openpyxl

    from impt_analysis.interop.spreadsheet import read_workbook, write_template
    from impt_analysis.study import Study

    study = load_study()
    interviews = study.interviews.copy()
    notes = ['=HYPERLINK("http://attacker.example","click")', "+1+2", "-3", "@SUM(A1)", "=1+1"]
    interviews["notes"] = interviews["notes"].astype(object)
    interviews.loc[: len(notes) - 1, "notes"] = notes
    study = Study(**dict(study.tables(), interviews=interviews), meta=study.meta)
    path = write_template(tmp_path / "c.xlsx", study, empty_rows=0)
    ws = openpyxl.load_workbook(path)["interviews"]
    assert {ws.cell(row=r, column=7).data_type for r in range(2, 7)} == {"s"}
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    back = read_workbook(path)
    assert back.interviews["notes"].tolist()[: len(notes)] == notes


def test_public_csv_text_is_safe_in_excel_and_read_back_exactly(tmp_path):
    """A public export's CSVs carry no cell a spreadsheet would run; load_study reads the values back."""
    from impt_analysis.privacy.publish import export_public
    from impt_analysis.study import FORMULA_STARTS, Study

    study = load_study()
    cb = study.codebook.copy()
    cb["label"] = cb["label"].astype(object)
    cb.loc[0, "label"] = '=HYPERLINK("http://attacker.example")'
    cb.loc[1, "label"] = "'quoted"
    study = Study(**dict(study.tables(), codebook=cb), meta=study.meta)
    export_public(study, tmp_path / "pub", key=b"k" * 32)
    import csv

    for file in (tmp_path / "pub").glob("*.csv"):
        for row in csv.reader(file.open(encoding="utf-8")):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (file.name, cell)
    public = load_study(tmp_path / "pub")
    labels = public.codebook.set_index("code")["label"]
    assert labels[cb.loc[0, "code"]] == '=HYPERLINK("http://attacker.example")'
    assert labels[cb.loc[1, "code"]] == "'quoted"
    assert FORMULA_STARTS[0] == "="


def test_graph_with_a_control_character_still_exports_as_json(tmp_path):
    s = study_copy(tmp_path)
    edit_csv(s, "actors.csv", 2, "name", "Municipal\x01services")
    run = impt(["graph", "--data", s, "--out", tmp_path / "g.json"], tmp_path)
    assert run.code == 0, run.err
    assert "Municipal\x01services" in json.loads((tmp_path / "g.json").read_text())["nodes"][
        0
    ].values() or any(
        n.get("name") == "Municipal\x01services"
        for n in json.loads((tmp_path / "g.json").read_text())["nodes"]
    )


def test_force_replaces_a_folder_atomically(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.txt").write_text("old")
    run = impt(["demo-data", "--out", tmp_path / "out", "--force", "--interviews", "9"], tmp_path)
    assert run.code == 0, run.err
    assert not (tmp_path / "out" / "old.txt").exists() and (tmp_path / "out" / "datapackage.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no .partial or .old folder left


# --- property test: adversarial text survives every route ------------------------------------

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ANY = st.characters(blacklist_categories=("Cs",))  # every character a UTF-8 file can hold
_XML_SAFE = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=["\ufffe", "\uffff"])
SPECIAL = [
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+SUM(1)",
    "-2",
    "@A1",
    "'quoted",
    "\u202eevil\u202c",
    "\tx",
    "\U0001f600 emoji",
    'a,b\n"c"',
    "one\r\ntwo",
    "lone\rreturn\r",
    "_x000D_",
    "<script>alert(1)</script>",
    "$\\undefined$",
    "bell\x07",
    "x" * 5000,
]
ADVERSARIAL = st.one_of(st.sampled_from(SPECIAL), st.text(_ANY, min_size=1, max_size=40))
# a code's label in a .qdpx: one line (the tools keep label and description in one Description)
LABEL = (
    st.one_of(
        st.sampled_from([x for x in SPECIAL if not any(c in x for c in "\n\r\x07\t")]),
        st.text(_XML_SAFE, min_size=1, max_size=40),
    )
    .map(str.strip)
    .filter(bool)
)


def test_a_bare_carriage_return_in_a_note_survives_write_and_load(tmp_path):
    # csv leaves a field with a lone "\r" unquoted, and every reader ends the line there
    from impt_analysis.study import Study

    study = load_study()
    interviews = study.interviews.copy()
    interviews["notes"] = interviews["notes"].astype(object)
    interviews.loc[:0, "notes"] = ["\u00af\r\u00d4E\r"]
    study = Study(**dict(study.tables(), interviews=interviews), meta=study.meta)
    write_study(study, tmp_path / "csv")
    back = load_study(tmp_path / "csv")
    assert back.interviews["notes"].iat[0] == "\u00af\r\u00d4E\r"
    pd.testing.assert_frame_equal(back.interviews, study.interviews)


@settings(
    max_examples=12,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(notes=st.lists(ADVERSARIAL, min_size=3, max_size=3), label=LABEL)
def test_adversarial_text_round_trips(tmp_path_factory, notes, label):
    """write_study/load_study and .xlsx give back every value exactly; a .qdpx, each code's label."""
    from impt_analysis.interop.refi_qda import read_qdpx, write_qdpx
    from impt_analysis.interop.spreadsheet import read_workbook, write_template
    from impt_analysis.study import Study

    tmp = tmp_path_factory.mktemp("prop")
    study = load_study()
    interviews = study.interviews.copy()
    interviews["notes"] = interviews["notes"].astype(object)
    interviews.loc[:2, "notes"] = notes
    cb = study.codebook.copy()
    new_code = {
        "code": "hostile_code",
        "category": "code",
        "label": label,
        "description": "d",
        "parent": None,
    }
    cb = pd.concat([cb, pd.DataFrame([new_code])], ignore_index=True).astype(study.codebook.dtypes.to_dict())
    study = Study(**dict(study.tables(), interviews=interviews, codebook=cb), meta=study.meta)
    write_study(study, tmp / "csv")
    back = load_study(tmp / "csv")
    for name, frame in study.tables().items():
        pd.testing.assert_frame_equal(back.tables()[name], frame, obj=name)
    xlsx = read_workbook(write_template(tmp / "c.xlsx", back, empty_rows=0))
    for name, frame in study.tables().items():
        pd.testing.assert_frame_equal(xlsx.tables()[name], frame, obj=f"xlsx {name}")
    qdpx = read_qdpx(write_qdpx(back, tmp / "p.qdpx"))
    labels = qdpx.codebook.set_index("code")["label"]
    assert labels["hostile_code"] == label
    # every coding comes back, in the project's order (documented by write_qdpx, with a warning when it
    # differs from codings.csv's): by interview as in interviews.csv, then by passage, a passage's together
    c = study.codings.reset_index(drop=True)
    position = {i: n for n, i in enumerate(study.interviews["interview_id"])}
    passage = c.groupby(["interview_id", "segment_id", "start", "end"], sort=False, observed=True).ngroup()
    expected = c.assign(_i=c["interview_id"].map(position), _p=passage).sort_values(
        ["_i", "_p"], kind="stable"
    )
    columns = ["segment_id", "code", "coder", "excerpt"]
    assert qdpx.codings[columns].astype(str).values.tolist() == expected[columns].astype(str).values.tolist()


# --- pages and figures: study text stays text -------------------------------------------------


def test_user_text_is_never_mathtext_in_figures():
    """An item label "$\\undefinedmacro$" is drawn as typed; it used to fail the country page."""
    import io

    from impt_analysis.reporting.plots import draw_flows, draw_who_knows_what
    from impt_analysis.study import Study

    study = load_study()
    items = study.items.copy()
    items["label"] = r"$\undefinedmacro$"
    actors = study.actors.copy()
    actors["name"] = r"$\undefinedmacro$ services"
    study = Study(**dict(study.tables(), items=items, actors=actors), meta=study.meta)
    for draw in (draw_who_knows_what, draw_flows):
        fig = draw(study, "DK")
        fig.savefig(io.BytesIO(), format="png")
        texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
        assert any(r"\undefinedmacro" in t for t in texts), draw.__name__


def test_a_title_is_text_in_markdown():
    from impt_analysis.reporting.notebook import md_text

    shown = md_text("<script>alert(1)</script> [x](javascript:alert(1)) $\\x$")
    assert "<script>" not in shown and "[x]" not in shown and "$" not in shown
    assert shown.startswith('<span class="tex2jax_ignore">')
    for name in ("country_mapping", "barrier_analysis", "regional_overview"):
        source = (ROOT / "notebooks" / f"{name}.ipynb").read_text()
        assert "md_text(study.meta.get('title', study.name))" in source, name


def test_a_second_report_into_one_folder_fails_at_once(tmp_path):
    from impt_analysis.reporting.report import lock_out

    held = lock_out(tmp_path / "site")
    try:
        run = impt(["report", "--out", tmp_path / "site", "--quiet"], tmp_path)
    finally:
        held.close()
    assert run.code == 1 and "another impt report is writing into this folder" in run.err, run.err
    assert not (tmp_path / "site").exists()


def test_a_failed_report_run_releases_its_lock(tmp_path):
    from impt_analysis.reporting.report import UnknownCountryError, lock_out, run_report

    with pytest.raises(UnknownCountryError):
        run_report(None, ["XX"], tmp_path / "site", public=True, progress=False)
    lock_out(tmp_path / "site").close()  # taken at once: the failed run let it go


# --- outputs that may not be replaced, and a report run that fails midway (issues 15 and 16) ----------


def test_export_qdpx_refuses_an_existing_out_without_force(tmp_path):
    target = tmp_path / "earlier.qdpx"
    target.write_bytes(b"a colleague's coding")
    before = snapshot(tmp_path)
    run = impt(["export-qdpx", "-o", target], tmp_path)
    assert run.code == 2 and "already exists" in run.err and "--force" in run.err, run.err
    assert "Traceback" not in run.err and snapshot(tmp_path) == before


def test_import_qdpx_refuses_an_existing_passages_file_before_anything_is_written(tmp_path):
    archive = demo_qdpx(tmp_path)
    passages = tmp_path / "passages.csv"
    passages.write_text("kept\n", encoding="utf-8")
    before = snapshot(tmp_path)
    run = impt(["import-qdpx", archive, "-o", tmp_path / "study", "--passages", passages], tmp_path)
    assert run.code == 2 and "passages.csv already exists" in run.err, run.err
    assert snapshot(tmp_path) == before  # no study folder, the passages file untouched


def test_a_report_run_that_fails_midway_leaves_the_earlier_site(tmp_path, monkeypatch):
    """The site is built beside --out: a full disk during the run leaves the earlier site as it was."""
    import errno

    from click.testing import CliRunner

    from impt_analysis.cli import main
    from impt_analysis.reporting import report

    out = tmp_path / "site"
    (out / "notebooks").mkdir(parents=True)
    (out / "index.html").write_text("the earlier site", encoding="utf-8")
    before = snapshot(out)

    def full_disk(job_list, site, *args):
        assert Path(site) != out.resolve()  # built elsewhere, not in --out
        (Path(site) / "notebooks" / "half.ipynb").write_text("{", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device", str(site))

    monkeypatch.setattr(report, "_run_all", full_disk)
    result = CliRunner().invoke(main, ["report", "--country", "DK", "-o", str(out), "-q"])
    assert result.exit_code == 1 and "the disk is full" in result.output, result.output
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.impt-report.lock", "site"]


def test_write_qdpx_says_when_codings_move(tmp_path, caplog):
    """A project keeps codings by interview and passage: rows of codings.csv in another order are
    written (and read back) in the project's order, and write_qdpx says how many move."""
    from impt_analysis.interop.refi_qda import read_qdpx, write_qdpx
    from impt_analysis.study import Study

    study = load_study()
    first = study.codings[study.codings["coder"] == "coder_1"].iloc[:2]
    second = first.assign(coder="coder_2")
    # codings.csv: passage 1 by coder_1, passage 2 by coder_1, passage 1 by coder_2, passage 2 by coder_2;
    # the project: passage 1 by both coders, then passage 2 by both: the middle two rows swap
    codings = pd.concat([first, second], ignore_index=True).astype(study.codings.dtypes.to_dict())
    study = Study(**dict(study.tables(), codings=codings), meta=study.meta)
    with caplog.at_level("WARNING", logger="impt_analysis.interop.refi_qda.writer"):
        back = read_qdpx(write_qdpx(study, tmp_path / "moved.qdpx"))
    assert back.codings["coder"].tolist() == ["coder_1", "coder_2", "coder_1", "coder_2"]
    assert any("2 of the 4 codings in another order" in r.getMessage() for r in caplog.records)
    caplog.clear()
    in_order = Study(**dict(study.tables(), codings=codings.iloc[[0, 2, 1, 3]]), meta=study.meta)
    with caplog.at_level("WARNING", logger="impt_analysis.interop.refi_qda.writer"):
        write_qdpx(in_order, tmp_path / "kept.qdpx")
    assert not [r for r in caplog.records if "another order" in r.getMessage()]
