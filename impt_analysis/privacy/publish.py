"""A de-identified public export of a study that universities can reuse, documented and citable.

The study's own aim was to make information useful "without threatening individual
integrity". :func:`export_public` writes a new data package from a study, never touching the
input: the tables de-identified by :func:`~impt_analysis.privacy.deidentify.deidentify` (no free text,
keyed pseudonyms, years instead of dates, k-anonymous interviews, rows linked to groups of at
least k interviews rather than to an interview, suppressed small counts), a table of barrier
counts per country, a ``DISCLOSURE.md`` saying what was removed, generalised and suppressed
(with counts), the k reached, how a linkage attack on the rows fares against guessing from
``interviews.csv`` alone, and the risks that remain, and the package documentation every
published package carries (``README.md`` codebook, ``CITATION.cff``, licence and contributors
in ``datapackage.json``). Metadata is generated, not copied: the study's title, description,
keywords and sources are free text and are replaced unless ``keep_title``; its licence and
contributors are carried (a study stating no licence needs ``licence=``).

The package is written into a temporary folder beside the output and moved into place only
once it is complete and :func:`~impt_analysis.privacy.disclosure.check_disclosure` has passed on it
(with the confidential study and the key, so that the linkage attack is measured against the
truth); an existing non-empty output folder is refused unless ``force`` is given. What cannot
be protected (no interview reaching k, a wholly suppressed table) is refused with
:class:`~impt_analysis.privacy.deidentify.ExportRefused` and nothing is written.

Examples
--------
>>> import tempfile
>>> from impt_analysis import load_study
>>> from impt_analysis.privacy.publish import export_public
>>> out = export_public(load_study(), tempfile.mkdtemp() + "/public", key=b"0123456789abcdef")
>>> out.check.passed, load_study(out.path).public
(True, True)
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import OutputExistsError, UsageProblem
from ..interop.package_docs import write_package_docs
from ..paths import move_into_place
from ..schema import resource_descriptor
from ..study import Study, write_study
from . import SUPPRESS_BELOW, K
from .deidentify import (
    BARRIER_COUNTS,
    CASE_COUNT_MARGINS,
    Deidentified,
    ExportRefused,
    _as_key,
    deidentify,
    stated_licences,
)
from .disclosure import DisclosureCheck, check_disclosure
from .record import DisclosureRecord, LinkageResult

__all__ = [
    "PublicExport",
    "DisclosureError",
    "ExportRefused",
    "export_public",
    "write_public_package",
    "check_disclosure",
    "disclosure_statement",
]

log = logging.getLogger(__name__)


class DisclosureError(ValueError):
    """The export did not pass its own disclosure check; nothing was published."""


@dataclass(frozen=True)
class PublicExport:
    """What :func:`export_public` wrote: the folder, the record of what was done, the check.

    ``record`` is the :class:`~impt_analysis.privacy.record.DisclosureRecord` of the package, with
    the linkage attack measured (``record.linkage``), as ``datapackage.json`` holds it.
    """

    path: Path
    record: DisclosureRecord
    check: DisclosureCheck
    key_given: bool

    def summary(self) -> str:
        """A few lines for the command line."""
        r = self.record
        cases, barriers = r.suppressed_cells["case_counts"], r.suppressed_cells["barrier_counts"]
        lines = [
            f"wrote a de-identified public export to {self.path}",
            f"  interviews: {r.interviews.published} published in {r.groups} groups, "
            f"{r.interviews.suppressed} suppressed; k reached {r.k_reached} (required {r.k})",
            f"  case counts: {cases.suppressed} of {cases.cells} cells suppressed; "
            f"barrier counts: {barriers.suppressed} of {barriers.cells}",
            f"  columns removed: {', '.join(r.removed_columns) or 'none'}",
        ]
        for row in r.linkage or ():
            lines.append(
                f"  linkage attack on the {row.attribute}: right for {row.attack_correct} of "
                f"{row.interviews} interviews; guessing from interviews.csv alone: "
                f"{row.baseline_correct}"
            )
        lines.append(f"  disclosure check: {'passed' if self.check.passed else 'FAILED'}")
        if not self.key_given:
            lines.append(
                "  the pseudonyms were made with a one-off key that was not kept: the export cannot be "
                "reproduced (give --key-file to make it reproducible)"
            )
        return "\n".join(lines)


def export_public(
    study: Study,
    out: str | Path,
    k: int = K,
    suppress_below: int = SUPPRESS_BELOW,
    key: bytes | str | None = None,
    force: bool = False,
    names: Iterable[str] = (),
    *,
    licence: str | None = None,
    keep_title: bool = False,
) -> PublicExport:
    """Write a de-identified public data package of ``study`` into the folder ``out``.

    Parameters
    ----------
    study : Study
        The study to publish (it is not changed, nor is its folder).
    out : str or Path
        The folder to write. It must not exist, or be empty, unless ``force``.
    k : int
        Every published combination of country, year, sector and level of an interview
        occurs at least ``k`` times (at least 2); the rows reported in an interview name its
        group of at least ``k`` such interviews.
    suppress_below : int
        Counts of 1 to ``suppress_below - 1`` children (case counts) or interviews (barrier
        counts) are suppressed, with secondary suppression.
    key : bytes or str, optional
        Secret key for the pseudonyms, at least 16 bytes. The same key gives the same package,
        byte for byte; without one a random key is used (for the pseudonyms and the linkage
        check) and forgotten. Never written into the package: keep it apart (or destroy it).
    force : bool
        Replace a non-empty ``out`` folder.
    names : iterable of str
        Names that must not appear anywhere in the package (checked by
        :func:`~impt_analysis.privacy.disclosure.check_disclosure`).
    licence : str, optional
        An SPDX identifier (e.g. ``CC-BY-4.0``), required when the study's package states no
        licence. A study that states one keeps it (a different ``licence`` is refused): the
        export never puts a licence on someone else's data that they did not choose.
    keep_title : bool
        Keep the study's own title, name, description, keywords and sources; by default they
        are replaced by text generated from the data, since free text may name anyone.

    Returns
    -------
    PublicExport

    Raises
    ------
    FileExistsError
        ``out`` is not empty (and ``force`` is not given), or is a file.
    ExportRefused
        The study cannot be protected at this ``k`` or ``suppress_below`` (the message says what
        to change); nothing is written.
    ValueError
        Bad parameters, no licence, ``out`` overlaps the study's own folder, or the export failed
        its disclosure check (:class:`DisclosureError`; nothing is written then).

    Examples
    --------
    >>> import tempfile
    >>> from impt_analysis import load_study
    >>> folder = tempfile.mkdtemp() + "/public"
    >>> out = export_public(load_study(), folder, key=b"0123456789abcdef")
    >>> out.record.k_reached >= 5, sorted(p.name for p in out.path.glob("*.md"))
    (True, ['DISCLOSURE.md', 'README.md'])
    """
    if not isinstance(k, int) or isinstance(k, bool) or k < 2:
        raise UsageProblem(f"k must be a whole number of at least 2, not {k!r}")
    if not isinstance(suppress_below, int) or isinstance(suppress_below, bool) or suppress_below < 1:
        raise UsageProblem(f"suppress_below must be a whole number of at least 1, not {suppress_below!r}")
    if licence is None and not stated_licences(study.meta):
        raise UsageProblem(
            "the study's datapackage.json states no licence, and a public export must say under which "
            "licence it may be reused: give one with --licence (licence=), an SPDX identifier such as "
            "CC-BY-4.0 or CC0-1.0, chosen by whoever holds the rights to the data"
        )
    names = list(names)
    out = Path(out)
    _check_target(out, study.path, force)
    key_given = key is not None
    key = _as_key(key)  # one key for the pseudonyms and the check of the linkage attack; never written
    result = deidentify(
        study, k=k, suppress_below=suppress_below, key=key, licence=licence, keep_title=keep_title
    )
    from .disclosure import (
        linkage_attack,  # disclosure builds on this module's neighbours: imported when used
    )

    linkage = _linkage_record(linkage_attack(result.study, study, key))
    result = dataclasses.replace(result, record=dataclasses.replace(result.record, linkage=linkage))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        write_public_package(result, tmp)
        check = check_disclosure(tmp, k=k, names=names, suppress_below=suppress_below, study=study, key=key)
        if not check.passed:
            raise DisclosureError(
                f"the export was not published: it failed its own disclosure check\n{check}"
            )
        os.chmod(tmp, 0o755)
        _move_into_place(tmp, out, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    check = dataclasses.replace(check, path=out)
    log.info("wrote a public export of %s to %s", study.name, out)
    return PublicExport(out, result.record, check, key_given)


def _linkage_record(linkage: pd.DataFrame) -> tuple[LinkageResult, ...]:
    return tuple(
        LinkageResult(
            attribute=str(r["attribute"]),
            interviews=int(r["interviews"]),
            attack_correct=int(r["attack_correct"]),
            baseline_correct=int(r["baseline_correct"]),
        )
        for r in linkage.to_dict("records")
    )


def _check_target(out: Path, source: Path | None, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out} exists and is not a folder: choose another --out")
    if source is not None:
        a, b = out.resolve(), Path(source).resolve()
        if a == b or a in b.parents or b in a.parents:
            raise UsageProblem(
                f"{out} overlaps the study's own folder {source}: write the export somewhere else"
            )
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputExistsError(f"{out} is not empty: choose an empty folder, or use --force to replace it")


def _move_into_place(tmp: Path, out: Path, force: bool) -> None:
    """Swap the finished package in (:func:`impt_analysis.paths.move_into_place`), checked again first."""
    _check_target(out, None, force)
    move_into_place(tmp, out)


def write_public_package(result: Deidentified, folder: str | Path) -> Path:
    """Write a de-identified study, its aggregates, ``DISCLOSURE.md`` and the documentation into ``folder``.

    :func:`export_public` calls it on a temporary folder and checks the result before moving
    it into place; called directly (e.g. on ``deidentify(..., pool_rows=False)`` to test the
    linkage attack) nothing is checked. ``datapackage.json`` holds ``result.record`` as JSON
    (``impt:disclosure``), the linkage attack included once measured. Returns the folder.
    """
    folder = Path(folder)
    public = result.study
    write_study(public, folder, meta={**public.meta, "impt:disclosure": result.record.to_json()})
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    rules = result.suppression or {"case_counts": {"value": "count", **CASE_COUNT_MARGINS}}
    for r in descriptor["resources"]:
        if r["name"] in rules:
            r["impt:suppression"] = rules[r["name"]]
    for name, frame in result.aggregates.items():
        frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
        descriptor["resources"].append(_aggregate_resource(public, name, rules.get(name)))
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (folder / "DISCLOSURE.md").write_text(disclosure_statement(result.record, public), encoding="utf-8")
    write_package_docs(folder, descriptor, public.codebook)
    return folder


def _aggregate_resource(public: Study, name: str, rule: dict | None = None) -> dict:
    table = {"barrier_counts": BARRIER_COUNTS}[name]
    return {
        **resource_descriptor(table, public.codebook),
        "impt:suppression": rule or {"value": "interviews", "rows": ["country"], "columns": ["barrier"]},
    }


def disclosure_statement(record: DisclosureRecord, public: Study | None = None) -> str:
    """``DISCLOSURE.md``: what the export removed, generalised and suppressed, and what risks remain.

    It names only published countries and prints no count of suppressed interviews from 1 to
    ``suppress_below - 1`` (nor a study total that would give one away).

    Parameters
    ----------
    record : DisclosureRecord
        The record of :func:`~impt_analysis.privacy.deidentify.deidentify` (also in
        ``datapackage.json`` as ``impt:disclosure``: :meth:`DisclosureRecord.from_json` reads it
        back), with ``linkage`` once measured.
    public : Study, optional
        The public study, for its title and synthetic label.

    Returns
    -------
    str
        Markdown text.
    """
    iv = record.interviews
    cells = record.suppressed_cells
    cases, barriers = cells["case_counts"], cells["barrier_counts"]
    k, below = record.k, record.suppress_below
    pooled = record.rows_pooled
    title = public.meta.get("title", "") if public is not None else ""
    out = [f"# Disclosure control{': ' + title if title else ''}", ""]
    if public is not None and public.synthetic:
        out += [
            "> **SYNTHETIC DEMONSTRATION DATA.** The source study is synthetic; the controls below are "
            "applied as they would be to real interviews.",
            "",
        ]
    if not pooled:
        out += [
            "> **PROTECTION SWITCHED OFF.** Each interview is its own group: the rows reported in an "
            "interview point at it. This package was made to test the linkage attack and must not be "
            "published.",
            "",
        ]
    in_study = "not stated" if iv.in_study is None else iv.in_study
    interviews = f"{in_study} / {iv.published} / {iv.suppressed}"
    withheld = record.withheld
    out += [
        "This package was written by `impt_analysis.privacy.publish.export_public` from a study of coded interviews "
        "with professionals about children at risk of trafficking. It is meant to be reused; this page says "
        "what was done so that no child and no respondent can be identified from it, and what risks remain. "
        "The same figures are in `datapackage.json` under `impt:disclosure`.",
        "",
        "## Summary",
        "",
        "| | |",
        "| --- | --- |",
        f"| k required / reached | {k} / {record.k_reached if record.k_reached is not None else 'no interviews'} |",
        f"| quasi-identifiers of an interview | {', '.join(record.quasi_identifiers)} |",
        f"| interviews in the study / published / suppressed | {interviews} |",
        f"| groups of interviews named by the rows (`interview_group`) | {record.groups} |",
        f"| case-count cells suppressed | {cases.suppressed} of {cases.cells} "
        f"({cases.primary} primary, {cases.secondary} secondary) |",
        f"| barrier-count cells suppressed | {barriers.suppressed} of "
        f"{barriers.cells} ({barriers.primary} primary, "
        f"{barriers.secondary} secondary) |",
        *(
            [
                f"| assessment cells suppressed (`assessments.csv`: young people per domain and level; the "
                f"totals of a country per domain and of the region per level) | {a.suppressed} of "
                f"{a.cells} ({a.primary} primary, {a.secondary} secondary) |"
            ]
            if (a := cells.get("assessments"))
            else []
        ),
        "",
        f'A number of suppressed interviews from 1 to {below - 1} is shown as "<{below}", and the study\'s total '
        "is then not stated, so that it cannot be worked out by subtraction. Countries none of whose interviews "
        "could be published are not named anywhere in this package.",
        "",
        "## Removed",
        "",
        "Counted over the published rows.",
        "",
        "| column | values removed |",
        "| --- | --- |",
    ]
    out += [f"| `{col}` | {n} |" for col, n in record.removed_columns.items()]
    out += [
        "",
        "Interview notes and coded excerpts are free text and are never published. The interview date is "
        "replaced by its year (`interviews.year`). The respondent's organisation (`interviews.actor_id`) is "
        "left out, because it would give the respondent's exact sector and level. Any column outside the "
        "published schema is left out.",
        "",
        "Left out with the countries none of whose interviews is published, and because no published row "
        f"refers to them: {withheld.actors} actors (among them organisations that are only some "
        f"respondent's own) and {withheld.items} items. Rows pointing at an actor or item left out: "
        + ", ".join(f"{n} {name}" for name, n in withheld.rows_removed_pointing_at_withheld_countries.items())
        + f"; links emptied (a barrier's blocked link, a flow's item): "
        f"{withheld.links_emptied_pointing_at_withheld_countries}.",
        "",
        "## Replaced",
        "",
        f"- Actor names ({record.generated_columns.actor_names}) are replaced by their sector, level "
        'and kind, e.g. "Police (National, Organisation)"; item labels '
        f"({record.generated_columns.item_labels}) by their type, child group and theme.",
        "- Identifiers are replaced by pseudonyms: the first letter of what they name and 16 hexadecimal "
        "digits of HMAC-SHA256 under a secret key. The same key gives the same pseudonyms; the key is not "
        "in this package, and without it the pseudonyms cannot be traced back. Distinct values: "
        + ", ".join(f"{n} {namespace}s" for namespace, n in record.pseudonyms.items())
        + ".",
        "- The package's title, description and keywords are generated from the data (the study's own are "
        "free text and could name anyone), unless its publisher asked to keep them; its licence and "
        "contributors are those the study states.",
        "- Rows are sorted by country and pseudonym, so their order tells nothing.",
        "",
        "## Generalised and suppressed interviews",
        "",
        f"Every combination of {', '.join(record.quasi_identifiers)} among the published interviews occurs "
        f"at least {k} times (k-anonymity). To get there, each country's sectors are generalised to a group "
        "(state authority or public service / civil society / other sectors) or hidden (any sector), and its "
        "levels to local or regional / national or international or hidden (any level), choosing for each "
        "country the step that suppresses the fewest interviews, then the least generalisation. The groups "
        "and their members are listed in `codebook.csv` (category sector and level). Interviews that no step "
        "protects (fewer than k interviews of a country in a year) are suppressed, with the knowledge, "
        "flows, barriers and codings reported in them.",
        "",
        "| country | interviews published | sector | level | interviews suppressed | smallest class |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    out += [
        f"| {g.country} | {g.interviews} | {g.sector} | {g.level} | {g.suppressed} | {g.k} |"
        for g in record.generalisation
    ]
    removed = record.rows_removed_with_suppressed_interviews
    out += [
        "",
        "Rows removed with the suppressed interviews: "
        + ", ".join(f"{n} {name}" for name, n in removed.items())
        + ".",
        "",
    ]
    out += _grouping_section(record, pooled)
    out += [
        "## Suppressed counts",
        "",
        f"Counts from 1 to {below - 1} are suppressed (left empty): the numbers of children in "
        "`case_counts.csv`, and the numbers of published interviews naming a barrier in `barrier_counts.csv` "
        "(counted on the confidential interviews, since `barriers.csv` names groups, not interviews). Further "
        "cells are suppressed (secondary suppression) so that no suppressed cell can be worked out from row "
        "or column totals: the totals of a country per tier and of the region per child group (case counts), "
        "of a country and of a barrier (barrier counts). The column `suppression` says why a count is empty: "
        f'`primary` (a count from 1 to {below - 1}, shown as "<{below}" in reports) or `secondary` (hidden '
        'to protect a primary cell, shown as "suppressed"); it is empty where the count is shown. A true zero is '
        "shown, unless it is hidden to protect another cell (then it is marked secondary, never primary); in "
        "`barrier_counts.csv` zeros are always shown. A table whose every cell would be suppressed is not published at all: the export refuses it.",
        "",
        _withheld_text(record, below),
        "",
        "## Residual risks",
        "",
        "- **Organisations are named by their role.** Actors keep their country, sector, level and kind: a "
        "national co-ordinator or contact point is one identifiable body. What organisations do with "
        "information is the subject of the study. The rows of a group mix the accounts of its interviews, so "
        "they point at the group's respondents together, no more precisely than `interviews.csv` does (see "
        "the linkage attack above); a group whose respondents all work for one organisation points at that "
        "organisation, as `interviews.csv` would.",
        "- **k-anonymity protects against singling out, not against what a whole group shares.** If every "
        "interview of a group named the same barrier, a reader learns it of each of them.",
        "- **Counts per item are exact.** `items.n_interviews`, `n_organisations` and `n_sectors` are small "
        "numbers by nature (an item reported in one interview has 1, 1, 1); they say how many respondents "
        "reported an item, not which.",
        "- **Patterns can fingerprint a group** for someone who knows the transcripts: how many flows, "
        "items and coded segments it has. Segment positions are not published: within a group they could "
        "be clustered back into interviews.",
        "- **Suppressed cells can be bounded**, though not recovered: a cell is at most the suppressed part "
        "of its row's total. Only the totals named above are protected; a table summed in another way "
        "(e.g. per source within a country) is not. `barriers.csv` tells which barriers a country's groups "
        "named, so a reader knows which barrier counts are 0 and which are at least 1: in `barrier_counts.csv` "
        "zeros are therefore shown and never hidden to protect another cell.",
        "- **The key re-identifies.** Whoever holds the pseudonym key and the original identifiers can link "
        "this package back to the study. Keep the key apart from the package, or destroy it.",
        "- **The codebook is published as it is.** Its labels and descriptions were checked for e-mail "
        "addresses, telephone numbers and the names given to the check, like every other file.",
        "",
        "## Check",
        "",
        "`impt_analysis.privacy.disclosure.check_disclosure` re-read this package before it was published: the k "
        "reached, no free-text column, no full date, no link from respondent to organisation, no cell looking "
        "like an e-mail address or telephone number (or holding a name given to it), no count from 1 to "
        f"{below - 1}, no suppressed cell recoverable from totals, and the linkage attack doing no better than "
        "the guess from `interviews.csv`. It passed.",
        "",
    ]
    return "\n".join(out)


def _withheld_text(record: DisclosureRecord, below: int) -> str:
    totals = {name: n for name, n in record.withheld_totals.items() if n}
    if not totals:
        return (
            "Every row and column total of the suppressed tables may be published: the suppression holds "
            "against all of them."
        )
    return (
        "Some totals are withheld: "
        + ", ".join(f"{n} of `{name}.csv`" for name, n in totals.items())
        + ". Each is listed in `datapackage.json` under its table's `impt:suppression` (`withheld`): it is "
        f"itself a count from 1 to {below - 1} (`primary`), or no further hidden cell could protect a cell of "
        "its line (`secondary`). Do not publish or quote them: the suppression holds against every other "
        "total of those lines."
    )


_ATTRIBUTES = {"sector": "sector", "level": "level", "actor": "organisation (actor)"}


def _grouping_section(record: DisclosureRecord, pooled: bool) -> list[str]:
    k = record.k
    out = ["## Rows linked to groups of interviews, not to interviews", ""]
    if pooled:
        out += [
            f"The rows reported in an interview (`knowledge.csv`, `flows.csv`, `barriers.csv`, `codings.csv`) "
            "do not name the interview. They name its group (`interview_group`, also a column of "
            f"`interviews.csv`): the interviews sharing country, year, published sector and published level, "
            f"at least {k} of them. Knowledge and barriers are listed once per group (rows merged: "
            + ", ".join(f"{n} {name}" for name, n in record.rows_merged_in_groups.items())
            + "). Otherwise the actors that the rows of one interview touch (the respondent's own organisation "
            "turns up in them) would tell the respondent's sector, level or organisation more precisely than "
            "`interviews.csv` publishes. What triangulation needs per item (how many interviews, organisations "
            "and sectors report it) is published as counts in `items.csv`, counted on the confidential study.",
            "",
        ]
    else:
        out += ["Each interview is its own group: the rows reported in an interview point at it.", ""]
    linkage = record.linkage
    if linkage:
        out += [
            "A linkage attack was run on this package, with the confidential study as the truth: for each "
            "published interview, guess the respondent's sector, level and organisation from the actor its "
            "group's rows touch most often. The baseline is the best single guess per class of "
            "`interviews.csv` (the most common true value within the class), which is more than anyone "
            "reading `interviews.csv` alone can do. The package passes only if the attack does no better "
            "than the baseline.",
            "",
            "| respondent's | interviews | attack right | baseline right |",
            "| --- | --- | --- | --- |",
        ]
        out += [
            f"| {_ATTRIBUTES.get(r.attribute, r.attribute)} | {r.interviews} | {r.attack_correct} | "
            f"{r.baseline_correct} |"
            for r in linkage
        ]
        out.append("")
    return out
