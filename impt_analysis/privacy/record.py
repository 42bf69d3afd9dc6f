"""The disclosure record: what a public export removed, generalised and suppressed, with counts.

:func:`~impt_analysis.privacy.deidentify.deidentify` fills one :class:`DisclosureRecord`, and
:func:`~impt_analysis.privacy.publish.export_public` adds the result of the linkage attack
(``linkage``). The record is published twice: as the figures of ``DISCLOSURE.md``
(:func:`~impt_analysis.privacy.publish.disclosure_statement`), and as JSON in the package's
``datapackage.json`` under ``impt:disclosure`` (:meth:`DisclosureRecord.to_json`).
:meth:`DisclosureRecord.from_json` reads that JSON back from a package someone hands you, and
refuses a malformed record.

A record holds nothing of a withheld country (a country none of whose interviews is
published), and no count of suppressed interviews from 1 to ``suppress_below - 1``: such a
count is the text ``"<5"`` (:func:`shown_count`), and the study's total, which would give it
away by subtraction, is then left out.

Examples
--------
>>> InterviewCounts(published=16, suppressed="<5").to_json()
{'published': 16, 'suppressed': '<5'}
>>> InterviewCounts.from_json({"published": 16, "suppressed": 2, "in_study": 18}, suppress_below=5)
Traceback (most recent call last):
...
ValueError: malformed disclosure record (impt:disclosure): interviews.suppressed must be 0, at least 5, or "<5", not 2
"""

from __future__ import annotations

import math
import reprlib
from dataclasses import asdict, dataclass, fields

__all__ = [
    "DisclosureRecord",
    "InterviewCounts",
    "GeneralisedCountry",
    "Withheld",
    "GeneratedColumns",
    "FrameCodes",
    "SuppressedCells",
    "LinkageResult",
    "ShownCount",
    "shown_count",
]

ShownCount = int | str
"""A count of interviews as a public document may print it: 0, at least ``suppress_below``, or ``"<5"``."""


def shown_count(n: int, suppress_below: int) -> ShownCount:
    """A count of interviews as a public document may print it: 0 or at least ``suppress_below``, else "<5".

    Examples
    --------
    >>> shown_count(0, 5), shown_count(2, 5), shown_count(7, 5)
    (0, '<5', 7)
    """
    n = int(n)
    return n if n == 0 or n >= suppress_below else f"<{suppress_below}"


@dataclass(frozen=True)
class InterviewCounts:
    """The study's interviews: how many were published, suppressed, and held by the study.

    Attributes
    ----------
    published : int
        Interviews published (in ``interviews.csv``).
    suppressed : int or str
        Interviews suppressed because no generalisation made them k-anonymous: 0, at least
        ``suppress_below``, or the text ``"<5"`` for a count from 1 to ``suppress_below - 1``.

    Examples
    --------
    >>> InterviewCounts(published=60, suppressed=0).to_json()
    {'published': 60, 'suppressed': 0, 'in_study': 60}
    """

    published: int
    suppressed: ShownCount

    @property
    def in_study(self) -> int | None:
        """Interviews in the confidential study, ``published + suppressed``; None (left out of the
        JSON) when ``suppressed`` is a text, since the total would give the small count away."""
        return None if isinstance(self.suppressed, str) else self.published + self.suppressed

    @classmethod
    def shown(cls, published: int, in_study: int, suppress_below: int) -> InterviewCounts:
        """The counts as the record may show them: a small number suppressed as text, and no total then.

        Examples
        --------
        >>> InterviewCounts.shown(16, 18, 5)
        InterviewCounts(published=16, suppressed='<5')
        """
        return cls(published, shown_count(in_study - published, suppress_below))

    def to_json(self) -> dict:
        """The JSON form: ``in_study`` only where it may be stated."""
        out = {"published": self.published, "suppressed": self.suppressed}
        if self.in_study is not None:
            out["in_study"] = self.in_study
        return out

    @classmethod
    def from_json(cls, data, suppress_below: int, where: str = "interviews") -> InterviewCounts:
        """Read the JSON form, refusing a small count of suppressed interviews and a total that gives one away."""
        _object(data, where, ("published", "suppressed"), optional=("in_study",))
        counts = cls(
            _count(data["published"], f"{where}.published"),
            _shown(data["suppressed"], f"{where}.suppressed", suppress_below),
        )
        stated = data.get("in_study")
        if stated is not None:
            if counts.in_study is None:
                raise _malformed(
                    f"{where}.in_study",
                    f'left out when the suppressed count is "{counts.suppressed}"',
                    stated,
                )
            if _count(stated, f"{where}.in_study") != counts.in_study:
                raise _malformed(f"{where}.in_study", f"{counts.in_study} (published + suppressed)", stated)
        return counts


