"""The worked example of docs/coding-frame.md, as a project in each tool's layout.

Every row of :data:`EXPECTED` is worked out by hand from the passages in :data:`INTERVIEWS`
(see the document); :func:`write_project` writes them as NVivo, ATLAS.ti, MAXQDA or QualCoder
would.
"""

from __future__ import annotations

import uuid
import zipfile
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

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
