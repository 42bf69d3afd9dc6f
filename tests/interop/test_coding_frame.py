"""The coding frame: the worked example of docs/coding-frame.md imported from each tool's layout.

Every row below is worked out by hand from the passages in INTERVIEWS (see the document).
"""

from __future__ import annotations

import uuid
import zipfile
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import pytest
from click.testing import CliRunner

from impt_analysis.cli import main
from impt_analysis.interop.refi_qda import import_summary, read_qdpx
from impt_analysis.interop.refi_qda.frame import frame_tree, role_of, write_codebook, write_starter

# Actor codes: path under Actors -> description (attribute lines)
ACTORS = {
    "Denmark": "country: DK",
    "Denmark/Social services Aarhus": "sector: social_services\nlevel: local",
    "Denmark/Police Aarhus": "sector: police\nlevel: local",
    "Denmark/Aarhus police": "sector: police\nlevel: local",
    "Denmark/School social workers Aarhus": "sector: education\nlevel: local",
    "Denmark/National Contact Point": "id: dk_ncp\nsector: government\nlevel: national\nkind: contact_point",
}
ITEM = "Information/Emerging issue/Girls working as au pairs/Au pairs leaving host families"
ITEM_DESCRIPTION = "theme: labour_begging_crime"

TEXT1 = (
    "We send monthly reports to the National Contact Point. "
    "The school calls us when a child goes missing. "
    "We have heard that au pairs leave their host families, from a newspaper. "
    "Data protection rules stop us from telling the police. "
    "In 2009 we identified 12 children begging."
)
TEXT2 = (
    "The school told the National Contact Point about the missing girl. "
    "The police also know about au pairs leaving their families, from police reports. "
    "We tell someone about it."
)

NCP, SCHOOL, POLICE = (
    "Actors/Denmark/National Contact Point",
    "Actors/Denmark/School social workers Aarhus",
    "Actors/Denmark/Police Aarhus",
)
# interview -> (variables, coder, text, [(passage text, [code paths])]); a passage is found in the text.
INTERVIEWS = {
    "Interview 1": (
        {"country": "DK", "date": "2010-05-04", "actor_id": "Social services Aarhus"},
        "coder_a",
        TEXT1,
        [
            (
                "We send monthly reports to the National Contact Point.",
                ["Flow/Passes on to", NCP, "Flow/Channel/Formal report", "Flow/Frequency/Regular"],
            ),
            (
                "The school calls us when a child goes missing.",
                ["Flow/Receives from", SCHOOL, "Flow/Channel/Informal contact", "Flow/Frequency/Ad hoc"],
            ),
            (
                "We have heard that au pairs leave their host families, from a newspaper.",
                [ITEM, "Verification/Anecdotal evidence", "Source type/Media"],
            ),
            (
                "Data protection rules stop us from telling the police.",
                ["Barriers/Data protection rules", "Barrier severity/Serious", "Flow/Passes on to", POLICE],
            ),
            (
                "In 2009 we identified 12 children begging.",
                [
                    "Case counts/Identified victims",
                    "Case counts/Child group/Children begging",
                    "Verification/Official data",
                ],
            ),
        ],
    ),
    "Interview 2": (
        {"country": "DK", "date": "2010-05-06", "actor_id": "Police Aarhus"},
        "coder_b",
        TEXT2,
        [
            (
                "The school told the National Contact Point about the missing girl.",
                ["Flow/Between others", NCP, "Flow/Channel/Case referral", "Flow/Frequency/Ad hoc"],
            ),
            ("The school", ["Flow/Sender", SCHOOL]),
            (
                "The police also know about au pairs leaving their families, from police reports.",
                [ITEM, "Verification/Official data", "Source type/Official data"],
            ),
            (
                "We tell someone about it.",
                ["Flow/Passes on to", "Flow/Channel/Informal contact", "Flow/Frequency/Ad hoc"],
            ),
        ],
    ),
}
ORIGINS = {
    "nvivo": "NVivo 14.24.0",
    "atlas": "ATLAS.ti 23.2.1",
    "maxqda": "MAXQDA 24 (Release 24.2.0)",
    "qualcoder": "QualCoder 3.5",
}


def guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts))).upper()


def _codes_xml() -> str:
    from impt_analysis.interop.refi_qda.frame import frame_tree

    tree = frame_tree()
    actors = next(c for c in tree if c["name"] == "Actors")
    folders: dict[str, dict] = {}
    for path, description in ACTORS.items():
        *above, name = path.split("/")
        node = {"name": name, "description": description, "codable": True, "children": []}
        (folders["/".join(above)]["children"] if above else actors["children"]).append(node)
        folders[path] = node
    info = next(c for c in tree if c["name"] == "Information")
    _, info_type, child_group, item = ITEM.split("/")
    group = next(
        g
        for g in next(t for t in info["children"] if t["name"] == info_type)["children"]
        if g["name"] == child_group
    )
    group["children"].append({"name": item, "description": ITEM_DESCRIPTION, "codable": True, "children": []})

    def render(node, above):
        path = f"{above}/{node['name']}" if above else node["name"]
        inner = f"<Description>{escape(node['description'])}</Description>" if node["description"] else ""
        inner += "".join(render(c, path) for c in node["children"])
        return (
            f'<Code guid="{guid("code", path)}" name={quoteattr(node["name"])} '
            f'isCodable="{"true" if node["codable"] else "false"}">{inner}</Code>'
        )

    return "".join(render(c, "") for c in tree)


def _position(text: str, index: int, layout: str) -> int:
    """A code-point position as the tool writes it: NVivo counts UTF-16 code units."""
    return len(text[:index].encode("utf-16-le")) // 2 if layout == "nvivo" else index


def project_xml(layout: str, interviews: dict = INTERVIEWS) -> tuple[str, dict[str, str]]:
    users = {c for _, c, _, _ in interviews.values()}
    out = [
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Worked example" '
        f'origin="{ORIGINS[layout]}"><Users>'
        + "".join(f'<User guid="{guid("user", u)}" name="{u}"/>' for u in sorted(users))
        + "</Users>"
        f"<CodeBook><Codes>{_codes_xml()}</Codes></CodeBook>"
    ]
    names = ("country", "date", "actor_id")
    if layout != "atlas":
        out.append(
            "<Variables>"
            + "".join(f'<Variable guid="{guid("var", n)}" name="{n}" typeOfVariable="Text"/>' for n in names)
            + "</Variables>"
        )

    def values(variables):
        return "".join(
            f'<VariableValue><VariableRef targetGUID="{guid("var", n)}"/><TextValue>{escape(v)}'
            f"</TextValue></VariableValue>"
            for n, v in variables.items()
        )

    if layout in ("nvivo", "qualcoder"):
        out.append(
            "<Cases>"
            + "".join(
                f'<Case guid="{guid("case", name)}"{" name=" + quoteattr(name) if layout == "nvivo" else ""}>'
                f'{values(v)}<SourceRef targetGUID="{guid("source", name)}"/></Case>'
                for name, (v, _, _, _) in interviews.items()
            )
            + "</Cases>"
        )
    files = {}
    sources = []
    for name, (variables, coder, text, passages) in interviews.items():
        selections = []
        for n, (passage, codes) in enumerate(passages):
            start = text.index(passage)
            end = start + len(passage)
            s, e = _position(text, start, layout), _position(text, end, layout)
            codings = [
                f'<Coding guid="{guid("coding", name, str(n), c)}" creatingUser="{guid("user", coder)}">'
                f'<CodeRef targetGUID="{guid("code", c)}"/></Coding>'
                for c in codes
            ]
            if layout in ("atlas", "maxqda"):  # one selection holds every code of the passage
                selections.append(
                    f'<PlainTextSelection guid="{guid("sel", name, str(n))}" startPosition="{s}" '
                    f'endPosition="{e}" creatingUser="{guid("user", coder)}">{"".join(codings)}'
                    "</PlainTextSelection>"
                )
            else:  # one selection per coding
                selections += [
                    f'<PlainTextSelection guid="{guid("sel", name, str(n), str(i))}" startPosition="{s}" '
                    f'endPosition="{e}">{c}</PlainTextSelection>'
                    for i, c in enumerate(codings)
                ]
        own = values(variables) if layout == "maxqda" else ""
        sources.append(
            f'<TextSource guid="{guid("source", name)}" name="{name}" '
            f'plainTextPath="internal://{guid("source", name)}.txt">{"".join(selections)}{own}</TextSource>'
        )
        files[f"sources/{guid('source', name)}.txt"] = text
    out.append("<Sources>" + "".join(sources) + "</Sources>")
    if layout == "atlas":  # ATLAS.ti: document groups named "variable: value"
        sets = {}
        for name, (variables, _, _, _) in interviews.items():
            for n, v in variables.items():
                sets.setdefault(f"{n}: {v}", []).append(name)
        out.append(
            "<Sets>"
            + "".join(
                f'<Set guid="{guid("set", s)}" name={quoteattr(s)}>'
                + "".join(f'<MemberSource targetGUID="{guid("source", m)}"/>' for m in members)
                + "</Set>"
                for s, members in sets.items()
            )
            + "</Sets>"
        )
    out.append("</Project>")
    return "".join(out), files


