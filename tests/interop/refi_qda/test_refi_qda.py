"""The package as the workbench uses it: the commands, and an imported study in the analyses and exports.

The command line (``impt import-qdpx``, ``export-qdpx``, ``codebook``, ``starter`` and
``validate`` of an imported study) and what the rest of the workbench makes of a project
coded with the frame: the three aspects, the validation warnings, a public export.
"""

from __future__ import annotations

import json
import zipfile

import pandas as pd
from click.testing import CliRunner

from impt_analysis.cli import main
from impt_analysis.interop.refi_qda import read_qdpx
from tests.interop.refi_qda.handmade import _zip_with, two_sources
from tests.interop.refi_qda.worked_example import INTERVIEWS, write_project

# --- the command line ------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_import_writes_a_valid_study(tmp_path):
    (tmp_path / "m.yaml").write_text(
        "defaults: {country: DK, date: 2010-06-01, sector: police, level: local}\n", encoding="utf-8"
    )
    out = tmp_path / "study"
    result = run("import-qdpx", two_sources(tmp_path), "--out", out, "--mapping", tmp_path / "m.yaml")
    assert result.exit_code == 0, result.output
    assert "4 of 4 codings imported" in result.output
    assert run("validate", out).exit_code == 0
    assert json.loads((out / "datapackage.json").read_text())["impt:import_summary"]["n_imported"] == 4
    again = run("import-qdpx", two_sources(tmp_path), "--out", out, "--mapping", tmp_path / "m.yaml")
    assert again.exit_code == 2 and "--force" in again.output


def test_cli_refuses_unsafe_archives_and_writes_nothing(tmp_path):
    out = tmp_path / "study"
    result = run("import-qdpx", _zip_with(tmp_path, "../../evil.txt"), "--out", out)
    assert result.exit_code == 1
    assert "refused" in result.output and "Traceback" not in result.output
    assert not out.exists()
    missing = run("import-qdpx", two_sources(tmp_path), "--out", out)
    assert missing.exit_code == 1 and "column country" in missing.output and not out.exists()


def test_cli_export(tmp_path, demo_copy, demo):
    texts = tmp_path / "texts"
    texts.mkdir()
    result = run("export-qdpx", "--data", demo_copy, "--out", tmp_path / "d.qdpx", "--texts", texts)
    assert result.exit_code == 0, result.output
    assert f"60 sources, {len(demo.codings)} codings (synthetic demonstration data)" in result.output