@dataclass(frozen=True)
class GeneralisedCountry:
    """How one published country's interviews were made k-anonymous (a row of ``DISCLOSURE.md``).

    Attributes
    ----------
    country : str
        The country's code (a country none of whose interviews is published has no row).
    interviews : int
        Its interviews published.
    sector, level : str
        The step of the generalisation hierarchy chosen for the country: ``exact`` (as coded),
        ``group`` (e.g. state authority, civil society) or ``any`` (hidden).
    suppressed : int or str
        Its interviews suppressed: 0, at least ``suppress_below``, or ``"<5"``.
    k : int
        The size of its smallest class of published interviews (country, year, sector, level).
    """

    country: str
    interviews: int
    sector: str
    level: str
    suppressed: ShownCount
    k: int


@dataclass(frozen=True)
class Withheld:
    """What was left out with the countries none of whose interviews is published (no country is named).

    Attributes
    ----------
    rows_removed_pointing_at_withheld_countries : dict of str to int
        Per table, the rows removed: counts of children from a withheld country, and rows that
        point at an actor or item left out.
    links_emptied_pointing_at_withheld_countries : int
        Links emptied rather than rows removed: a barrier's blocked link, a flow's item.
    actors, items : int
        Actors and items left out: those of withheld countries, and those no published row
        refers to (e.g. an organisation that is only some respondent's own).
    """

    rows_removed_pointing_at_withheld_countries: dict[str, int]
    links_emptied_pointing_at_withheld_countries: int
    actors: int
    items: int


@dataclass(frozen=True)
class GeneratedColumns:
    """Free text replaced by text generated from controlled values.

    Attributes
    ----------
    actor_names : int
        Actor names (``actors.name``) replaced by sector, level and kind.
    item_labels : int
        Item labels (``items.label``) replaced by type, child group and theme.

    Examples
    --------
    >>> GeneratedColumns(actor_names=7, item_labels=3).to_json()
    {'actors.name': 7, 'items.label': 3}
    """

    actor_names: int
    item_labels: int

    def to_json(self) -> dict:
        """The JSON form, keyed by the column (``table.column``)."""
        return {"actors.name": self.actor_names, "items.label": self.item_labels}

    @classmethod
    def from_json(cls, data, where: str = "generated_columns") -> GeneratedColumns:
        """Read the JSON form, refusing anything but the two counts."""
        _object(data, where, ("actors.name", "items.label"))
        return cls(
            _count(data["actors.name"], f"{where}.actors.name"),
            _count(data["items.label"], f"{where}.items.label"),
        )


@dataclass(frozen=True)
class FrameCodes:
    """Codes of a coding frame that name one actor or item (``actor:<id>``, ``item:<id>``).

    Attributes
    ----------
    pseudonymised : int
        Codes renamed to the actor's or item's pseudonym, labelled with its generated text.
    dropped : int
        Codes of actors and items not published, removed with the codings that apply them.
    """

    pseudonymised: int = 0
    dropped: int = 0