def write_project(path, layout: str, interviews: dict = INTERVIEWS):
    xml, files = project_xml(layout, interviews)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


# --- the worked example, by hand --------------------------------------------------------------

ITEM_ID = "au_pairs_leaving_host_families"
SOCIAL, POLICE_ID, SCHOOL_ID = "social_services_aarhus", "police_aarhus", "school_social_workers_aarhus"
EXPECTED = {
    "actors": [
        (
            "social_services_aarhus",
            "Social services Aarhus",
            "DK",
            "social_services",
            "local",
            "organisation",
        ),
        ("police_aarhus", "Police Aarhus", "DK", "police", "local", "organisation"),
        ("aarhus_police", "Aarhus police", "DK", "police", "local", "organisation"),
        (
            "school_social_workers_aarhus",
            "School social workers Aarhus",
            "DK",
            "education",
            "local",
            "organisation",
        ),
        ("dk_ncp", "National Contact Point", "DK", "government", "national", "contact_point"),
    ],
    "interviews": [
        ("Interview 1", "DK", "2010-05-04", "social_services", "local", SOCIAL),
        ("Interview 2", "DK", "2010-05-06", "police", "local", POLICE_ID),
    ],
    "items": [
        (
            ITEM_ID,
            "DK",
            "Au pairs leaving host families",
            "emerging_issue",
            "au_pairs",
            "labour_begging_crime",
        )
    ],
    "knowledge": [
        ("Interview 1", SOCIAL, ITEM_ID, "anecdotal", "media"),
        ("Interview 2", POLICE_ID, ITEM_ID, "official", "official_data"),
    ],
    "flows": [
        ("F00001", "Interview 1", SOCIAL, "dk_ncp", "formal_report", "regular", ""),
        ("F00002", "Interview 1", SCHOOL_ID, SOCIAL, "informal_contact", "ad_hoc", ""),
        ("F00003", "Interview 2", SCHOOL_ID, "dk_ncp", "case_referral", "ad_hoc", ""),
    ],
    "barriers": [("Interview 1", "data_protection_rules", SOCIAL, POLICE_ID, 2)],
    "case_counts": [("DK", 2009, "identified", "children_begging", 12, "official", SOCIAL)],
}
# The passage each row comes from (its evidence), by its text.
EVIDENCE = {
    "knowledge": [
        "We have heard that au pairs leave their host families, from a newspaper.",
        "The police also know about au pairs leaving their families, from police reports.",
    ],
    "flows": [
        "We send monthly reports to the National Contact Point.",
        "The school calls us when a child goes missing.",
        "The school told the National Contact Point about the missing girl.|The school",
    ],
    "barriers": ["Data protection rules stop us from telling the police."],
    "case_counts": ["In 2009 we identified 12 children begging."],
}


