"""Code interviews by hand: an Excel template of the data package, and its import.

Not every consultant codes in a qualitative-analysis tool. This module answers "how do coded
interviews typed into a spreadsheet become a study the workbench can analyse?": it writes an
Excel workbook with one sheet per table of the data package (column headers, drop-down lists
of the codebook's values and of the identifiers other sheets refer to, a "Read me" sheet),
and reads a filled workbook back into a study with the loader's own validation. Every problem
names the sheet, the row as Excel numbers it, and the column; nothing is dropped or guessed.

Examples
--------
>>> from impt_analysis.interop.spreadsheet import write_template, read_workbook
>>> write_template("coding.xlsx")                     # doctest: +SKIP
>>> study = read_workbook("coding.xlsx")              # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import zipfile
from pathlib import Path

import pandas as pd

from ..codebook import default_codebook
from ..schema import TABLE_ORDER, TABLES, package_name
from ..study import Study, study_from_tables
from ..validation import Problem, StudyValidationError

__all__ = ["README_SHEET", "read_workbook", "write_template"]

log = logging.getLogger(__name__)

README_SHEET = "Read me"
LISTS_SHEET = "lists"  # hidden: the vocabularies the drop-down lists draw on
PACKAGE_SHEET = "package"  # hidden: the package's properties (datapackage.json without resources)
ALL_CODES = "(any code)"
#: Package properties a workbook cannot set: whether a study is a public export or synthetic
#: is decided by the workbench (impt export-public, the demo generator), never by a hidden sheet.
UNSET_PROPERTIES = ("impt:public", "impt:synthetic")
#: The most a workbook may unpack to (its sheets and strings together), checked before openpyxl reads it.
MAX_WORKBOOK_BYTES = 128 << 20
EMPTY_ROWS = 500  # rows below the data that get drop-down lists


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
    >>> write_template("/tmp/coding.xlsx")            # doctest: +SKIP
    PosixPath('/tmp/coding.xlsx')
    """
    from openpyxl import Workbook

    path = Path(path)
    codebook = study.codebook if study is not None else default_codebook()
    tables = study.tables() if study is not None else {"codebook": codebook}
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    _write_readme(readme, study)
    lists_sheet = wb.create_sheet(LISTS_SHEET)
    lists = _write_lists(lists_sheet, codebook)
    for name in TABLE_ORDER:
        frame = tables.get(name)
        _write_table(wb.create_sheet(name), name, frame, lists, empty_rows)
    package = wb.create_sheet(PACKAGE_SHEET)
    package["A1"] = "The study's package properties (datapackage.json without its resources). Do not edit."
    properties = {
        k: v for k, v in (study.meta if study is not None else {}).items() if k not in UNSET_PROPERTIES
    }
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


def _write_readme(ws, study: Study | None) -> None:
    from openpyxl.styles import Font

    lines: list[tuple[str, ...]] = []
    if study is not None and study.synthetic:
        lines.append(("SYNTHETIC DEMONSTRATION DATA: no row describes a real person, organisation or case.",))
    lines += [
        ("IMPT Workbench: coding template",),
        ("",),
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
            "Import: impt import-xlsx coding.xlsx --out my-study   (every problem is listed with sheet, row and "
            "column)",
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


def _write_table(ws, name: str, frame: pd.DataFrame | None, lists: dict[str, str], empty_rows: int) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    table = TABLES[name]
    columns = [f.name for f in table.fields]
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
        for record in frame[columns].itertuples(index=False):
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
        if dv is not None:
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
    >>> study = read_workbook("coding.xlsx")          # doctest: +SKIP
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
            if sheet not in TABLES and sheet not in (README_SHEET, LISTS_SHEET, PACKAGE_SHEET):
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
            if name not in wb.sheetnames:
                problems.append(
                    Problem(f"sheet {name}", None, None, None, "sheet is missing from the workbook")
                )
                continue
            frame, numbers, found = _read_sheet(wb[name], name)
            problems += found
            tables[name], rows[name] = frame, numbers
        package = _read_package(wb, problems)
    finally:
        wb.close()
    meta = dict(
        meta
        if meta is not None
        else package
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
                Problem(
                    sheet, 1, col, None, f"column appears twice in the header (cell {get_column_letter(i)}1)"
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
                    Problem(
                        sheet,
                        number,
                        None,
                        value,
                        f"value in cell {get_column_letter(i)}{number}, a column without a header",
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
                Problem(
                    sheet,
                    number,
                    None,
                    None,
                    f"cell {get_column_letter(i)}{number} holds a formula ({str(cell.value)[:40]}); "
                    "type its value instead (or a leading apostrophe to keep the text)",
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


def _on_sheet(problem: Problem, rows: dict[str, tuple[list[int], list[str]]]) -> Problem:
    """A loader problem, with the sheet for the file and the row as Excel numbers it."""
    from openpyxl.utils import get_column_letter

    name = problem.file.removesuffix(".csv")
    if name not in TABLES:
        return problem
    numbers, header = rows.get(name, ([], []))
    row = problem.row
    if row is not None and 2 <= row < len(numbers) + 2:
        row = numbers[row - 2]
    message = problem.message
    if row is not None and problem.column in header:
        message += f" (cell {get_column_letter(header.index(problem.column) + 1)}{row})"
    return Problem(f"sheet {name}", row, problem.column, problem.value, message)