@dataclass(frozen=True)
class SuppressedCells:
    """The cells of one table of counts, and how many are suppressed (left empty).

    Attributes
    ----------
    cells : int
        Cells (rows) of the published table.
    primary : int
        Cells whose count is from 1 to ``suppress_below - 1``.
    secondary : int
        Cells hidden to protect a primary cell from being worked out from the totals.

    Examples
    --------
    >>> SuppressedCells(cells=12, primary=1, secondary=3).to_json()
    {'cells': 12, 'suppressed': 4, 'primary': 1, 'secondary': 3}
    """

    cells: int
    primary: int
    secondary: int

    @property
    def suppressed(self) -> int:
        """Cells suppressed, ``primary + secondary``."""
        return self.primary + self.secondary

    def to_json(self) -> dict:
        """The JSON form: the cells, the cells suppressed, and of those the primary and the secondary."""
        return {
            "cells": self.cells,
            "suppressed": self.suppressed,
            "primary": self.primary,
            "secondary": self.secondary,
        }

    @classmethod
    def from_json(cls, data, where: str) -> SuppressedCells:
        """Read the JSON form, refusing counts that do not add up."""
        _object(data, where, ("cells", "suppressed", "primary", "secondary"))
        cells = cls(*(_count(data[key], f"{where}.{key}") for key in ("cells", "primary", "secondary")))
        stated = _count(data["suppressed"], f"{where}.suppressed")
        if stated != cells.suppressed or stated > cells.cells:
            raise _malformed(
                f"{where}.suppressed", f"primary + secondary ({cells.suppressed}), at most cells", stated
            )
        return cells


@dataclass(frozen=True)
class LinkageResult:
    """The linkage attack on one attribute of the respondents (:func:`~impt_analysis.privacy.disclosure.linkage_attack`).

    Attributes
    ----------
    attribute : str
        What the attack guesses of each published interview's respondent: ``sector``, ``level``
        or ``actor`` (the organisation).
    interviews : int
        Published interviews attacked.
    attack_correct : int
        Interviews for which the guess from the actor their group's rows touch most often is right.
    baseline_correct : int
        Interviews for which the best single guess per class of ``interviews.csv`` is right. The
        package passes only if the attack does no better.
    """

    attribute: str
    interviews: int
    attack_correct: int
    baseline_correct: int


