"""Code interviews by hand: an Excel template of the data package, and its import.

Not every consultant codes in a qualitative-analysis tool. This module answers "how do coded
interviews typed into a spreadsheet become a study the workbench can analyse?": it writes an
Excel workbook with one sheet per table of the data package (column headers, drop-down lists
of the codebook's values and of the identifiers other sheets refer to, a "Read me" sheet),
and reads a filled workbook back into a study with the loader's own validation. Every problem
names the sheet, the row as Excel numbers it, and the column; nothing is dropped or guessed.

Examples
--------
>>> import tempfile, pathlib
>>> from impt_analysis.interop.spreadsheet import write_template, read_workbook
>>> path = write_template(pathlib.Path(tempfile.mkdtemp()) / "round-2.xlsx", empty_rows=5)
>>> read_workbook(path).meta["title"]                 # the Study sheet left empty: the file's name
'round-2'
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..codebook import default_codebook
from ..schema import TABLE_ORDER, TABLES, package_name
from ..study import Study, study_from_tables
from ..validation import Problem, StudyValidationError

__all__ = ["README_SHEET", "STUDY_SHEET", "STUDY_FIELDS", "SheetProblem", "read_workbook", "write_template"]

log = logging.getLogger(__name__)

README_SHEET = "Read me"
STUDY_SHEET = "Study"  # visible: the study's title, authors, licence, wave and description
#: The fields of the Study sheet, in its order: (field, the most characters, what to write).
STUDY_FIELDS = (
    ("title", 200, "The study's title, as pages and the citation show it. Example: Coding round 2, Tallinn"),
    (
        "name",
        100,
        "Optional: a short identifier (lower-case letters, digits, '.', '_', '-'); empty: made from the title",
    ),
    (
        "authors",
        2000,
        "Who made the study: one author or team per line (or separated by ';'). Roles, never a respondent",
    ),
    ("licence", 64, "An SPDX licence identifier, e.g. CC-BY-4.0 or CC0-1.0 (see https://spdx.org/licenses/)"),
    ("version", 40, "Optional: the version of the data, e.g. 1.0.0"),
    (
        "wave",
        10,
        "Optional: the wave of fieldwork, a whole number from 1 (1 = the first round of interviews)",
    ),
    ("description", 5000, "What the study is: who was interviewed, where and when, and how it was coded"),
)
LISTS_SHEET = "lists"  # hidden: the vocabularies the drop-down lists draw on
PACKAGE_SHEET = "package"  # hidden: the package's properties (datapackage.json without resources)
ALL_CODES = "(any code)"
#: Package properties a workbook cannot set: whether a study is a public export or synthetic
#: is decided by the workbench (impt export-public, the demo generator), never by a hidden sheet.
UNSET_PROPERTIES = ("impt:public", "impt:synthetic")
#: The most a workbook may unpack to (its sheets and strings together), checked before openpyxl reads it.
MAX_WORKBOOK_BYTES = 128 << 20
EMPTY_ROWS = 500  # rows below the data that get drop-down lists


@dataclass(frozen=True)
class SheetProblem(Problem):
    """A problem as a workbook user finds it: the sheet and the cell (``sheet actors, cell C7``).

    ``row`` keeps the row as Excel numbers it (for the count of problems of one kind);
    ``cell`` is the cell's reference, when the problem is in one cell.

    Examples
    --------
    >>> str(SheetProblem("sheet flows", 6, "frequency", "weekly", "not a code", cell="F6"))
    "sheet flows, cell F6, column frequency: 'weekly': not a code"
    >>> str(SheetProblem("sheet actors", 1, "kind", None, "required column is missing"))
    'sheet actors, row 1, column kind: required column is missing'
    """

    cell: str | None = None

    def __str__(self) -> str:
        if not self.cell:
            return super().__str__()
        # Problem's sentence, with the cell where the row would stand
        return str(Problem(f"{self.file}, cell {self.cell}", None, self.column, self.value, self.message))


def write_template(path: str | Path, study: Study | None = None, empty_rows: int = EMPTY_ROWS) -> Path:
    """Write the coding workbook: a "Read me" sheet and one sheet per table.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write.
    study : Study, optional
        A study whose tables fill the sheets (its codebook gives the drop-down lists);
        without it, the sheets are empty and the codebook is the default one.
    empty_rows : int
        Rows below the data that get drop-down lists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> write_template(pathlib.Path(tempfile.mkdtemp()) / "coding.xlsx", empty_rows=5).name
    'coding.xlsx'
    """
    from openpyxl import Workbook

    path = Path(path)
    codebook = study.codebook if study is not None else default_codebook()
    tables = study.tables() if study is not None else {"codebook": codebook}
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    _write_readme(readme, study)
    meta = study.meta if study is not None else {}
    _write_study_sheet(wb.create_sheet(STUDY_SHEET), meta)
    lists_sheet = wb.create_sheet(LISTS_SHEET)
    lists = _write_lists(lists_sheet, codebook)
    for name in TABLE_ORDER:
        frame = tables.get(name)
        _write_table(wb.create_sheet(name), name, frame, lists, empty_rows, own_columns=study is not None)
    package = wb.create_sheet(PACKAGE_SHEET)
    package["A1"] = (
        "The study's other package properties (datapackage.json without its resources and without what "
        "the Study sheet says). Do not edit."
    )
    properties = {k: v for k, v in meta.items() if k not in UNSET_PROPERTIES and k not in _STUDY_OWNS}
    package["A2"] = json.dumps(properties, ensure_ascii=False)
    for hidden in (lists_sheet, package):
        hidden.sheet_state = "hidden"
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    wb.move_sheet(PACKAGE_SHEET, offset=len(wb.sheetnames))
    _as_text(wb)
    wb.save(path)
    log.info("wrote the coding template %s", path)
    return path


def _as_text(wb) -> None:
    """Every cell that openpyxl would write as a formula (text starting with "=") is set as text.

    Study text is untrusted: ``=HYPERLINK(...)`` in a note must stay the note, shown and read
    back as typed, never a live formula (OWASP, CSV and formula injection). The template
    writes no formula of its own (the drop-down lists are data validations).
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