def rows(frame: pd.DataFrame, n: int) -> list[tuple]:
    out = []
    for record in frame.iloc[:, :n].itertuples(index=False):
        out.append(
            tuple(
                v.strftime("%Y-%m-%d")
                if isinstance(v, pd.Timestamp)
                else ("" if pd.isna(v) else (int(v) if isinstance(v, float) else v))
                for v in record
            )
        )
    return out


@pytest.mark.parametrize("layout", sorted(ORIGINS))
def test_worked_example_gives_every_row_by_hand(tmp_path, layout):
    study = read_qdpx(write_project(tmp_path / f"{layout}.qdpx", layout))
    for table, expected in EXPECTED.items():
        assert rows(getattr(study, table), len(expected[0])) == expected, (layout, table)
    excerpts = study.codings.drop_duplicates("segment_id").set_index("segment_id")["excerpt"]
    for table, passages in EVIDENCE.items():
        got = [
            "|".join(dict.fromkeys(excerpts[s] for s in e.split(";")))
            for e in getattr(study, table)["evidence"]
        ]
        assert got == passages, (layout, table)


@pytest.mark.parametrize("layout", sorted(ORIGINS))
def test_worked_example_summary_lists_the_passage_without_actor_and_the_duplicates(tmp_path, layout):
    summary = import_summary(read_qdpx(write_project(tmp_path / "p.qdpx", layout)))
    text2 = INTERVIEWS["Interview 2"][2]
    start = text2.index("We tell someone about it.")
    assert [(u["interview"], u["start"], u["end"]) for u in summary.unrowable] == [
        ("Interview 2", start, start + len("We tell someone about it."))
    ]
    assert "no actor" in summary.unrowable[0]["reason"]
    assert [d["actors"] for d in summary.duplicates] == [["police_aarhus", "aarhus_police"]]
    assert summary.derived == {"items": 1, "knowledge": 2, "flows": 3, "barriers": 1, "case_counts": 1}
    assert summary.n_skipped == 0
    # ATLAS.ti's document groups: country DK, two dates, two actors (read as variables, counted all the same)
    assert summary.unused["sets"] == (5 if layout == "atlas" else 0)
    assert "We tell someone" not in str(summary)  # the summary never holds an excerpt


def test_direction_survives_two_passages_of_opposite_direction(tmp_path):
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "maxqda"))
    f = study.flows.set_index("flow_id")
    # "we send monthly reports to the NCP" and "the school calls us": opposite directions
    assert (f.loc["F00001", "source_actor"], f.loc["F00001", "target_actor"]) == (SOCIAL, "dk_ncp")
    assert (f.loc["F00002", "source_actor"], f.loc["F00002", "target_actor"]) == (SCHOOL_ID, SOCIAL)


def _with(interviews, interview, passages=None, variables=None):
    v, coder, text, old = interviews[interview]
    return {
        **interviews,
        interview: ({**v, **(variables or {})}, coder, text, old if passages is None else passages),
    }


def test_two_actors_and_no_direction_and_an_actor_without_attributes_are_listed(tmp_path):
    sentence = "The school told the National Contact Point about the missing girl."
    changed = _with(
        INTERVIEWS,
        "Interview 2",
        [
            (sentence, [NCP, SCHOOL, "Flow/Channel/Case referral", "Flow/Frequency/Ad hoc"]),
            (
                "The school",
                ["Flow/Between others", NCP, SCHOOL, "Flow/Channel/Case referral", "Flow/Frequency/Ad hoc"],
            ),
        ],
    )
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "qualcoder", changed))
    reasons = [u["reason"] for u in import_summary(study).unrowable]
    assert reasons[0].startswith("two actors and no direction")
    assert "no actor's name is coded Sender" in reasons[1]
    assert len(study.flows) == 2  # interview 1's flows only