@dataclass(frozen=True, kw_only=True)
class DisclosureRecord:
    """What a public export removed, generalised and suppressed, with counts: the figures of ``DISCLOSURE.md``.

    The attributes are in the order of the JSON form (``impt:disclosure`` in ``datapackage.json``).

    Attributes
    ----------
    k : int
        Every published combination of the quasi-identifiers occurs at least k times.
    suppress_below : int
        Counts from 1 to ``suppress_below - 1`` (children, interviews) are suppressed.
    quasi_identifiers : tuple of str
        The attributes of an interview over which it is k-anonymous (country, year, sector, level).
    rows_pooled : bool
        True when the rows reported in an interview name its group of at least k interviews; False
        only in a package made to test the linkage attack, which must not be published.
    interviews : InterviewCounts
        Interviews published, suppressed and (when safe to say) in the study.
    rows_removed_with_suppressed_interviews : dict of str to int
        Per table of rows reported in an interview (knowledge, flows, barriers, codings), the rows
        removed with the suppressed interviews.
    generalisation : tuple of GeneralisedCountry
        Per published country, the generalisation chosen and its smallest class.
    k_reached : int or None
        The size of the smallest class of published interviews (None if none is published).
    withheld : Withheld
        Actors, items, rows and links left out with the countries none of whose interviews is
        published, and actors and items no published row refers to.
    removed_columns : dict of str to int
        Per column removed (``table.column``: free text, full dates, the respondent's
        organisation, columns outside the schema), its non-empty values among the published rows.
    generated_columns : GeneratedColumns
        Actor names and item labels replaced by generated text.
    frame_codes : FrameCodes
        Codes of a coding frame that named an actor or item, pseudonymised or dropped.
    pseudonyms : dict of str to int
        Per namespace (actor, coder, flow, interview, item, segment, group), the distinct
        identifiers replaced by keyed pseudonyms.
    rows_merged_in_groups : dict of str to int
        Knowledge and barrier rows merged because the same row was reported in several
        interviews of one group.
    suppressed_cells : dict of str to SuppressedCells
        Per table of counts (``case_counts``, ``assessments`` where the study has them,
        ``barrier_counts``), its cells and how many are suppressed.
    withheld_totals : dict of str to int
        Per table of counts, the row or column totals that must not be published (listed in the
        table's ``impt:suppression``).
    linkage : tuple of LinkageResult or None
        The linkage attack on the published rows, per attribute of the respondent; None (left
        out of the JSON) until :func:`~impt_analysis.privacy.publish.export_public` has measured it.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> from impt_analysis.privacy.deidentify import deidentify
    >>> record = deidentify(load_study(), key=b"0123456789abcdef").record
    >>> record.k, record.k_reached >= record.k, record.groups > 0
    (5, True, True)
    >>> DisclosureRecord.from_json(record.to_json()) == record
    True

    A record whose study total gives a small count of suppressed interviews away is refused:

    >>> bad = {**record.to_json(), "interviews": {"published": 58, "suppressed": "<5", "in_study": 60}}
    >>> DisclosureRecord.from_json(bad)
    Traceback (most recent call last):
    ...
    ValueError: malformed disclosure record (impt:disclosure): interviews.in_study must be left out when the suppressed count is "<5", not 60
    """

    k: int
    suppress_below: int
    quasi_identifiers: tuple[str, ...]
    rows_pooled: bool
    interviews: InterviewCounts
    rows_removed_with_suppressed_interviews: dict[str, int]
    generalisation: tuple[GeneralisedCountry, ...]
    k_reached: int | None
    withheld: Withheld
    removed_columns: dict[str, int]
    generated_columns: GeneratedColumns
    frame_codes: FrameCodes
    pseudonyms: dict[str, int]
    rows_merged_in_groups: dict[str, int]
    suppressed_cells: dict[str, SuppressedCells]
    withheld_totals: dict[str, int]
    linkage: tuple[LinkageResult, ...] | None = None

    @property
    def groups(self) -> int:
        """The groups of interviews the published rows name (``interview_group``)."""
        return self.pseudonyms.get("group", 0)

    def to_json(self) -> dict:
        """The JSON form, as ``datapackage.json`` holds it under ``impt:disclosure`` (plain values, in order)."""
        out = {
            "k": self.k,
            "suppress_below": self.suppress_below,
            "quasi_identifiers": list(self.quasi_identifiers),
            "rows_pooled": self.rows_pooled,
            "interviews": self.interviews.to_json(),
            "rows_removed_with_suppressed_interviews": dict(self.rows_removed_with_suppressed_interviews),
            "generalisation": [asdict(g) for g in self.generalisation],
            "k_reached": self.k_reached,
            "withheld": asdict(self.withheld),
            "removed_columns": dict(self.removed_columns),
            "generated_columns": self.generated_columns.to_json(),
            "frame_codes": asdict(self.frame_codes),
            "pseudonyms": dict(self.pseudonyms),
            "rows_merged_in_groups": dict(self.rows_merged_in_groups),
            "suppressed_cells": {name: cells.to_json() for name, cells in self.suppressed_cells.items()},
            "withheld_totals": dict(self.withheld_totals),
        }
        if self.linkage is not None:
            out["linkage"] = [asdict(row) for row in self.linkage]
        return out

    @classmethod
    def from_json(cls, data) -> DisclosureRecord:
        """Read the JSON form (``impt:disclosure``), e.g. from the package of someone else.

        Raises
        ------
        ValueError
            The record is malformed, and the message says where: a key missing or unexpected, a
            value of the wrong type, a count below 0 or above 2**53 - 1, a count of suppressed
            interviews from 1 to ``suppress_below - 1`` (or a study total that gives one away), no
            cells of ``case_counts`` or ``barrier_counts``, or figures that contradict each other:
            ``k_reached`` below k or not the smallest class of a country, countries' interviews
            that do not add up to ``interviews.published``, cell counts that do not add up, a
            linkage attack on other interviews or right more often than it guessed.
        """
        _object(data, "the record", _KEYS, optional=("linkage",))
        k = _count(data["k"], "k", least=1)
        below = _count(data["suppress_below"], "suppress_below", least=1)
        qi = data["quasi_identifiers"]
        if not isinstance(qi, list):
            raise _malformed("quasi_identifiers", "a list of names", qi)
        if not isinstance(data["rows_pooled"], bool):
            raise _malformed("rows_pooled", "true or false", data["rows_pooled"])
        reached = data["k_reached"]
        linkage = data.get("linkage")
        cells = _object(data["suppressed_cells"], "suppressed_cells")
        missing = [name for name in _STATED_CELLS if name not in cells]
        if missing:
            raise ValueError(f"{_MALFORMED}: suppressed_cells has no {', '.join(missing)}")
        record = cls(
            k=k,
            suppress_below=below,
            quasi_identifiers=tuple(_text(q, f"quasi_identifiers[{i}]") for i, q in enumerate(qi)),
            rows_pooled=data["rows_pooled"],
            interviews=InterviewCounts.from_json(data["interviews"], below),
            rows_removed_with_suppressed_interviews=_counts(
                data["rows_removed_with_suppressed_interviews"], "rows_removed_with_suppressed_interviews"
            ),
            generalisation=tuple(
                _read(GeneralisedCountry, g, f"generalisation[{i}]", below)
                for i, g in enumerate(_list(data["generalisation"], "generalisation"))
            ),
            k_reached=None if reached is None else _count(reached, "k_reached"),
            withheld=_read(Withheld, data["withheld"], "withheld"),
            removed_columns=_counts(data["removed_columns"], "removed_columns"),
            generated_columns=GeneratedColumns.from_json(data["generated_columns"]),
            frame_codes=_read(FrameCodes, data["frame_codes"], "frame_codes"),
            pseudonyms=_counts(data["pseudonyms"], "pseudonyms"),
            rows_merged_in_groups=_counts(data["rows_merged_in_groups"], "rows_merged_in_groups"),
            suppressed_cells={
                name: SuppressedCells.from_json(table, f"suppressed_cells.{name}")
                for name, table in cells.items()
            },
            withheld_totals=_counts(data["withheld_totals"], "withheld_totals"),
            linkage=None
            if linkage is None
            else tuple(
                _read(LinkageResult, row, f"linkage[{i}]") for i, row in enumerate(_list(linkage, "linkage"))
            ),
        )
        _contradictions(record)
        return record