#: The package properties the Study sheet states (the hidden package sheet keeps the others).
_STUDY_OWNS = ("title", "name", "version", "wave", "description")
_STUDY_HEADER = ("field", "value", "what to write")


def _authors(meta: dict) -> list[str]:
    """The package's contributors as the names the Study sheet lists, one per author."""
    names = []
    for c in meta.get("contributors") or []:
        if isinstance(c, dict):
            person = " ".join(str(c[k]) for k in ("givenName", "familyName") if c.get(k))
            names.append(str(c.get("title") or person or c.get("organization") or ""))
    return names


def _licences(meta: dict) -> list[str]:
    return [str(lic.get("name")) for lic in meta.get("licenses") or [] if isinstance(lic, dict)]


def _study_values(meta: dict) -> dict[str, str]:
    """What each field of the Study sheet shows for a package's properties."""
    values = {key: str(meta[key]) if meta.get(key) is not None else "" for key in _STUDY_OWNS}
    values["authors"] = "\n".join(_authors(meta))
    values["licence"] = "; ".join(_licences(meta))
    return values


def _write_study_sheet(ws, meta: dict) -> None:
    """The visible Study sheet: one field per row, its value, and a note on what to write."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws.append(list(_STUDY_HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    values = _study_values(meta)
    for field, _, note in STUDY_FIELDS:
        ws.append([field, excel_text(values[field]) or None, note])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "@"  # text: "1.0" stays "1.0", a date stays as typed
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABC", (14, 60, 90)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B2"


def _write_readme(ws, study: Study | None) -> None:
    from openpyxl.styles import Font

    lines: list[tuple[str, ...]] = []
    if study is not None and study.synthetic:
        lines.append(("SYNTHETIC DEMONSTRATION DATA: no row describes a real person, organisation or case.",))
    lines += [
        ("IMPT Workbench: coding template",),
        ("",),
        (
            "First the Study sheet: the study's title, authors, licence, wave and description, one per row "
            "(they become the package's description, its pages' title and its citation).",
        ),
        ("One sheet per table of the study data package. Keep the header row; type one record per row.",),
        (
            "Drop-down lists offer the codebook's values and the identifiers other sheets define "
            "(add actors and interviews first).",
        ),
        ("Dates: YYYY-MM-DD. Identifiers that look like numbers: type them with a leading apostrophe.",),
        (
            "Privacy: the data describe children at risk. Name organisations by their role, never a person; "
            "coders by a pseudonym. Excerpts and notes stay confidential.",
        ),
        ("New thematic codes: add rows to the codebook sheet with the category 'code'.",),
        (
            "Import: impt import-xlsx coding.xlsx --out my-study   (every problem is listed with its sheet and "
            "cell)",
        ),
        ("",),
        ("sheet", "column", "required", "type", "values", "meaning"),
    ]
    for name in TABLE_ORDER:
        table = TABLES[name]
        lines.append((name, "", "", "", "", table.description))
        for f in table.fields:
            values = (
                f"codebook category '{f.category}'"
                if f.category
                else ("any code of the codebook" if (name, f.name) == ("codings", "code") else "")
            )
            lines.append(("", f.name, "yes" if f.required else "", f.type, values, f.description))
    for line in lines:
        ws.append(list(line))
    bold = Font(bold=True)
    ws["A1"].font = bold
    for row in ws.iter_rows():
        if row[0].value in TABLES or row[0].value == "sheet":
            for cell in row:
                cell.font = bold
    for letter, width in zip("ABCDEF", (16, 16, 10, 10, 28, 90)):
        ws.column_dimensions[letter].width = width


def _write_lists(ws, codebook: pd.DataFrame) -> dict[str, str]:
    """One column per vocabulary, plus all codes; return the range of each, by category."""
    from openpyxl.utils import get_column_letter

    columns = {c: list(dict.fromkeys(g["code"])) for c, g in codebook.groupby("category", sort=False)}
    columns[ALL_CODES] = list(dict.fromkeys(codebook["code"]))
    ranges = {}
    for i, (category, codes) in enumerate(columns.items(), start=1):
        letter = get_column_letter(i)
        ws.cell(row=1, column=i, value=category)
        for j, code in enumerate(codes, start=2):
            ws.cell(row=j, column=i, value=code)
        ranges[category] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(codes) + 1}"
    return ranges


def _write_table(
    ws, name: str, frame: pd.DataFrame | None, lists: dict[str, str], empty_rows: int, own_columns: bool
) -> None:
    """A table's sheet: every field of the schema (``own_columns``: the study's columns, in the
    schema's order, an optional field the study lacks left out), its rows, drop-down lists."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    table = TABLES[name]
    columns = [f.name for f in table.fields]
    if frame is not None and own_columns:
        columns = [c for c in columns if c in frame.columns or table.field(c).required]
    if frame is not None:
        columns += [c for c in frame.columns if c not in columns]
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(columns, start=1):
        f = next((f for f in table.fields if f.name == col), None)
        if f is not None:
            ws.cell(row=1, column=i).comment = Comment(
                f"{f.description}{' Required.' if f.required else ' Optional.'}", "IMPT Workbench"
            )
        ws.column_dimensions[get_column_letter(i)].width = 40 if f is not None and f.free_text else 18
    n = 0 if frame is None else len(frame)
    if frame is not None:
        for record in frame.reindex(columns=columns).itertuples(index=False):
            ws.append([_cell(v) for v in record])
    last = n + 1 + empty_rows
    date_columns = [
        i for i, col in enumerate(columns, 1) if col in {f.name for f in table.fields if f.type == "date"}
    ]
    for i in date_columns:
        for row in range(2, last + 1):
            ws.cell(row=row, column=i).number_format = "yyyy-mm-dd"
    for i, col in enumerate(columns, start=1):
        f = next((f for f in table.fields if f.name == col), None)
        if f is None:
            continue
        letter = get_column_letter(i)
        dv = _validation(name, f, lists, DataValidation)
        # an empty table without blank rows (e.g. no assessments) has no cells to check
        if dv is not None and last >= 2:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"