def test_cli_codebook_and_starter(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["codebook", "--out", str(tmp_path / "frame.qdc")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["starter", "--out", str(tmp_path / "start.qdpx")])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(tmp_path / "start.qdpx").namelist() == ["project.qde"]
    result = runner.invoke(main, ["starter", "--out", str(tmp_path / "start.qdpx")])
    assert result.exit_code == 2 and "exists" in result.output  # an existing --out: usage, as everywhere


def test_cli_import_lists_the_passage_and_writes_them_all(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "import-qdpx",
            str(write_project(tmp_path / "p.qdpx", "qualcoder")),
            "--out",
            str(tmp_path / "s"),
            "--passages",
            str(tmp_path / "passages.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"We tell someone about it."' in result.output and "no actor" in result.output
    listed = pd.read_csv(tmp_path / "passages.csv")
    assert listed[["interview", "excerpt"]].values.tolist() == [["Interview 2", "We tell someone about it."]]
    assert "3 flows" in result.output


def test_validate_warns_when_interviews_have_no_flows_or_no_knowledge(tmp_path):
    from impt_analysis.validation import study_warnings

    none = {name: (v, coder, text, []) for name, (v, coder, text, _) in INTERVIEWS.items()}
    runner = CliRunner()
    assert (
        runner.invoke(
            main,
            [
                "import-qdpx",
                str(write_project(tmp_path / "p.qdpx", "nvivo", none)),
                "--out",
                str(tmp_path / "s"),
            ],
        ).exit_code
        == 0
    )
    result = runner.invoke(main, ["validate", str(tmp_path / "s")])
    assert result.exit_code == 0
    assert "2 interviews but no flows" in result.output and "2 interviews but no knowledge" in result.output
    assert study_warnings(read_qdpx(write_project(tmp_path / "q.qdpx", "nvivo"))) == []


def test_validate_refuses_evidence_that_names_no_segment(tmp_path):
    runner = CliRunner()
    assert (
        runner.invoke(
            main,
            ["import-qdpx", str(write_project(tmp_path / "p.qdpx", "atlas")), "--out", str(tmp_path / "s")],
        ).exit_code
        == 0
    )
    assert runner.invoke(main, ["validate", str(tmp_path / "s")]).exit_code == 0
    flows = tmp_path / "s" / "flows.csv"
    lines = flows.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",no-such-segment"
    flows.write_text("\n".join(lines) + "\n")
    result = runner.invoke(main, ["validate", str(tmp_path / "s")])
    assert result.exit_code == 1 and "no such segment_id in codings.csv" in result.output


# --- an imported study in the analyses and the public export ----------------------------------


def test_three_aspects_are_not_known_without_flow_data(tmp_path):
    from impt_analysis.coordination import NOT_KNOWN, compare_with_reference, three_aspects

    no_flows = {
        name: (v, coder, text, [p for p in passages if not any(c.startswith("Flow/") for c in p[1])])
        for name, (v, coder, text, passages) in INTERVIEWS.items()
    }
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "maxqda", no_flows))
    assert study.flows.empty and not study.interviews.empty
    aspects = three_aspects(study)
    assert aspects.loc["DK", ["coordination", "networks", "local_input"]].tolist() == [NOT_KNOWN] * 3
    assert "no flows are coded for DK" in aspects.loc["DK", "coordination_evidence"]
    assert compare_with_reference(study).loc["DK", "coordination_agrees"] is pd.NA  # nothing to compare
    with_flows = three_aspects(read_qdpx(write_project(tmp_path / "q.qdpx", "maxqda")))
    assert NOT_KNOWN not in set(with_flows.loc["DK", ["coordination", "networks", "local_input"]])


def test_a_public_export_of_a_frame_coded_study_names_no_actor_or_item(tmp_path):
    from impt_analysis.privacy.publish import export_public

    study = read_qdpx(write_project(tmp_path / "p.qdpx", "nvivo"))
    out = tmp_path / "public"
    export_public(study, out, k=2, key=b"0123456789abcdef", licence="CC-BY-4.0")
    published = " ".join(p.read_text(encoding="utf-8").casefold() for p in out.rglob("*") if p.is_file())
    for word in ("aarhus", "au_pairs_leaving", "dk_ncp", "newspaper"):
        assert word not in published, word


def test_a_public_export_keeps_the_frame_codes_under_the_pseudonyms_of_their_actors(tmp_path):
    from impt_analysis import load_study
    from impt_analysis.privacy.deidentify import pseudonym
    from impt_analysis.privacy.publish import export_public

    key = b"0123456789abcdef"
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "nvivo"))
    public = load_study(export_public(study, tmp_path / "public", k=2, key=key, licence="CC-BY-4.0").path)
    frame = public.codebook[public.codebook["category"] == "frame_actor"]
    names = dict(zip(public.actors["actor_id"], public.actors["name"]))
    # every published actor code is "actor:" + the pseudonym of a published actor, labelled with its generated name
    assert len(frame) and all(c.startswith("actor:A-") and c[6:] in names for c in frame["code"])
    assert all(label == names[c[6:]] for c, label in zip(frame["code"], frame["label"]))
    ncp = f"actor:{pseudonym('dk_ncp', 'actor', key)}"
    assert (study.codings["code"] == "actor:dk_ncp").sum() == (public.codings["code"] == ncp).sum() > 0
