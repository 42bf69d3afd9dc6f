"""The study data package: its tables, columns, types, keys and vocabularies.

This module is the single description of the format. The loader validates against it,
the writers generate ``datapackage.json`` (Frictionless Data Package v2, one Table Schema per
table) from it, and the generated README codebook documents it.

Examples
--------
>>> from impt_analysis.schema import TABLES
>>> [f.name for f in TABLES["flows"].fields][:3]
['flow_id', 'interview_id', 'source_actor']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

__all__ = [
    "Field",
    "Span",
    "ForeignKey",
    "Table",
    "TABLES",
    "TABLE_ORDER",
    "PUBLIC_TABLES",
    "GENERATED_COLUMNS",
    "ROW_TABLES",
    "ITEM_SUPPORT",
    "SUPPRESSION",
    "SUPPRESSED_COUNTS",
    "EVIDENCE_SEPARATOR",
    "COUNTRY_PATTERN",
    "BARRIER_COUNTS",
    "SPANS",
    "tables_for",
    "package_name",
    "table_schema",
    "resource_descriptor",
    "package_descriptor",
]

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


@dataclass(frozen=True)
class Field:
    """A column: its Table Schema type, whether it is required, and its vocabulary.

    ``category`` names the codebook category whose codes are the allowed values; ``any_code``
    allows every code of the codebook, whatever its category (a coded segment's code: a thematic
    code, or a vocabulary's code such as a barrier); the descriptor writes either as an ``enum``.
    ``pattern`` is a regular expression a filled value must match as a whole (``pattern_message``
    says, in a user's words, what it means);
    ``free_text`` marks columns that never go into a public export, and so does ``withheld``:
    a column that is not free text but points at the passages of an interview (``evidence``),
    which a public export neither publishes nor describes.
    """

    name: str
    type: str = "string"
    description: str = ""
    required: bool = True
    category: str | None = None
    free_text: bool = False
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    withheld: bool = False
    pattern_message: str = ""
    any_code: bool = False


# The largest integers a study holds (hostile input: a count of 2**63 must be refused, not wrap):
# a position in an interview's text (code points; an hour's transcript is some 60,000), and any
# count of children, interviews or rows.
MAX_POSITION = 10_000_000
MAX_COUNT = 10_000_000


def _country_pattern() -> str:
    """A regular expression matching exactly the ISO 3166-1 alpha-2 codes (from pycountry).

    One letter class per first letter, so that the descriptor says what the validator checks:
    ``"UK"`` (the United Kingdom is ``GB``) matches ``[A-Z]{2}`` but is no country code.
    """
    import pycountry

    second: dict[str, list[str]] = {}
    for code in sorted(c.alpha_2 for c in pycountry.countries):
        second.setdefault(code[0], []).append(code[1])
    return "^(" + "|".join(f"{a}[{''.join(b)}]" for a, b in second.items()) + ")$"


#: The ISO 3166-1 alpha-2 country codes, as the pattern of every ``country`` column.
COUNTRY_PATTERN = _country_pattern()
_COUNTRY_MESSAGE = "not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. DK; the UK is GB)"


def _country(description: str, required: bool = True) -> Field:
    return Field(
        "country",
        description=description,
        required=required,
        pattern=COUNTRY_PATTERN,
        pattern_message=_COUNTRY_MESSAGE,
    )


# The passages a derived row comes from (see :mod:`impt_analysis.interop.refi_qda.derive`): the
# segment ids of codings.csv, separated by EVIDENCE_SEPARATOR. Never in a public export.
EVIDENCE_SEPARATOR = ";"


def _evidence(what: str) -> Field:
    return Field(
        "evidence",
        required=False,
        withheld=True,
        description=f"The coded passages {what} comes from: segment ids of codings.csv, separated by "
        f"'{EVIDENCE_SEPARATOR}' (written by impt import-qdpx; never in a public export).",
    )


@dataclass(frozen=True)
class ForeignKey:
    """A column whose filled values must be values of a column of another table.

    The referenced column need not be unique (Table Schema allows that): a barrier count's
    country must be the country of some published interview. ``message`` says what a value
    that is not there means, in a user's words (default: "no such <reference> in <resource>.csv").
    """

    fields: str
    resource: str
    reference: str
    message: str = ""


#: The custom Table Schema property that carries a table's :class:`Span` rules in ``datapackage.json``.
SPANS = "impt:spans"


@dataclass(frozen=True)
class Span:
    """Two columns of a row that point at a stretch of an interview's text, and the text itself.

    ``start`` is not after ``end`` (an error: such a row points at nothing), and ``text``, where
    the table has it and a row fills it, holds exactly ``end - start`` code points (a warning:
    its positions no longer point at it, see
    :func:`~impt_analysis.validation.check_span_texts`). Table Schema has no rule across
    columns, so frictionless cannot check a span: ``datapackage.json`` carries it as the custom
    property :data:`SPANS` of the table's schema, and only the workbench checks it.

    Examples
    --------
    >>> [(s.start, s.end, s.text) for s in TABLES["codings"].spans]
    [('start', 'end', 'excerpt')]
    """

    start: str
    end: str
    text: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)
    #: An optional table may be absent from a package (then it is empty); listed in the
    #: descriptor, its file must be there. Written only when it has rows.
    optional: bool = False
    #: Positions in an interview's text that its rows hold (see :class:`Span`).
    spans: tuple[Span, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "codebook",
            "Every controlled value and thematic code, grounded in the 2010 report.",
            (
                Field("code", description="The value or code as it appears in the data."),
                Field("category", description="The vocabulary it belongs to (sector, barrier, code, ...)."),
                Field("label", description="A short human-readable label."),
                Field("description", description="What the value means in the study.", required=False),
                Field("parent", description="The enclosing code (thematic codes only).", required=False),
                Field(
                    "rank",
                    type="integer",
                    required=False,
                    minimum=0,
                    maximum=MAX_COUNT,
                    description="The code's place in its category's order, 1 first (verification: "
                    "strongest first); empty: the codebook's row order.",
                ),
            ),
            primary_key=("code", "category"),
        ),
        Table(
            "actors",
            "Organisations, services, networks and coordination bodies; never a private person.",
            (
                Field("actor_id", description="Identifier of the actor."),
                Field(
                    "name", description="A role description of the organisation or service.", free_text=True
                ),
                _country("ISO 3166-1 alpha-2 code; empty for international actors.", required=False),
                Field("sector", category="sector", description="The sector the actor belongs to."),
                Field("level", category="level", description="Local, regional, national or international."),
                Field(
                    "kind",
                    category="kind",
                    description="Organisation, professional network, national coordinator or contact point.",
                ),
            ),
            primary_key=("actor_id",),
        ),
        Table(
            "interviews",
            "One row per interview; actor_id is the organisation the respondent speaks for.",
            (
                Field("interview_id", description="Identifier of the interview."),
                _country("ISO 3166-1 alpha-2 code of the country."),
                Field("date", type="date", description="Date of the interview (YYYY-MM-DD)."),
                Field("sector", category="sector", description="Sector of the respondent's organisation."),
                Field("level", category="level", description="Level of the respondent's organisation."),
                Field("actor_id", description="The organisation the respondent speaks for."),
                Field(
                    "notes",
                    description="Interviewer's notes (free text, never public).",
                    required=False,
                    free_text=True,
                ),
            ),
            primary_key=("interview_id",),
            foreign_keys=(ForeignKey("actor_id", "actors", "actor_id"),),
        ),
        Table(
            "items",
            "Pieces of information about children at risk.",
            (
                Field("item_id", description="Identifier of the item."),
                _country("ISO 3166-1 alpha-2 code of the country it concerns."),
                Field("label", description="What the information says, in a few words.", free_text=True),
                Field("info_type", category="info_type", description="Trend, emerging issue or incident."),
                Field("child_group", category="child_group", description="The group of children concerned."),
                Field("theme", category="theme", description="The seminar theme it belongs to."),
            ),
            primary_key=("item_id",),
        ),
        Table(
            "knowledge",
            "Who knows what, as reported in an interview.",
            (
                Field("interview_id", description="The interview in which this was reported."),
                Field("actor_id", description="The actor that holds the information."),
                Field("item_id", description="The information held."),
                Field("verification", category="verification", description="Official, maybe or anecdotal."),
                Field("source_type", category="source_type", description="Where the actor has it from."),
                _evidence("this row"),
            ),
            primary_key=("interview_id", "actor_id", "item_id"),
            foreign_keys=(
                ForeignKey("interview_id", "interviews", "interview_id"),
                ForeignKey("actor_id", "actors", "actor_id"),
                ForeignKey("item_id", "items", "item_id"),
            ),
        ),
        Table(
            "flows",
            "Who passes information to whom (item_id optional).",
            (
                Field("flow_id", description="Identifier of the flow."),
                Field("interview_id", description="The interview in which it was reported."),
                Field("source_actor", description="The actor passing information on."),
                Field("target_actor", description="The actor receiving it."),
                Field("channel", category="channel", description="How the information is passed."),
                Field("frequency", category="frequency", description="Regular or ad hoc."),
                Field("item_id", description="The item passed, if the flow is about one.", required=False),
                _evidence("the flow"),
            ),
            primary_key=("flow_id",),
            foreign_keys=(
                ForeignKey("interview_id", "interviews", "interview_id"),
                ForeignKey("source_actor", "actors", "actor_id"),
                ForeignKey("target_actor", "actors", "actor_id"),
                ForeignKey("item_id", "items", "item_id"),
            ),
        ),
        Table(
            "barriers",
            "Barriers named in an interview; the actor pair (optional) is the link it blocks.",
            (
                Field("interview_id", description="The interview in which the barrier was named."),
                Field("barrier", category="barrier", description="The barrier (see the codebook)."),
                Field("source_actor", description="Source of the blocked link, if any.", required=False),
                Field("target_actor", description="Target of the blocked link, if any.", required=False),
                Field(
                    "severity",
                    type="integer",
                    minimum=1,
                    maximum=3,
                    description="1 minor, 2 serious, 3 blocking.",
                ),
                _evidence("the barrier"),
            ),
            foreign_keys=(
                ForeignKey("interview_id", "interviews", "interview_id"),
                ForeignKey("source_actor", "actors", "actor_id"),
                ForeignKey("target_actor", "actors", "actor_id"),
            ),
        ),
        Table(
            "codings",
            "Coded text segments; the excerpt is free text and never public.",
            (
                Field("segment_id", description="Identifier of the text segment."),
                Field("interview_id", description="The interview the segment is from."),
                Field("code", any_code=True, description="The code applied (a code of the codebook)."),
                Field("coder", description="Who applied it (a pseudonym)."),
                Field(
                    "start",
                    type="integer",
                    minimum=0,
                    maximum=MAX_POSITION,
                    description="First position, in code points from 0.",
                ),
                Field(
                    "end",
                    type="integer",
                    minimum=0,
                    maximum=MAX_POSITION,
                    description="Position after the last, in code points.",
                ),
                Field("excerpt", description="The coded text.", required=False, free_text=True),
            ),
            primary_key=("segment_id", "code", "coder"),
            foreign_keys=(ForeignKey("interview_id", "interviews", "interview_id"),),
            spans=(Span("start", "end", text="excerpt"),),
        ),
        Table(
            "case_counts",
            "The numbers of children the report asks countries to disseminate, with their basis.",
            (
                _country("ISO 3166-1 alpha-2 code."),
                Field("year", type="integer", minimum=1990, maximum=2100, description="The year counted."),
                Field(
                    "tier",
                    category="tier",
                    description="Identified, suspected, exploitative situation or at-risk context.",
                ),
                Field("child_group", category="child_group", description="The group of children counted."),
                Field(
                    "count", type="integer", minimum=0, maximum=MAX_COUNT, description="Number of children."
                ),
                Field("basis", category="basis", description="What the figure is based on."),
                Field("source_actor", description="The actor the figure comes from."),
                _evidence("the figure"),
            ),
            primary_key=("country", "year", "tier", "child_group", "source_actor"),
            foreign_keys=(ForeignKey("source_actor", "actors", "actor_id"),),
        ),
        Table(
            "assessments",
            "Optional. Young people assessed with the 2007 tool (life domains, three levels each), counted per "
            "domain and level: an aggregate, never a row per young person.",
            (
                _country("ISO 3166-1 alpha-2 code."),
                Field("year", type="integer", minimum=1990, maximum=2100, description="The year assessed."),
                Field("domain", category="assessment_domain", description="The life domain of the tool."),
                Field("level", category="assessment_level", description="Going well, struggling or at risk."),
                Field(
                    "count",
                    type="integer",
                    minimum=0,
                    maximum=MAX_COUNT,
                    description="Number of young people assessed at this level in this domain.",
                ),
                Field("basis", category="basis", description="What the figure is based on."),
                Field("source_actor", description="The actor the figure comes from."),
            ),
            primary_key=("country", "year", "domain", "level", "source_actor"),
            foreign_keys=(ForeignKey("source_actor", "actors", "actor_id"),),
            optional=True,
        ),
    ]
}

# Tables of counts of children that a public export suppresses (a ``suppression`` column beside ``count``).
SUPPRESSED_COUNTS = ("case_counts", "assessments")

# Order in which tables are loaded and written: referenced tables first.
TABLE_ORDER = tuple(TABLES)


# Tables whose rows were reported in an interview. In a public export they name the interview's
# group (``interview_group``), never the interview: the actors a row touches would otherwise
# tell the respondent's sector or organisation more precisely than ``interviews.csv`` does.
ROW_TABLES = ("knowledge", "flows", "barriers", "codings")
# Published per item in a public export, counted on the confidential study, so that
# triangulation runs without linking rows to interviews.
ITEM_SUPPORT = (
    Field(
        "n_interviews",
        type="integer",
        minimum=0,
        maximum=MAX_COUNT,
        description="Published interviews that report the item (knowledge.csv).",
    ),
    Field(
        "n_organisations",
        type="integer",
        minimum=0,
        maximum=MAX_COUNT,
        description="Distinct organisations the respondents of those interviews speak for.",
    ),
    Field(
        "n_sectors",
        type="integer",
        minimum=0,
        maximum=MAX_COUNT,
        description="Distinct (exact) sectors of the respondents of those interviews.",
    ),
)
INTERVIEW_GROUP = Field(
    "interview_group",
    pattern="^G-[0-9a-f]{16}$",
    description="The group of published interviews sharing country, year, sector and level (at least k of "
    "them); rows reported in an interview name its group, never the interview.",
)
# Why a count of a public export's suppressed table is empty: "" shown, "primary" a count from 1 to
# suppress_below - 1, "secondary" hidden so that a primary cell cannot be worked out from totals.
SUPPRESSION = Field(
    "suppression",
    required=False,
    pattern="^(primary|secondary)$",
    pattern_message="must be empty, 'primary' or 'secondary'",
    description="Empty where the count is shown; primary: a count from 1 to suppress_below - 1 (shown as "
    '"<5" for suppress_below 5); secondary: hidden so that a primary count cannot be worked out '
    'from totals (shown as "suppressed").',
)

# The aggregate a public export publishes beside its tables (``barrier_counts.csv``): published
# interviews naming each barrier, per country, with the reason a count is suppressed.
BARRIER_COUNTS = Table(
    "barrier_counts",
    "Number of published interviews naming each barrier, per country; empty where suppressed.",
    (
        _country("ISO 3166-1 alpha-2 code."),
        Field("barrier", category="barrier", description="The barrier (see the codebook)."),
        Field(
            "interviews",
            type="integer",
            required=False,
            minimum=0,
            description="Interviews naming the barrier; empty where suppressed (a small count, or a cell hidden "
            "so that a small count cannot be worked out from the country's or the barrier's total).",
        ),
        SUPPRESSION,
    ),
    primary_key=("country", "barrier"),
    foreign_keys=(
        ForeignKey(
            "country",
            "interviews",
            "country",
            message="no published interview from this country in interviews.csv",
        ),
    ),
)


# Where a coded segment sits in its interview. Segments of one interview share positions that
# nest and overlap; within an interview group they could be clustered back into interviews, and
# the actor codes of the coding frame would then tell whom an interview touches.
POSITIONS = {("codings", "start"), ("codings", "end")}


def _public_table(table: Table) -> Table:
    """The form a table takes in a de-identified public export (see :mod:`impt_analysis.privacy.publish`).

    Free-text columns become optional (an export leaves them out); actor names and item
    labels are generated from controlled values; the interview date gives way to its year; the
    respondent's organisation (``interviews.actor_id``) and a suppressed case count may be
    absent or empty. Interviews carry their ``interview_group``; the rows of
    :data:`ROW_TABLES` name that group instead of the interview (so ``knowledge`` and
    ``barriers`` have no primary key: they hold distinct rows); items carry the counts of
    :data:`ITEM_SUPPORT`.
    """
    fields = []
    for f in table.fields:
        if f.withheld:  # never published, not even described
            continue
        if (table.name, f.name) in POSITIONS:
            continue
        if (table.name, f.name) in GENERATED_COLUMNS:
            sources = ", ".join(GENERATED_COLUMNS[table.name, f.name])
            f = replace(
                f,
                required=False,
                free_text=False,
                description=f"Generated from {sources} (the original free text is not published).",
            )
        elif f.free_text:
            f = replace(f, required=False)
        elif (table.name, f.name) == ("interviews", "date"):
            fields.append(
                Field(
                    "year",
                    type="integer",
                    required=False,
                    minimum=1990,
                    maximum=2100,
                    description="Year of the interview (a public export publishes no full date).",
                )
            )
            f = replace(f, required=False)
        elif (table.name, f.name) == ("interviews", "actor_id"):
            f = replace(
                f, required=False, description="The respondent's organisation (not in a public export)."
            )
        elif (table.name, f.name) in {("interviews", "sector"), ("interviews", "level")}:
            f = replace(
                f,
                description=f.description[:-1] + ", generalised to a broader group where needed "
                "for k-anonymity (see the codebook).",
            )
        elif table.name in SUPPRESSED_COUNTS and f.name == "count":
            f = replace(
                f,
                required=False,
                description=f.description[:-1] + "; empty where suppressed (a small "
                "count, or a cell hidden so that a small count cannot be worked out from totals).",
            )
            fields += [f, SUPPRESSION]
            continue
        elif table.name in ROW_TABLES and f.name == "interview_id":
            f = INTERVIEW_GROUP
        fields.append(f)
    if table.name == "interviews":
        return replace(
            table,
            fields=(*fields, INTERVIEW_GROUP),
            description="One row per interview (a public export does not say whom the respondent speaks for).",
        )
    if table.name == "items":
        return replace(table, fields=(*fields, *ITEM_SUPPORT))
    if table.name in ROW_TABLES:
        keys = tuple(
            replace(fk, fields="interview_group", reference="interview_group")
            if fk.fields == "interview_id"
            else fk
            for fk in table.foreign_keys
        )
        primary = () if table.name in ("knowledge", "barriers") else table.primary_key
        return replace(table, fields=tuple(fields), primary_key=primary, foreign_keys=keys)
    return replace(table, fields=tuple(fields))


# Columns a public export generates from controlled values instead of publishing free text.
GENERATED_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("actors", "name"): ("sector", "level", "kind"),
    ("items", "label"): ("info_type", "child_group", "theme"),
}


def _spans_kept(table: Table) -> Table:
    """``table`` with the spans whose positions it still has (a public export has none), texts it has."""
    names = {f.name for f in table.fields}
    spans = tuple(
        replace(s, text=s.text if s.text in names else None)
        for s in table.spans
        if s.start in names and s.end in names
    )
    return replace(table, spans=spans)


# The tables of a de-identified public export (``"impt:public": true`` in datapackage.json).
PUBLIC_TABLES: dict[str, Table] = {name: _spans_kept(_public_table(t)) for name, t in TABLES.items()}


def tables_for(meta: dict) -> dict[str, Table]:
    """The table definitions a package's metadata calls for: public or full."""
    return PUBLIC_TABLES if meta.get("impt:public") else TABLES


def package_name(title: str, default: str = "study") -> str:
    """A Data Package ``name`` (lower case, digits, ``.``, ``_``, ``-``) made from a title.

    Examples
    --------
    >>> package_name("Coding round 2, Tallinn")
    'coding-round-2-tallinn'
    >>> package_name("???", default="imported-study")
    'imported-study'
    """
    return re.sub(r"[^a-z0-9._-]+", "-", title.casefold()).strip("-") or default


def table_schema(table: Table, codebook: pd.DataFrame, present: list[str] | None = None) -> dict:
    """A Frictionless Table Schema (v2) for ``table``, enums taken from ``codebook``.

    ``present`` restricts the fields to the columns a package actually has (public exports
    drop free-text columns). A field's ``category`` becomes the ``enum`` of that category's
    codes, ``any_code`` the ``enum`` of every code of the codebook (sorted, each once). The
    table's spans, which Table Schema cannot express, go into the custom property
    :data:`SPANS` (those whose columns are present; a span's text where it is present).

    Examples
    --------
    >>> from impt_analysis.codebook import default_codebook
    >>> schema = table_schema(TABLES["codings"], default_codebook())
    >>> code = next(f for f in schema["fields"] if f["name"] == "code")
    >>> "corruption" in code["constraints"]["enum"], "police" in code["constraints"]["enum"]
    (True, True)
    >>> schema[SPANS]
    [{'start': 'start', 'end': 'end', 'text': 'excerpt'}]
    >>> table_schema(TABLES["codings"], default_codebook(), ["segment_id", "start", "end"])[SPANS]
    [{'start': 'start', 'end': 'end'}]
    """
    vocabularies: dict[str, set[str]] = {}  # category -> codes (plain Python: called per table)
    for code, category in zip(codebook["code"].astype(str), codebook["category"].astype(str)):
        vocabularies.setdefault(category, set()).add(code)
    fields = []
    for f in table.fields:
        if present is not None and f.name not in present:
            continue
        spec: dict = {"name": f.name, "type": f.type, "description": f.description}
        constraints: dict = {}
        if f.required:
            constraints["required"] = True
        if f.category:
            constraints["enum"] = sorted(vocabularies.get(f.category, ()))
        elif f.any_code:
            constraints["enum"] = sorted(set().union(*vocabularies.values()))
        if f.minimum is not None:
            constraints["minimum"] = f.minimum
        if f.maximum is not None:
            constraints["maximum"] = f.maximum
        if f.pattern:
            constraints["pattern"] = f.pattern
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    schema: dict = {"$schema": SCHEMA_PROFILE, "fields": fields, "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    fks = [
        {"fields": [fk.fields], "reference": {"resource": fk.resource, "fields": [fk.reference]}}
        for fk in table.foreign_keys
        if present is None or fk.fields in present
    ]
    if fks:
        schema["foreignKeys"] = fks
    written = {spec["name"] for spec in fields}
    spans = [
        {"start": s.start, "end": s.end, **({"text": s.text} if s.text in written else {})}
        for s in table.spans
        if s.start in written and s.end in written
    ]
    if spans:
        schema[SPANS] = spans
    return schema


def package_descriptor(
    meta: dict, codebook: pd.DataFrame, columns: dict[str, list[str]] | None = None
) -> dict:
    """The ``datapackage.json`` descriptor for a study, given its metadata and codebook.

    ``meta`` holds the package-level properties (name, title, version, description, licenses,
    sources, contributors, and any ``impt:`` extensions); ``columns`` maps table name to the
    columns written, when they differ from the full schema. A public export
    (``meta["impt:public"]``) is described with :data:`PUBLIC_TABLES`.
    """
    resources = []
    tables = tables_for(meta)
    for name in TABLE_ORDER:
        if columns is not None and name not in columns:
            continue
        resources.append(
            resource_descriptor(tables[name], codebook, None if columns is None else columns[name])
        )
    return {"$schema": PACKAGE_PROFILE, **meta, "resources": resources}


def resource_descriptor(table: Table, codebook: pd.DataFrame, present: list[str] | None = None) -> dict:
    """The Data Package resource describing one table's CSV file, with its Table Schema."""
    return {
        "name": table.name,
        "type": "table",
        "path": table.path,
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": table.description,
        "schema": table_schema(table, codebook, present),
    }