def _validation(table_name: str, f, lists: dict[str, str], DataValidation):
    refs = {fk.fields: fk for fk in TABLES[table_name].foreign_keys}
    if f.category and f.category in lists:
        formula = lists[f.category]
    elif (table_name, f.name) == ("codings", "code"):
        formula = lists[ALL_CODES]
    elif f.name in refs:
        fk = refs[f.name]
        letter = chr(ord("A") + [x.name for x in TABLES[fk.resource].fields].index(fk.reference))
        formula = f"'{fk.resource}'!${letter}$2:${letter}$1048576"
    elif f.type == "integer" and (f.minimum is not None or f.maximum is not None):
        low, high = (
            f.minimum if f.minimum is not None else -(2**31),
            f.maximum if f.maximum is not None else 2**31 - 1,
        )
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f.name,
            error=f"{f.name}: a whole number from {low} to {high}",
        )
    else:
        return None
    return DataValidation(
        type="list",
        formula1=f"={formula}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f.name,
        error=f"{f.name}: choose a value from the list",
    )


def _cell(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, str):
        return excel_text(value)
    return value


# Excel's own escape for characters XML would not keep (OOXML ST_Xstring): "_x000D_" is a
# carriage return. Without it, the XML parser turns every "\r\n" of an excerpt into "\n".
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def excel_text(text: str) -> str:
    r"""A string as a cell keeps it byte for byte: carriage returns and a literal "_xHHHH_" escaped.

    Examples
    --------
    >>> excel_text("one\r\ntwo")
    'one_x000D_\ntwo'
    >>> cell_text(excel_text("one\r\ntwo _x000D_")) == "one\r\ntwo _x000D_"
    True
    >>> excel_text("bell" + chr(7))
    'bell_x0007_'
    """
    text = _ESCAPED.sub(r"_x005F_x\1_", text).replace("\r", "_x000D_")
    # the other characters XML cannot carry (control characters), in the same escape
    return _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text) if _NOT_XML.search(text) else text