_KEYS = tuple(f.name for f in fields(DisclosureRecord) if f.name != "linkage")
# The tables of counts whose cells DISCLOSURE.md states (publish.disclosure_statement); others are optional.
_STATED_CELLS = ("case_counts", "barrier_counts")
# The largest count a record holds: the largest whole number every JSON reader holds exactly.
_MOST = 2**53 - 1
_MALFORMED = "malformed disclosure record (impt:disclosure)"


def _contradictions(record: DisclosureRecord) -> None:
    """Refuse figures of ``record`` that contradict each other, as no record of ``deidentify`` does.

    The classes of published interviews are (country, year, sector, level), so the smallest is the
    smallest of the countries' (``k_reached``), and it holds at least k interviews; the countries'
    published interviews add up to the study's; the linkage attack guesses for every published
    interview, and is right at most once for each.
    """
    published = record.interviews.published
    for i, g in enumerate(record.generalisation):
        if g.k > g.interviews:
            raise _malformed(f"generalisation[{i}].k", f"at most its interviews ({g.interviews})", g.k)
    if record.k_reached is not None and record.k_reached < record.k:
        raise _malformed("k_reached", f"at least k ({record.k})", record.k_reached)
    smallest = min((g.k for g in record.generalisation), default=None)
    if record.k_reached != smallest:
        expected = (
            "null, as no country is published"
            if smallest is None
            else f"{smallest} (the smallest generalisation[].k)"
        )
        raise _malformed("k_reached", expected, record.k_reached)
    total = sum(g.interviews for g in record.generalisation)
    if total != published:
        raise _malformed(
            "interviews.published", f"{total} (the sum of generalisation[].interviews)", published
        )
    for i, row in enumerate(record.linkage or ()):
        if row.interviews != published:
            raise _malformed(
                f"linkage[{i}].interviews", f"{published} (interviews.published)", row.interviews
            )
        for name in ("attack_correct", "baseline_correct"):
            if getattr(row, name) > row.interviews:
                raise _malformed(
                    f"linkage[{i}].{name}", f"at most its interviews ({row.interviews})", getattr(row, name)
                )