def test_actor_code_without_sector_or_level_is_listed_with_its_passage(tmp_path, monkeypatch):
    monkeypatch.setitem(ACTORS, "Denmark/Police Aarhus", "a description with no attribute lines")
    changed = _with(INTERVIEWS, "Interview 2", variables={"sector": "police", "level": "local"})
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "atlas", changed))
    unrowable = import_summary(study).unrowable
    assert [u["interview"] for u in unrowable][:1] == ["Interview 1"]
    assert "Police Aarhus" in unrowable[0]["reason"] and "no sector" in unrowable[0]["reason"]
    # the barrier stands; the link it blocks is not known (the passage is listed)
    assert rows(study.barriers, 5) == [("Interview 1", "data_protection_rules", "", "", 2)]
    assert "police_aarhus" not in set(study.actors["actor_id"])


def test_mapping_maps_a_project_s_own_code_names_onto_the_frame(tmp_path):
    xml, files = project_xml("qualcoder")
    xml = xml.replace('name="Actors"', 'name="Organisations"').replace('name="Flow"', 'name="Communication"')
    xml = xml.replace('name="Passes on to"', 'name="We inform"')
    path = tmp_path / "own.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text)
    mapping = {
        "frame": {
            "Organisations": "Actors",
            "Communication": "Flow",
            "Communication/We inform": "Flow/Passes on to",
        }
    }
    study = read_qdpx(path, mapping=mapping)
    assert rows(study.flows, 7) == EXPECTED["flows"]
    assert rows(study.actors, 6) == EXPECTED["actors"]


def test_a_project_without_the_frame_derives_nothing(tmp_path):
    xml, files = project_xml("maxqda")
    for name in ("Actors", "Information", "Flow"):
        xml = xml.replace(f'name="{name}"', f'name="My {name}"')
    path = tmp_path / "plain.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text)
    study = read_qdpx(path, mapping={"defaults": {"sector": "police", "level": "local"}})
    assert study.flows.empty and study.knowledge.empty
    assert len(study.codings) > 0


# --- the frame as files -----------------------------------------------------------------------


def _paths(nodes, above=()):
    for node in nodes:
        yield (*above, node["name"])
        yield from _paths(node["children"], (*above, node["name"]))


def test_every_code_of_the_frame_has_a_role():
    for path in _paths(frame_tree()):
        assert role_of(list(path)) is not None, path


def test_codebook_file_holds_the_frame(tmp_path):
    from xml.etree import ElementTree as ET

    root = ET.parse(write_codebook(tmp_path / "frame.qdc")).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    names = [c.get("name") for c in root.find("{urn:QDA-XML:codebook:1.0}Codes")]
    assert names == [
        "Actors",
        "Information",
        "Verification",
        "Source type",
        "Flow",
        "Barriers",
        "Barrier severity",
        "Case counts",
    ]
    # vocabularies come from the codebook: 15 barriers, 7 channels
    barriers = next(c for c in root.iter("{urn:QDA-XML:codebook:1.0}Code") if c.get("name") == "Barriers")
    assert len(barriers.findall("{urn:QDA-XML:codebook:1.0}Code")) == 15


def test_starter_project_imports_as_an_empty_study(tmp_path):
    study = read_qdpx(write_starter(tmp_path / "start.qdpx"))
    assert study.interviews.empty and study.flows.empty
    assert import_summary(study).n_codes == sum(1 for _ in _paths(frame_tree()))