def cell_text(text: str) -> str:
    """The text a cell holds, its "_xHHHH_" escapes undone (as Excel writes a carriage return)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def read_workbook(path: str | Path, meta: dict | None = None) -> Study:
    """Read a filled coding workbook as a validated study.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file, as written by :func:`write_template` and filled in.
    meta : dict, optional
        Package properties (name, title, ...); default: those the template was written with,
        else a name and title from the file name.

    Raises
    ------
    StudyValidationError
        With every problem, each naming the sheet (as ``file``), the row as Excel numbers it,
        and the column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from impt_analysis import load_study
    >>> path = write_template(pathlib.Path(tempfile.mkdtemp()) / "demo.xlsx", load_study(), empty_rows=5)
    >>> len(read_workbook(path).interviews)
    60
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    _check_size(path)
    try:
        wb = load_workbook(
            path, read_only=True, data_only=False
        )  # formulas seen as formulas, never evaluated
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as err:
        raise ValueError(f"{path.name}: not an Excel workbook (.xlsx): {err}") from None
    try:
        problems: list[Problem] = []
        for sheet in wb.sheetnames:
            if sheet not in TABLES and sheet not in (README_SHEET, STUDY_SHEET, LISTS_SHEET, PACKAGE_SHEET):
                problems.append(
                    Problem(
                        f"sheet {sheet}",
                        None,
                        None,
                        None,
                        f"not a table of the study: rename it to one of {', '.join(TABLE_ORDER)} "
                        "or delete it",
                    )
                )
        tables, rows = {}, {}
        for name in TABLE_ORDER:
            if name not in wb.sheetnames and TABLES[name].optional:
                continue  # an optional table (assessments) a workbook from an older template lacks: empty
            if name not in wb.sheetnames:
                problems.append(
                    Problem(f"sheet {name}", None, None, None, "sheet is missing from the workbook")
                )
                continue
            frame, numbers, found = _read_sheet(wb[name], name)
            problems += found
            tables[name], rows[name] = frame, numbers
        package = _read_package(wb, problems)
        stated = _read_study_sheet(wb[STUDY_SHEET], problems) if STUDY_SHEET in wb.sheetnames else None
    finally:
        wb.close()
    if meta is not None:
        meta = dict(meta)
    elif stated is not None:
        meta = _study_meta(stated, package or {}, path)
    else:  # a workbook written before the Study sheet: the hidden package sheet alone
        meta = dict(
            package
            or {
                "name": package_name(path.stem),
                "title": path.stem,
                "description": f"Entered in the coding template {path.name}.",
            }
        )
    try:
        study = study_from_tables(tables, meta)
    except StudyValidationError as err:
        problems += [_on_sheet(p, rows) for p in err.problems]
        study = None
    if problems:
        raise StudyValidationError(problems, path.name)
    return study


