"""Who was interviewed, where and when: a project's case variables as interviews and actors.

The tools keep an interview's attributes as case variables, in any of three places: named
``Case``\\ s that refer to their sources, one unnamed ``Case`` per source, or the
``TextSource`` itself; ATLAS.ti writes them as document groups (``Set``\\ s) named
"variable: value", read as the same. :func:`interviews_and_actors` gathers each source's values from all
of them, maps them to the study's codes with the mapping file, and reports every value that
is missing, conflicting or not one of ours at once, naming the source and the field. Which
variables are read, and how sources without them get their values, is set out in
:mod:`impt_analysis.interop.refi_qda`.

Examples
--------
>>> from xml.etree import ElementTree as ET
>>> from impt_analysis.interop.refi_qda.mapping import read_mapping
>>> from impt_analysis.interop.refi_qda.sources import Source
>>> root = ET.fromstring('<Project><Sources><TextSource guid="s1" name="Interview 1"/></Sources></Project>')
>>> sources = [Source(root.find("Sources/TextSource"), "s1", "Interview 1", "Interview 1", None)]
>>> rules = read_mapping({"defaults": {"country": "Denmark", "date": "2010-06-01", "sector": "Police",
...                                    "level": "local"}})
>>> interviews, actors = interviews_and_actors(root, sources, rules, "p.qdpx")
>>> interviews[0]["country"], interviews[0]["sector"], actors[0]["actor_id"]
('DK', 'police', 'A-Interview 1')
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from ...codebook import VOCABULARIES
from ...validation import Problem, StudyValidationError, iso_countries
from .project import FIELDS, REQUIRED_FIELDS, QdpxError, bare_guid, ref_guid

if TYPE_CHECKING:
    from .mapping import Mapping
    from .sources import Source

__all__ = ["interviews_and_actors"]

_EXAMPLES = {"country": "DK", "date": "2010-06-01", "sector": "government", "level": "national"}


def interviews_and_actors(
    root: ET.Element,
    sources: list[Source],
    rules: Mapping,
    label: str,
    frame_actors: list[dict] | None = None,
) -> tuple[list[dict], list[dict]]:
    """The interview of each source and the actors interviewed, as rows of the study's tables.

    ``frame_actors`` are the actors of the coding frame's actor codes: an ``actor_id`` variable that
    names one (by its code's name or its id, any case) makes it the interviewee's
    organisation, and gives the interview its country, sector and level where no variable
    does. Any other ``actor_id`` becomes an actor of its own.

    Raises
    ------
    QdpxError
        The mapping names a source the project does not hold.
    StudyValidationError
        With every value that is missing, conflicting or cannot be mapped.
    """
    variables = {
        bare_guid(v.get("guid")): (v.get("name") or "").strip() for v in root.findall("Variables/Variable")
    }
    wanted = {f: rules.variables.get(f, f).casefold() for f in FIELDS}
    found: dict[str, dict[str, list[tuple[str, str]]]] = {s.guid: defaultdict(list) for s in sources}

    def collect(owner_guids, element, place):
        for value in element.findall("VariableValue"):
            name = variables.get(ref_guid(value.find("VariableRef")), "")
            text = next((c.text for c in value if c.tag != "VariableRef" and c.text and c.text.strip()), None)
            for f, variable in wanted.items():
                if name.casefold() == variable and text is not None:
                    for guid in owner_guids:
                        if guid in found:
                            found[guid][f].append((text.strip(), place))

    for case in root.findall("Cases/Case"):
        # SourceRef is the standard; some exporters write MemberSource, as in a Set
        refs = [ref_guid(r) for r in case.findall("SourceRef") + case.findall("MemberSource")]
        collect(refs, case, f"case {case.get('name')!r}" if case.get("name") else "an unnamed case")
    for s in sources:
        collect([s.guid], s.element, "the source")
    # ATLAS.ti writes document attributes as document groups (Sets) named "variable: value".
    for group in root.findall("Sets/Set"):
        name, sep, text = (group.get("name") or "").partition(":")
        for f, variable in wanted.items():
            if sep and text.strip() and name.strip().casefold() == variable:
                for member in group.findall("MemberSource"):
                    if ref_guid(member) in found:
                        found[ref_guid(member)][f].append((text.strip(), f"set {group.get('name')!r}"))
    known = {s.name for s in sources} | {s.guid for s in sources}
    unknown = [k for k in rules.sources if k not in known and bare_guid(k) not in known]
    if unknown:
        raise QdpxError(
            f"mapping, sources: {', '.join(map(repr, unknown))} is not a source of {label} "
            f"(its sources: {', '.join(s.name for s in sources[:10])})"
        )
    by_name = {}
    for actor in frame_actors or []:
        by_name.setdefault(actor["name"].casefold(), actor)
        by_name[actor["actor_id"].casefold()] = actor
    problems: list[Problem] = []
    missing: dict[str, list[str]] = defaultdict(list)
    rows = []
    for s in sources:
        given = rules.sources.get(s.name) or next(
            (v for k, v in rules.sources.items() if bare_guid(k) == s.guid), {}
        )
        row = {"interview_id": s.interview_id}
        origin, from_actor = [], []
        named = {v for v, _ in found[s.guid]["actor_id"]}
        raw_actor = (
            given.get("actor_id")
            or (next(iter(named)) if len(named) == 1 else None)
            or rules.defaults.get("actor_id")
        )
        respondent = by_name.get(raw_actor.casefold()) if raw_actor else None
        for f in FIELDS:
            values = {v for v, _ in found[s.guid][f]}
            if f == "actor_id" and respondent is not None and len(values) <= 1:
                row[f] = respondent["actor_id"]
                continue
            if f in given:
                raw = given[f]
            elif len(values) > 1:
                places = ", ".join(f"{v!r} in {p}" for v, p in found[s.guid][f])
                problems.append(
                    Problem(label, None, f, None, f"source {s.name!r} has conflicting values: {places}")
                )
                continue
            elif values:
                raw = values.pop()
            elif respondent is not None and respondent.get(f):
                raw = respondent[f]
                from_actor.append(f)
            elif f in rules.defaults:
                raw = rules.defaults[f]
                origin.append(f)
            else:
                if f in REQUIRED_FIELDS:
                    missing[f].append(s.name)
                continue
            value, why = _field_value(f, raw, rules)
            if why:
                problems.append(Problem(label, None, f, raw, f"source {s.name!r}: {why}"))
            row[f] = value
        row["notes"] = (
            f"REFI-QDA source {s.name!r}"
            + (f"; {', '.join(origin)} from the mapping's defaults" if origin else "")
            + (f"; {', '.join(from_actor)} from its actor code" if from_actor else "")
        )
        rows.append(row)
    for f, names in missing.items():
        problems.append(
            Problem(
                label,
                None,
                f,
                None,
                f"no {f} for {len(names)} source(s) ({', '.join(names[:5])}"
                f"{', ...' if len(names) > 5 else ''}): give a case variable {f!r}, or a value "
                f"in the mapping file (--mapping) under 'defaults:' for all sources, e.g. "
                f"'defaults: {{{f}: {_EXAMPLES[f]}}}', or under 'sources:' for one",
            )
        )
    if problems:
        raise StudyValidationError(problems, label)
    return _with_actors(rows, label, frame_actors or [])


def _field_value(f: str, raw: str, rules: Mapping) -> tuple[str, str | None]:
    """Our value for a variable's value, or why there is none."""
    table = rules.values.get(f, {})
    folded = {k.casefold(): v for k, v in table.items()}
    value = table.get(raw, folded.get(raw.casefold(), raw))
    if f == "country":
        if value.upper() in iso_countries():
            return value.upper(), None
        import pycountry

        try:
            return pycountry.countries.lookup(value).alpha_2, None
        except LookupError:
            return (
                value,
                "not a country (an ISO code such as DK or an English name): map it under 'values: country:'",
            )
    if f == "date":
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})([T ].*)?", value)
        if not match:
            return value, "not a date in the form YYYY-MM-DD"
        return match.group(1), None
    if f in ("sector", "level"):
        for code, label, _ in VOCABULARIES[f]:  # the default codebook's values, without building it
            if value.casefold() in (code.casefold(), label.casefold()):
                return code, None
        return value, (
            f"not a {f} of the codebook ({', '.join(c for c, _, _ in VOCABULARIES[f])}): map it under "
            f"'values: {f}:' in the mapping file"
        )
    return value, None