def test_cli_codebook_and_starter(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["codebook", "--out", str(tmp_path / "frame.qdc")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["starter", "--out", str(tmp_path / "start.qdpx")])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(tmp_path / "start.qdpx").namelist() == ["project.qde"]
    result = runner.invoke(main, ["starter", "--out", str(tmp_path / "start.qdpx")])
    assert result.exit_code == 2 and "exists" in result.output  # an existing --out: usage, as everywhere


# --- a study without flow data says so ---------------------------------------------------------


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


def test_two_actor_codes_given_one_id_in_the_mapping_are_one_actor(tmp_path):
    path = write_project(tmp_path / "p.qdpx", "qualcoder")
    study = read_qdpx(
        path,
        mapping={
            "actors": {"Aarhus police": {"id": "police_aarhus"}, "Police Aarhus": {"id": "police_aarhus"}}
        },
    )
    assert study.actors["actor_id"].tolist().count("police_aarhus") == 1
    assert "aarhus_police" not in set(study.actors["actor_id"])
    assert import_summary(study).duplicates == []
    # one id for two different actors: the first code holds it, the passages of the other are listed
    conflicting = read_qdpx(path, mapping={"actors": {"Aarhus police": {"id": "dk_ncp"}}})
    assert conflicting.actors.set_index("actor_id").loc["dk_ncp", "sector"] == "police"
    reasons = [u["reason"] for u in import_summary(conflicting).unrowable]
    assert sum("share the id 'dk_ncp'" in r for r in reasons) == 2  # the NCP's two flow passages


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


def test_evidence_gives_the_passages_behind_each_row(tmp_path):
    from impt_analysis.interop.refi_qda import evidence

    study = read_qdpx(write_project(tmp_path / "p.qdpx", "maxqda"))
    passages = evidence(study, "flows")
    third = passages[passages["row"] == 2]
    assert third["excerpt"].tolist() == [EVIDENCE["flows"][2].split("|")[0], "The school"]
    assert set(third["interview_id"]) == {"Interview 2"}


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


def test_actor_attributes_from_a_case_that_refers_to_the_actor_code(tmp_path, monkeypatch):
    # NVivo keeps organisations as cases with a classification: a Case with a CodeRef to the code
    monkeypatch.setitem(ACTORS, "Denmark/Police Aarhus", "")
    xml, files = project_xml("nvivo")
    case = (
        f'<Case guid="{guid("case", "police")}" name="Police Aarhus">'
        f'<VariableValue><VariableRef targetGUID="{guid("var", "sector")}"/><TextValue>Police</TextValue></VariableValue>'
        f'<VariableValue><VariableRef targetGUID="{guid("var", "level")}"/><TextValue>local</TextValue></VariableValue>'
        f'<CodeRef targetGUID="{guid("code", POLICE)}"/></Case>'
    )
    xml = xml.replace("</Cases>", case + "</Cases>").replace(
        "</Variables>",
        "".join(
            f'<Variable guid="{guid("var", n)}" name="{n}" typeOfVariable="Text"/>'
            for n in ("sector", "level")
        )
        + "</Variables>",
        1,
    )
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text)
    study = read_qdpx(path)
    assert rows(study.barriers, 5) == EXPECTED["barriers"]
    assert rows(study.actors, 6) == EXPECTED["actors"]


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


def test_a_knowledge_passage_inside_a_flow_passage_names_no_end_of_the_flow(tmp_path):
    text = "We send reports to the NCP. The school knows about au pairs leaving, from a newspaper."
    inner = "The school knows about au pairs leaving, from a newspaper."
    interviews = {
        "Interview 1": (
            {"country": "DK", "date": "2010-05-04", "actor_id": "Social services Aarhus"},
            "coder_a",
            text,
            [
                (text, ["Flow/Passes on to", NCP, "Flow/Channel/Formal report", "Flow/Frequency/Regular"]),
                (inner, [ITEM, SCHOOL, "Verification/Anecdotal evidence", "Source type/Media"]),
            ],
        )
    }
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "atlas", interviews))
    assert rows(study.flows, 7) == [
        ("F00001", "Interview 1", SOCIAL, "dk_ncp", "formal_report", "regular", "")
    ]
    assert rows(study.knowledge, 5) == [("Interview 1", SCHOOL_ID, ITEM_ID, "anecdotal", "media")]