def _read_study_sheet(ws, problems: list[Problem]) -> dict[str, str]:
    """The fields the Study sheet states (field -> text, "" for an empty value), each checked.

    A field is text of bounded length (:data:`STUDY_FIELDS`); ``wave`` a whole number from 1;
    ``licence`` SPDX identifiers; ``name`` a package name. A row naming ``impt:public`` or
    ``impt:synthetic`` (or any field the sheet does not have) is a problem, never a property.
    """
    from openpyxl.utils import get_column_letter

    from ..interop.package_docs import licence_entry

    sheet = f"sheet {STUDY_SHEET}"
    limits = {field: most for field, most, _ in STUDY_FIELDS}
    stated: dict[str, str] = {}
    for number, row in enumerate(ws.iter_rows(), start=1):
        raw = _values(row, sheet, number, problems)
        cells = [_text(v) for v in raw]
        field, value = (cells + ["", ""])[:2]
        if number == 1:
            if [c.strip().casefold() for c in cells[:2]] != list(_STUDY_HEADER[:2]):
                problems.append(
                    SheetProblem(sheet, 1, None, None, "the header row must read: field, value", cell="A1")
                )
            continue
        field = field.strip()
        for i, extra in enumerate(cells[3:], start=4):
            if extra:
                problems.append(
                    SheetProblem(
                        sheet,
                        number,
                        None,
                        extra,
                        "a value beside the note: type it in column B",
                        cell=f"{get_column_letter(i)}{number}",
                    )
                )
        if not field:
            if value:
                problems.append(
                    SheetProblem(
                        sheet, number, None, value, "a value without a field in column A", cell=f"B{number}"
                    )
                )
            continue
        where = dict(cell=f"B{number}")
        if field in UNSET_PROPERTIES:
            problems.append(
                SheetProblem(
                    sheet,
                    number,
                    field,
                    None,
                    "a workbook cannot say whether a study is public or synthetic: delete the row "
                    "(a public export is made by impt export-public)",
                    cell=f"A{number}",
                )
            )
            continue
        if field not in limits:
            problems.append(
                SheetProblem(
                    sheet,
                    number,
                    None,
                    field,
                    f"not a field of the Study sheet: use one of {', '.join(limits)}",
                    cell=f"A{number}",
                )
            )
            continue
        if field in stated:
            problems.append(
                SheetProblem(sheet, number, field, None, "field appears twice", cell=f"A{number}")
            )
            continue
        stated[field] = value.strip()
        value = stated[field]
        cell_value = raw[1] if len(raw) > 1 else None
        if field != "wave" and cell_value is not None and not isinstance(cell_value, str):
            problems.append(
                SheetProblem(
                    sheet,
                    number,
                    field,
                    value,
                    "must be text: type it with a leading apostrophe (Excel took it for a number or a date)",
                    **where,
                )
            )
        elif len(value) > limits[field]:
            problems.append(
                SheetProblem(
                    sheet,
                    number,
                    field,
                    None,
                    f"is {len(value):,} characters long, more than the {limits[field]:,} a {field} may hold",
                    **where,
                )
            )
        elif field == "wave" and value and not (value.isdigit() and int(value) >= 1):
            problems.append(
                SheetProblem(sheet, number, field, value, "not a whole number from 1 (the wave)", **where)
            )
        elif field == "name" and value and package_name(value, default="") != value:
            problems.append(
                SheetProblem(
                    sheet,
                    number,
                    field,
                    value,
                    f"not a package name (lower-case letters, digits, '.', '_', '-'): for example "
                    f"{package_name(value)!r}, or leave it empty",
                    **where,
                )
            )
        elif field == "licence":
            for identifier in _split(value, ";"):
                try:
                    licence_entry(identifier)
                except ValueError as err:
                    problems.append(SheetProblem(sheet, number, field, None, str(err), **where))
        elif field == "authors" and any(len(a) > 200 for a in _split(value, "\n;")):
            problems.append(
                SheetProblem(
                    sheet, number, field, None, "an author's name is longer than 200 characters", **where
                )
            )
    return stated