def _with_actors(rows: list[dict], label: str, known: list[dict]) -> tuple[list[dict], list[dict]]:
    """Interviews with their actors: the actor_id variable's actors, or a placeholder per interview.

    The actors of the coding frame (``known``) are returned by the caller, not here; an
    interview whose country, sector or level differs from its frame actor's is an error.
    """
    frame_ids = {a["actor_id"]: a for a in known}
    actors: dict[str, dict] = {}
    problems = []
    for row in rows:
        named = bool(row.get("actor_id"))
        actor_id = row["actor_id"] if named else f"A-{row['interview_id']}"
        row["actor_id"] = actor_id
        actor = {
            "actor_id": actor_id,
            "country": row["country"],
            "sector": row["sector"],
            "level": row["level"],
            "kind": "organisation",
            "name": (
                f"Organisation {actor_id}, as named in the coded project"
                if named
                else f"Organisation of the respondent in interview {row['interview_id']} (not named in "
                "the coded project)"
            ),
        }
        if actor_id in frame_ids:
            differ = [
                k
                for k in ("country", "sector", "level")
                if frame_ids[actor_id].get(k) and frame_ids[actor_id][k] != row[k]
            ]
            if differ:
                problems.append(
                    Problem(
                        label,
                        None,
                        "actor_id",
                        actor_id,
                        f"interview {row['interview_id']!r} gives its actor code different "
                        f"{', '.join(differ)}",
                    )
                )
            continue
        if actor_id in actors:
            differ = [k for k in ("country", "sector", "level") if actors[actor_id][k] != actor[k]]
            if differ:
                problems.append(
                    Problem(
                        label,
                        None,
                        "actor_id",
                        actor_id,
                        f"interviews give the actor different {', '.join(differ)}",
                    )
                )
            continue
        actors[actor_id] = actor
    if problems:
        raise StudyValidationError(problems, label)
    return rows, list(actors.values())