def _read(cls, data, where: str, suppress_below: int = 1):
    """A part of the record whose JSON keys are its attributes, each value checked as its type says."""
    readers = _FIELD_READERS.get(cls) or _field_readers(cls)
    _object(data, where, tuple(readers))
    return cls(
        **{name: read(data[name], f"{where}.{name}", suppress_below) for name, read in readers.items()}
    )


class _Repr(reprlib.Repr):
    """reprlib's short repr, but a whole number too long for ``str()`` (Python's 4300 digits) is described."""

    def repr_int(self, x, level):
        if x.bit_length() > 128:  # past maxlong's 40 characters anyway
            return f"<a whole number of about {int(x.bit_length() * math.log10(2)) + 1} digits>"
        return super().repr_int(x, level)


_short = _Repr().repr


def _malformed(where: str, expected: str, value) -> ValueError:
    return ValueError(f"{_MALFORMED}: {where} must be {expected}, not {_short(value)}")


def _object(data, where: str, keys: tuple[str, ...] | None = None, optional: tuple[str, ...] = ()) -> dict:
    """``data`` if it is a JSON object with text keys (exactly ``keys``, and any of ``optional``, when given)."""
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise _malformed(where, "an object", data)
    if keys is not None:
        missing = [key for key in keys if key not in data]
        unknown = [key for key in data if key not in keys and key not in optional]
        if missing:
            raise ValueError(f"{_MALFORMED}: {where} has no {', '.join(missing)}")
        if unknown:
            raise ValueError(f"{_MALFORMED}: {where} has unexpected keys: {_short(', '.join(unknown))}")
    return data


def _list(data, where: str) -> list:
    if not isinstance(data, list):
        raise _malformed(where, "a list", data)
    return data


def _count(value, where: str, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise _malformed(where, f"a whole number of at least {least}", value)
    if value > _MOST:
        raise _malformed(where, f"a whole number of at most {_MOST}", value)
    return value


def _text(value, where: str) -> str:
    if not isinstance(value, str):
        raise _malformed(where, "a text", value)
    return value


def _counts(data, where: str) -> dict[str, int]:
    return {key: _count(n, f"{where}.{key}") for key, n in _object(data, where).items()}


def _shown(value, where: str, suppress_below: int) -> ShownCount:
    """A count of interviews as the record may show it (:func:`shown_count`), else refused."""
    hidden = f"<{suppress_below}"
    if value == hidden and isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and (value == 0 or value >= suppress_below):
        return _count(value, where)
    raise _malformed(where, f'0, at least {suppress_below}, or "{hidden}"', value)


# The reader of each annotation (text, under ``from __future__ import annotations``) of the attributes _read reads.
_READERS = {
    "int": lambda value, where, _: _count(value, where),
    "str": lambda value, where, _: _text(value, where),
    "ShownCount": _shown,
    "dict[str, int]": lambda value, where, _: _counts(value, where),
}


def _field_readers(cls) -> dict:
    """Per attribute of ``cls`` (in order), the reader of its JSON value; a TypeError for a type with none."""
    unread = [f"{f.name}: {f.type}" for f in fields(cls) if f.type not in _READERS]
    if unread:
        raise TypeError(f"{cls.__name__} has attributes of a type _READERS cannot read ({', '.join(unread)})")
    return {f.name: _READERS[f.type] for f in fields(cls)}


# Built on import, so that an attribute of a type without a reader fails at once, not on every record read.
_FIELD_READERS = {
    cls: _field_readers(cls) for cls in (GeneralisedCountry, Withheld, FrameCodes, LinkageResult)
}