def _split(text: str, separators: str) -> list[str]:
    """The non-empty parts of ``text`` between any of ``separators``, stripped."""
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", text) if part.strip()]


def _study_meta(stated: dict[str, str], package: dict, path: Path) -> dict:
    """The package's properties: the hidden sheet's, with what the Study sheet states over them.

    The Study sheet decides its fields (an empty field removes the property); authors and
    licences the sheet shows unchanged keep the hidden sheet's structure (roles, URLs).
    """
    from ..interop.package_docs import licence_entry

    meta = {k: v for k, v in package.items() if k not in _STUDY_OWNS}
    for key in ("title", "name", "version", "description"):
        if stated.get(key):
            meta[key] = stated[key]
    if stated.get("wave", "").isdigit():
        meta["wave"] = int(stated["wave"])
    if "authors" in stated:
        authors = _split(stated["authors"], "\n;")
        if authors != _authors(package):
            meta.pop("contributors", None)
            if authors:
                meta["contributors"] = [{"title": a, "roles": ["author"]} for a in authors]
    if "licence" in stated:
        licences = _split(stated["licence"], ";")
        if [x.casefold() for x in licences] != [x.casefold() for x in _licences(package)]:
            meta.pop("licenses", None)
            try:
                entries = [licence_entry(x) for x in licences]
            except ValueError:  # already a problem of the Study sheet
                entries = []
            if entries:
                meta["licenses"] = entries
    meta.setdefault("title", path.stem)
    meta.setdefault("name", package_name(meta["title"], default=package_name(path.stem)))
    meta.setdefault("description", f"Entered in the coding template {path.name}.")
    # the Study sheet's order first, as a reader of datapackage.json expects
    order = ["name", "title", "description", "version", "wave", "contributors", "licenses"]
    return {**{k: meta[k] for k in order if k in meta}, **meta}


def _check_size(path: Path) -> None:
    """Refuse a workbook whose entries unpack to more than :data:`MAX_WORKBOOK_BYTES` (a bomb), unread."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise ValueError(f"{path.name}: not an Excel workbook (.xlsx): {err}") from None
    total = sum(info.file_size for info in infos)
    if len(infos) > 10_000 or total > MAX_WORKBOOK_BYTES:
        raise ValueError(
            f"{path.name}: refused: the workbook unpacks to {total:,} bytes in {len(infos)} parts, more "
            f"than the {MAX_WORKBOOK_BYTES:,} bytes a coding workbook may hold; check the file"
        )


def _read_sheet(ws, name: str) -> tuple[pd.DataFrame, tuple[list[int], list[str]], list[Problem]]:
    from openpyxl.utils import get_column_letter

    problems: list[Problem] = []
    sheet = f"sheet {name}"
    iterator = (_values(row, sheet, number, problems) for number, row in enumerate(ws.iter_rows(), start=1))
    header = [_text(v) for v in next(iterator, ())]
    while header and header[-1] == "":
        header.pop()
    seen: set[str] = set()
    for i, col in enumerate(header, start=1):
        if col in seen:
            problems.append(
                SheetProblem(
                    sheet, 1, col, None, "column appears twice in the header", cell=f"{get_column_letter(i)}1"
                )
            )
        seen.add(col)
    for f in TABLES[name].fields:
        if f.required and f.name not in seen:
            problems.append(Problem(sheet, 1, f.name, None, "required column is missing from the header row"))
    records, numbers = [], []
    for number, values in enumerate(iterator, start=2):
        cells = [_text(v) for v in values]
        if not any(cells):
            continue  # a blank row holds no record
        for i, value in enumerate(cells, start=1):
            if value and (i > len(header) or header[i - 1] == ""):
                problems.append(
                    SheetProblem(
                        sheet,
                        number,
                        None,
                        value,
                        "a value in a column without a header",
                        cell=f"{get_column_letter(i)}{number}",
                    )
                )
        records.append((cells + [""] * len(header))[: len(header)])
        numbers.append(number)
    firsts = {col: i for i, col in reversed(list(enumerate(header)))}
    keep = [i for i, col in enumerate(header) if col != "" and firsts[col] == i]
    frame = pd.DataFrame(
        [[r[i] for i in keep] for r in records], columns=[header[i] for i in keep], dtype=str
    )
    if not records:
        frame = pd.DataFrame(columns=[header[i] for i in keep], dtype=str)
    return frame, (numbers, header), problems


def _values(row, sheet: str, number: int, problems: list[Problem]) -> list:
    """The values of a row; a formula cell is a problem naming it (a study holds values, not formulas)."""
    from openpyxl.utils import get_column_letter

    values = []
    for i, cell in enumerate(row, start=1):
        if getattr(cell, "data_type", None) == "f":
            problems.append(
                SheetProblem(
                    sheet,
                    number,
                    None,
                    None,
                    f"the cell holds a formula ({str(cell.value)[:40]}); "
                    "type its value instead (or a leading apostrophe to keep the text)",
                    cell=f"{get_column_letter(i)}{number}",
                )
            )
            values.append(None)
        else:
            values.append(getattr(cell, "value", None))
    return values


def _text(value) -> str:
    """A cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float
    return cell_text(value) if isinstance(value, str) else str(value)


def _read_package(wb, problems: list[Problem]) -> dict | None:
    if PACKAGE_SHEET not in wb.sheetnames:
        return None
    text = _text(wb[PACKAGE_SHEET]["A2"].value)
    if not text:
        return None
    where = f"sheet {PACKAGE_SHEET}"
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as err:
        problems.append(Problem(where, 2, "A", None, f"not valid JSON: {err}"))
        return None
    except RecursionError:
        problems.append(Problem(where, 2, "A", None, "the JSON is nested too deeply to read"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(where, 2, "A", None, "must be a JSON object"))
        return None
    from ..study import meta_problems

    for key in UNSET_PROPERTIES:
        if key in meta:
            problems.append(
                Problem(
                    where,
                    2,
                    "A",
                    key,
                    "a workbook cannot say whether a study is public or "
                    "synthetic: delete the property (a public export is made by impt export-public)",
                )
            )
    found = [Problem(where, 2, "A", p.column, p.message) for p in meta_problems(meta, where)]
    problems += found
    if found or any(key in meta for key in UNSET_PROPERTIES):
        return None
    return meta or None


_CSV_ROW = re.compile(r"\((\w+)\.csv, row (\d+)\)")
_CSV_NAME = re.compile(r"\b(\w+)\.csv\b")


def _on_sheet(problem: Problem, rows: dict[str, tuple[list[int], list[str]]]) -> Problem:
    """A loader problem as a workbook user finds it: the sheet and cell for the file, row and column.

    The loader numbers rows as a CSV file does (header = 1, no blank rows); a workbook keeps
    Excel's numbers (a blank row is skipped, not renumbered). Another file's row named in the
    message ("(actors.csv, row 5)") is translated the same way; the package's properties
    (datapackage.json) are the Study sheet's.
    """
    from openpyxl.utils import get_column_letter

    def excel_row(name: str, row: int | None) -> int | None:
        numbers = rows.get(name, ([], []))[0]
        return numbers[row - 2] if row is not None and 2 <= row < len(numbers) + 2 else row

    def in_message(text: str) -> str:
        text = _CSV_ROW.sub(
            lambda m: f"(sheet {m[1]}, row {excel_row(m[1], int(m[2]))})" if m[1] in TABLES else m[0],
            text,
        )
        return _CSV_NAME.sub(lambda m: f"sheet {m[1]}" if m[1] in TABLES else m[0], text)

    if problem.file == "datapackage.json":
        return SheetProblem(f"sheet {STUDY_SHEET}", None, problem.column, problem.value, problem.message)
    name = problem.file.removesuffix(".csv")
    if name not in TABLES:
        return problem
    header = rows.get(name, ([], []))[1]
    row = excel_row(name, problem.row)
    cell = None
    if row is not None and problem.column in header:
        cell = f"{get_column_letter(header.index(problem.column) + 1)}{row}"
    return SheetProblem(
        f"sheet {name}", row, problem.column, problem.value, in_message(problem.message), cell=cell
    )
