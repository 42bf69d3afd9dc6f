"""The ``impt`` command line: a thin layer over the library.

Exit codes: 0 success; 1 the data or a file could not be used (invalid data, a refused
archive, a folder that cannot be written, a failed run); 2 a usage error (an option or
argument); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), after cleaning up.
One error boundary (:class:`ImptGroup`) turns the project's own errors and every ``OSError``
into one message (what, which file, row and column where there is one, what to do); a
traceback is printed only with ``impt --debug``.
"""

from __future__ import annotations

import errno
import functools
import os
import signal
import sys
from pathlib import Path
from typing import Literal

import click

from . import __version__
from .errors import ImptError, InvalidDataError
from .privacy import SUPPRESS_BELOW, K
from .validation import StudyValidationError


class DataError(click.ClickException):
    """Bad input data: printed without a traceback, exit code 1."""

    exit_code = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every ``except BaseException``/``finally`` cleans up."""


def _terminate(signum, frame):  # pragma: no cover - exercised in a subprocess by the tests
    raise Terminated()


# What to do about the OSErrors a user meets, by errno.
_OS_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space or write elsewhere",
    errno.EDQUOT: "the disk quota is used up: free some space or write elsewhere",
    errno.EROFS: "the file system is read-only: write elsewhere",
    errno.EACCES: "permission denied: choose a file or folder you may read or write",
    errno.EPERM: "the operation is not permitted here: choose another file or folder",
    errno.EISDIR: "it is a folder, not a file: give a file name",
    errno.ENOTDIR: "a part of the path is a file, not a folder: give another path",
    errno.EEXIST: "it already exists: choose another name or add --force where the command has it",
    errno.ENOTEMPTY: "the folder is not empty: choose another or add --force where the command has it",
    errno.ENOENT: "no such file or folder: check the path",
    errno.ELOOP: "too many symbolic links: give the real path",
    errno.ENAMETOOLONG: "the name is too long: choose a shorter one",
    errno.EXDEV: "it is on another file system than its temporary folder: write elsewhere",
}


def os_error_message(err: OSError) -> str:
    """One sentence for an OSError: the file, what happened, what to do.

    Examples
    --------
    >>> import errno
    >>> os_error_message(OSError(errno.ENOSPC, "No space left on device", "out/x.csv"))
    'cannot read or write out/x.csv: No space left on device (the disk is full: free some space or write elsewhere)'
    >>> os_error_message(FileNotFoundError("study.qdpx: no such file"))
    'study.qdpx: no such file'
    """
    if err.filename is None:  # raised by the workbench with its own sentence
        return str(err).strip() or type(err).__name__
    what = err.strerror or type(err).__name__
    advice = _OS_ADVICE.get(err.errno)
    where = f"{err.filename}" + (f" -> {err.filename2}" if err.filename2 else "")
    return f"cannot read or write {where}: {what}" + (f" ({advice})" if advice else "")


def _known_errors() -> tuple[type[BaseException], ...]:
    """The project's own error classes: each carries a message written for the user."""
    from .interop.refi_qda.frame import FrameError
    from .interop.refi_qda.project import QdpxError

    found: list[type[BaseException]] = [StudyValidationError, QdpxError, FrameError]
    for module, name in (
        ("privacy.publish", "DisclosureError"),
        ("privacy.deidentify", "ExportRefused"),
        ("reporting.report", "ReportFolderError"),
    ):
        try:
            found.append(getattr(__import__(f"impt_analysis.{module}", fromlist=[name]), name))
        except (ImportError, AttributeError):  # pragma: no cover - a module being rewritten
            pass
    return tuple(found)


class ImptGroup(click.Group):
    """The error boundary of every ``impt`` command.

    The project's errors (caught by name: :mod:`impt_analysis.errors` and the errors of the
    validator, archive and export) and ``OSError`` become one message on stderr and exit 1, or
    the error's own ``exit_code`` (2 for a usage problem such as an ``--out`` that exists);
    click's usage errors exit 2; any other exception, a ``ValueError`` included, is a bug and
    said so; Ctrl-C exits 130 and SIGTERM 143, after the command's
    own cleanup ran; anything else is a bug, said so in one sentence (exit 1). ``--debug``
    (or ``IMPT_DEBUG=1``) lets the traceback through.
    """

    def invoke(self, ctx):
        debug = os.environ.get("IMPT_DEBUG") == "1" or bool(ctx.params.get("debug"))
        try:
            if threading_main():
                signal.signal(signal.SIGTERM, _terminate)
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Terminated:
            click.echo(
                "impt: terminated (SIGTERM): stopped, and the command's temporary files were removed",
                err=True,
            )
            sys.exit(143)
        except KeyboardInterrupt:
            click.echo("impt: interrupted: stopped, and the command's temporary files were removed", err=True)
            sys.exit(130)
        except Exception as err:  # the boundary: one sentence, no traceback (unless --debug)
            if debug:
                raise
            code = getattr(err, "exit_code", 1) if isinstance(err, ImptError) else 1
            if isinstance(err, StudyValidationError):
                click.echo(str(err), err=True)
            elif isinstance(err, (ImptError, *_known_errors())):
                click.echo(f"Error: {str(err).strip() or type(err).__name__}", err=True)
            elif isinstance(err, OSError):
                click.echo(f"Error: {os_error_message(err)}", err=True)
            elif isinstance(err, MemoryError):
                click.echo(
                    "Error: the input needs more memory than this machine gives: it is far larger than a "
                    "study; check the file",
                    err=True,
                )
            elif isinstance(err, RecursionError):
                click.echo("Error: the input is nested too deeply to read: check the file", err=True)
            else:
                click.echo(
                    f"Error: unexpected {type(err).__name__}: {err}. This is a bug of the workbench, not of "
                    "your data; rerun with impt --debug and report the traceback",
                    err=True,
                )
            sys.exit(code)


def threading_main() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def handles_bad_data(command):
    """Print an invalid study's problems and exit 1; every other error goes to :class:`ImptGroup`.

    Only the project's own error classes are caught, by name: a ``ValueError`` of a bug is not
    turned into a "data error".
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except StudyValidationError as err:
            click.echo(str(err), err=True)
            sys.exit(1)

    return wrapper


#: What every output of the synthetic demonstration study says of itself.
SYNTHETIC_NOTE = "(synthetic demonstration data)"


def say(text: str, quiet: bool = False) -> None:
    """Print a line of progress or summary, unless ``--quiet``."""
    if not quiet:
        click.echo(text)


def quiet_option(command):
    """``-q/--quiet``: print nothing but errors."""
    return click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")(command)


def data_option(command):
    """``-d/--data``: the study folder a command reads (default: the synthetic demonstration study)."""
    return click.option(
        "-d",
        "--data",
        type=click.Path(path_type=Path),
        default=None,
        help="Study folder (default: the synthetic demonstration study).",
    )(command)


def out_option(
    help: str,
    *,
    file_okay: bool = True,
    dir_okay: bool = True,
    required: bool = True,
    default: Path | None = None,
):
    """``-o/--out``: where a command writes (``help``); ``file_okay``, ``dir_okay`` as in click.Path."""
    shown = {"default": default, "show_default": True} if default is not None else {}
    return click.option(
        "-o",
        "--out",
        required=required,
        type=click.Path(path_type=Path, file_okay=file_okay, dir_okay=dir_okay),
        help=help,
        **shown,
    )


_FORCE_HELP = {"file": "Replace an existing --out file.", "folder": "Replace a non-empty --out folder."}


def force_option(out: Literal["file", "folder"] | None = None, *, help: str = ""):
    """``--force``: replace what ``--out`` holds, an existing ``"file"`` or a non-empty ``"folder"``.

    A command whose ``--force`` does more says so in its own ``help`` (then ``out`` is not needed).
    """
    if not help and out not in _FORCE_HELP:
        raise TypeError(f"force_option: say what --out is ('file' or 'folder') or give help, not {out!r}")
    return click.option("--force", is_flag=True, help=help or _FORCE_HELP[out])


#: The options that set up a public export, in ``impt export-public`` and ``impt report --public``
#: (each command says in its own help what they do there).
_EXPORT_OPTIONS = {
    "k": {"default": K, "show_default": True, "type": click.IntRange(min=2)},
    "suppress-below": {"default": SUPPRESS_BELOW, "show_default": True, "type": click.IntRange(min=1)},
    "key-file": {"default": None, "type": click.Path(path_type=Path, dir_okay=False)},
    "names-file": {"default": None, "type": click.Path(path_type=Path, dir_okay=False)},
    "licence": {"default": None, "metavar": "SPDX"},
}


def export_option(name: str, help: str):
    """One of :data:`_EXPORT_OPTIONS` (``--k``, ``--suppress-below``, ...) with a command's own help."""
    return click.option(f"--{name}", help=help, **_EXPORT_OPTIONS[name])


def free_folder(out: Path, force: bool) -> None:
    """Refuse an ``--out`` that holds anything (without ``--force``), is a file, or is a symbolic link.

    Checked before anything is read or written.
    """
    if out.is_symlink():
        raise click.UsageError(f"{out} is a symbolic link: give the folder itself as --out")
    if out.exists() and not out.is_dir():
        raise click.UsageError(f"{out} exists and is not a folder: choose another --out")
    if out.is_dir() and any(out.iterdir()) and not force:
        what = "a study" if (out / "datapackage.json").exists() else "files"
        raise click.UsageError(
            f"{out} already holds {what}; choose another --out or add --force to replace it"
        )


def write_folder(out: Path, write) -> None:
    """Run ``write(folder)`` into a new hidden folder beside ``out``, then move it into place.

    Nothing half-written is left behind (:func:`impt_analysis.paths.folder_replaced_atomically`).
    """
    from .paths import folder_replaced_atomically

    with folder_replaced_atomically(out) as tmp:
        write(tmp)


def free_file(out: Path, force: bool) -> None:
    """Refuse an ``--out`` file that exists (without ``force``), is a folder or a symbolic link."""
    if out.is_symlink() or out.is_dir():
        raise click.UsageError(
            f"{out} is a {'symbolic link' if out.is_symlink() else 'folder'}: give a file name"
        )
    if out.exists() and not force:
        raise click.UsageError(f"{out} already exists; choose another --out or add --force to replace it")


def write_file(out: Path, force: bool, write) -> None:
    """Run ``write(path)`` into a hidden file beside ``out``, then rename it over ``out``.

    An existing ``out`` is refused without ``force``; a folder or symbolic link always.
    """
    from .paths import replaced_atomically

    free_file(out, force)
    with replaced_atomically(out) as tmp:
        write(tmp)


@click.group(cls=ImptGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="impt")
@click.option("--debug", is_flag=True, help="Show the traceback of an error (for reporting a bug).")
def main(debug: bool = False):
    """IMPT Workbench: map information flows on children at risk of trafficking.

    Loads, validates and analyses coded interviews of a BSR IMPT-style study.

    \b
    Examples:
      impt validate                    # the bundled synthetic demonstration study
      impt validate path/to/study      # your own study folder
      impt report --out reports/       # rerun every report into an HTML site
      impt import-qdpx project.qdpx --mapping mapping.yaml --out study/
      impt export-public --data study/ --out public/
      impt demo-data --out demo/       # write the demonstration study as CSV files
    """


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--all", "show_all", is_flag=True, help="List every problem, not the first few of each kind.")
@click.option(
    "--strict", is_flag=True, help="Also validate with frictionless (the reference validator; slower)."
)
def validate(path: Path | None, show_all: bool, strict: bool):
    """Validate a study data package and print a summary.

    PATH is the study folder (holding datapackage.json); without it, the bundled synthetic
    demonstration study. Every problem is reported with its file, row and column (the first
    five of each kind, then how many more and where; --all lists them all); the exit code is
    1 if there is any. With --strict, frictionless validates the package too, against its
    datapackage.json, and its problems are listed the same way (exit code 1 if either finds one).

    \b
    Example:
      impt validate data/demo
      impt validate --strict data/demo
    """
    from .study import demo_path, load_study
    from .validation import frictionless_problems

    failed = []
    if strict and (path is None or (Path(path) / "datapackage.json").is_file() or Path(path).is_file()):
        found = frictionless_problems(demo_path() if path is None else path)
        if found:
            failed.append(StudyValidationError(found, "frictionless"))
    try:
        study = load_study(path)
    except StudyValidationError as err:
        failed.insert(0, err)
    for err in failed:
        click.echo(err.report(None) if show_all else str(err), err=True)
    if failed:
        sys.exit(1)
    click.echo(study.summary())
    from .validation import study_warnings

    for warning in study_warnings(study):
        click.echo(warning, err=True)
    click.echo("valid: no problems found")


@main.command("demo-data")
@out_option("Folder to write the study into.")
@click.option(
    "--interviews",
    "n_interviews",
    default=60,
    show_default=True,
    type=click.IntRange(min=9),
    help="Number of interviews across the nine countries.",
)
@click.option("--seed", default=None, type=int, help="Random seed (default: the demo study's own).")
@click.option(
    "--wave",
    default=1,
    show_default=True,
    type=click.IntRange(1, 2),
    help="1: the 2010 study; 2: a follow-up in which some gaps have closed.",
)
@force_option("folder")
@handles_bad_data
def demo_data(out: Path, n_interviews: int, seed: int | None, wave: int, force: bool):
    """Write the synthetic demonstration study as a data package.

    The data are SYNTHETIC: generated to follow the structure the 2010 report describes,
    with role descriptions instead of organisations and no real person.

    \b
    Example:
      impt demo-data --out /tmp/demo --interviews 600 --seed 7
    """
    from .demo import DEMO_SEED, generate_study, write_demo

    free_folder(out, force)
    study = generate_study(n_interviews=n_interviews, seed=DEMO_SEED if seed is None else seed, wave=wave)
    write_folder(out, lambda folder: write_demo(study, folder))
    click.echo(f"wrote a synthetic study of {len(study.interviews)} interviews to {out}")


@main.command()
@data_option
@click.option(
    "--country",
    "countries",
    multiple=True,
    metavar="CODE",
    help="A country to report on; repeat for several (default: every country).",
)
@out_option("Folder of the report site.", required=False, default=Path("reports"))
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Notebooks run in parallel (default: CPUs)."
)
@click.option(
    "--include-excerpts", is_flag=True, help="Show coded excerpts in the barrier pages (never with --public)."
)
@click.option(
    "--public",
    is_flag=True,
    help="Pages fit to publish, built from the study's public export (written to OUT/data/) only: "
    'small counts shown as "<5", cells hidden to protect them as "suppressed".',
)
@export_option(
    "k",
    "--public: the export's k (every published country, year, sector and level of an interview "
    "occurs at least k times).",
)
@export_option(
    "suppress-below",
    "--public: counts from 1 to this minus 1 are suppressed, in the export and on the pages.",
)
@export_option(
    "key-file",
    "--public: file holding the export's secret pseudonym key (default: a one-off key of the run).",
)
@export_option(
    "names-file",
    "--public: UTF-8 text file of names (one per line) that must appear in no file of the site.",
)
@export_option("licence", "--public: the export's licence, for a study whose package states none.")
@force_option(help="Replace a non-empty OUT that is not an earlier report site (--public: clear it).")
@click.option(
    "--compare-with",
    type=click.Path(path_type=Path),
    default=None,
    help="A later wave of the study: the regional overview shows what changed.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary: errors only.")
def report(
    data,
    countries,
    out,
    jobs,
    include_excerpts,
    public,
    k,
    suppress_below,
    key_file,
    names_file,
    licence,
    force,
    compare_with,
    quiet,
):
    """Rerun every report notebook with papermill and build the HTML report site.

    Runs the country mapping and barrier notebooks for each country, the barrier analysis
    for the region (ALL) and the regional overview, and writes OUT/index.html linking them.
    A notebook that fails does not stop the others; the run then ends with exit code 1 and a
    summary of what failed and why.

    With --public the run first writes the study's public export into OUT/data/ (as
    `impt export-public` would, with --k and --suppress-below) and builds every page from it,
    never from the confidential study. OUT must be empty; --force clears it first.

    \b
    Examples:
      impt report --country DK --country SE --out reports/ --jobs 2
      impt report --public --out site/ --key-file ~/impt-export.key --force
    """
    from .reporting.report import UnknownCountryError, run_report

    if not public:
        source = click.get_current_context().get_parameter_source
        given = [
            f"--{name}"
            for name in _EXPORT_OPTIONS
            if source(name.replace("-", "_")) is not click.core.ParameterSource.DEFAULT
        ]
        if given:
            raise click.UsageError(
                f"{', '.join(given)} only go with --public (they set up its public export)"
            )
    try:
        key = _read_key(key_file) if public and key_file is not None else None
        names = _read_names(names_file) if public and names_file is not None else []
        result = run_report(
            data,
            list(countries),
            out,
            jobs,
            include_excerpts,
            public,
            progress=not quiet,
            compare_with=compare_with,
            k=k,
            suppress_below=suppress_below,
            key=key,
            names=names,
            licence=licence,
            force=force,
        )
    except StudyValidationError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    except UnknownCountryError as err:  # one line, exit 2 (ImptGroup), nothing ran
        raise UnknownCountryError(f"--country: {err}") from err
    # a folder that cannot take the site (ReportFolderError), an export that failed: see ImptGroup
    if not quiet or result.failed:
        click.echo(result.summary())
    say(f"open {result.index}", quiet)
    if result.failed:
        sys.exit(1)


def _read_key(key_file: Path) -> bytes:
    """The pseudonym key in ``--key-file`` (at least 16 bytes, surrounding white space ignored)."""
    key = key_file.read_bytes().strip()
    if len(key) < 16:
        raise DataError(f"{key_file}: the key must hold at least 16 bytes (e.g. openssl rand -hex 32)")
    return key


def _read_names(names_file: Path) -> list[str]:
    """The names in ``--names-file``: one per line, blank lines and lines starting with # skipped."""
    try:
        text = names_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(f"{names_file}: not UTF-8 text") from err
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@main.command()
@data_option
@click.option(
    "--country",
    metavar="CODE",
    default=None,
    help="The country's actors and items, plus the outside actors linked to them (default: the whole study).",
)
@out_option("File to write: .gexf (Gephi), .graphml (Cytoscape) or .json (node-link).")
@click.option(
    "--flows-only",
    is_flag=True,
    help="Actors and who-tells-whom only (one edge per pair of actors), without the items.",
)
@handles_bad_data
def graph(data: Path | None, country: str | None, out: Path, flows_only: bool):
    """Export the information-flow graph for Gephi, Cytoscape or the web.

    By default the full graph: actors and items, 'knows' edges (actor -> item, with the
    verification) and 'tells' edges (one per flow). With --flows-only, the flow graph: actors
    only, one edge per ordered pair with the number of flows, whether any is regular, and the
    channels. Lists become "a; b" text and missing values empty text in GEXF and GraphML.

    \b
    Examples:
      impt graph --country DK --out dk.gexf
      impt graph --data path/to/study --country FI --out fi.graphml --flows-only
    """
    from .graph import GRAPH_COUNTRY_TABLES, build_graph, flow_graph
    from .interop.export import FORMATS, export_graph
    from .study import load_study

    if out.suffix.lower() not in FORMATS:
        raise click.BadParameter(f"{out} must end in one of {', '.join(FORMATS)}", param_hint="--out")
    study = load_study(data)
    if country is not None:  # an UnknownCountryError: one line, exit 2 (ImptGroup)
        country = study.check_country(country.upper(), caller="--country", also=GRAPH_COUNTRY_TABLES)
    G = (flow_graph if flows_only else build_graph)(study, country)
    export_graph(G, out)
    what = "flow graph" if flows_only else "graph"
    where = f" of {country}" if country else ""
    note = f" {SYNTHETIC_NOTE}" if study.synthetic else ""
    click.echo(
        f"wrote the {what}{where} to {out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges{note}"
    )


@main.command("import-qdpx")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@out_option("Folder to write the study data package into.", file_okay=False)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="YAML or JSON file: which variables hold country, sector, level and date, defaults for "
    "sources without them, and how the tool's codes map to the codebook.",
)
@force_option("folder")
@click.option(
    "--passages",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="CSV file to write every coded passage that could not become a row into, with its excerpt "
    "(as confidential as the study).",
)
@quiet_option
@handles_bad_data
def import_qdpx(file: Path, out: Path, mapping: Path | None, force: bool, passages: Path | None, quiet: bool):
    """Import a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder) as a study.

    Every coding is imported or reported with the reason. An interview needs a country, date,
    sector and level: from case variables of those names, or from the mapping file (see
    `impt_analysis.interop.refi_qda` for its format). The file is untrusted: unsafe archives are
    refused (exit 1) and nothing is written.

    \b
    Example:
      impt import-qdpx project.qdpx --out my-study --mapping mapping.yaml
      impt validate my-study
    """
    from .interop.refi_qda import import_summary, read_qdpx, unrowable_passages
    from .paths import replaced_atomically
    from .study import write_study

    free_folder(out, force)
    if passages is not None:
        free_file(passages, force)  # before anything is read or written
    study = read_qdpx(file, mapping)
    listed = unrowable_passages(study)
    write_folder(out, lambda folder: write_study(study, folder))
    if passages is not None:
        with replaced_atomically(passages) as tmp:
            listed.assign(
                segments=listed["segments"].map(";".join), codes=listed["codes"].map("; ".join)
            ).to_csv(tmp, index=False, encoding="utf-8")
    if quiet:
        return
    click.echo(str(import_summary(study)))
    if len(listed):  # the consultant's own machine: the passage itself helps fix the coding
        click.echo("the passages that could not become rows:")
        for row in listed.head(20).itertuples():
            text = " ".join(row.excerpt.split())
            click.echo(
                f'  {row.interview} {row.start}-{row.end}: "{text[:100]}{"..." if len(text) > 100 else ""}"'
            )
            click.echo(f"      {row.reason}")
        if len(listed) > 20:
            click.echo(
                f"  ... and {len(listed) - 20} more"
                + (f" (all in {passages})" if passages else " (--passages FILE writes them all)")
            )
    click.echo(
        f"wrote the study to {out}: {len(study.interviews)} interviews, {len(study.codings)} codings, "
        f"{len(study.actors)} actors, {len(study.knowledge)} knowledge rows, {len(study.flows)} flows"
    )


@main.command("export-qdpx")
@data_option
@out_option("The .qdpx file to write.", dir_okay=False)
@click.option(
    "--texts",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder of full transcripts, <interview_id>.txt (UTF-8); without it the source texts "
    "hold the excerpts at their positions.",
)
@force_option("file")
@handles_bad_data
def export_qdpx(data: Path | None, out: Path, texts: Path | None, force: bool):
    """Export a study as a REFI-QDA project, to continue coding in a tool.

    The archive holds the excerpts: it is as confidential as the study.

    \b
    Example:
      impt export-qdpx --data my-study --out my-study.qdpx --texts transcripts/
    """
    from .interop.refi_qda import write_qdpx
    from .paths import file_in
    from .study import load_study

    free_file(out, force)  # before the study is read
    study = load_study(data)
    full = None
    if texts is not None:
        full = {}
        for interview_id in study.interviews["interview_id"]:
            try:
                path = file_in(texts, interview_id, ".txt")  # an id such as ../../x never leaves --texts
            except ValueError as err:
                raise InvalidDataError(
                    f"interview {interview_id!r}: its transcript cannot be looked up in --texts: {err}"
                ) from err
            if path.is_file():
                try:
                    full[interview_id] = path.read_bytes().decode("utf-8-sig")
                except UnicodeDecodeError as err:
                    raise DataError(f"{path}: not UTF-8 text ({err}); save the transcript as UTF-8") from None
    write_file(out, force, lambda path: write_qdpx(study, path, full))
    note = f" {SYNTHETIC_NOTE}" if study.synthetic else ""
    click.echo(f"wrote {out}: {len(study.interviews)} sources, {len(study.codings)} codings{note}")


def _new_file(out: Path, suffix: str, force: bool) -> None:
    if out.suffix.lower() != suffix:
        raise click.BadParameter(f"{out} must end in {suffix}", param_hint="--out")
    free_file(out, force)


@main.command()
@out_option("The REFI-QDA codebook (.qdc) to write.", dir_okay=False)
@force_option("file")
@handles_bad_data
def codebook(out: Path, force: bool):
    """Write the coding frame as a REFI-QDA codebook, to import into NVivo, ATLAS.ti, MAXQDA or QualCoder.

    The frame (docs/coding-frame.md) codes actors, information, verification, source type,
    flows, barriers and case counts so that `impt import-qdpx` derives the network from the
    codings.

    \b
    Example:
      impt codebook --out frame.qdc
    """
    from .interop.refi_qda.frame import write_codebook

    _new_file(out, ".qdc", force)
    write_file(out, force, write_codebook)
    click.echo(f"wrote the coding frame to {out}")


@main.command()
@out_option("The empty REFI-QDA project (.qdpx) to write.", dir_okay=False)
@force_option("file")
@handles_bad_data
def starter(out: Path, force: bool):
    """Write an empty REFI-QDA project holding the coding frame and the interview variables.

    Open it in the tool (or import it), add the transcripts, set each document's country,
    date and actor_id (the actor code of the interviewee's organisation), and code.

    \b
    Example:
      impt starter --out start.qdpx
    """
    from .interop.refi_qda.frame import write_starter

    _new_file(out, ".qdpx", force)
    write_file(out, force, write_starter)
    click.echo(f"wrote the starter project to {out}")


@main.command()
@out_option("The .xlsx workbook to write.", dir_okay=False)
@click.option(
    "-d",
    "--data",
    type=click.Path(path_type=Path),
    default=None,
    help="Fill the sheets with this study's tables (default: empty sheets, the default codebook).",
)
@force_option("file")
@handles_bad_data
def template(out: Path, data: Path | None, force: bool):
    """Write an Excel template for coding interviews by hand.

    One sheet per table with headers, drop-down lists from the codebook and a "Read me"
    sheet. Fill it in, then `impt import-xlsx`.

    \b
    Example:
      impt template --out coding.xlsx
    """
    from .interop.spreadsheet import write_template
    from .study import load_study

    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{out} must end in .xlsx", param_hint="--out")
    free_file(out, force)  # before the study is read
    study = load_study(data) if data is not None else None
    write_file(out, force, lambda path: write_template(path, study))
    click.echo(f"wrote the coding template {out}")


@main.command("import-xlsx")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@out_option("Folder to write the study data package into.", file_okay=False)
@force_option("folder")
@quiet_option
@handles_bad_data
def import_xlsx(file: Path, out: Path, force: bool, quiet: bool):
    """Turn a filled coding workbook into a study data package.

    Validated like `impt validate`: every problem is listed with its sheet, row and column,
    and nothing is written if there is any (exit 1).

    \b
    Example:
      impt import-xlsx coding.xlsx --out my-study
    """
    from .interop.spreadsheet import read_workbook
    from .study import write_study

    free_folder(out, force)
    study = read_workbook(file)
    write_folder(out, lambda folder: write_study(study, folder))
    say(study.summary(), quiet)
    say(f"wrote the study to {out}", quiet)


@main.command()
@data_option
@click.option(
    "--by",
    default="code",
    show_default=True,
    help="'code' (one row per code), 'all' (pooled), or an interview column such as 'country'.",
)
@click.option(
    "--level",
    type=click.Choice(["character", "passage"]),
    default="character",
    show_default=True,
    help="Units: every coded character, or passages (codings joined where they overlap).",
)
@click.option(
    "--overlap",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.5,
    show_default=True,
    help="Passage level: the share of their union two codings must share to be one passage.",
)
@click.option(
    "--boot",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for alpha's 95% interval (0: none).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option(
    "--assigned",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="CSV with columns interview_id, coder: coders who read an interview though they may have "
    "coded nothing in it.",
)
@out_option("Write the table as CSV here instead of printing it.", dir_okay=False, required=False)
@handles_bad_data
def agreement(
    data: Path | None,
    by: str,
    level: str,
    overlap: float,
    boot: int,
    seed: int,
    assigned: Path | None,
    out: Path | None,
):
    """Inter-coder agreement on the interviews two or more coders coded, by position in the text.

    A coder counts for an interview when it coded anything in it; there, every coded character
    (or passage) it did not apply a code to counts as "not coded". Percent agreement, Cohen's
    kappa (two coders) and Krippendorff's alpha with a bootstrap interval, against .800
    (reliable) and .667 (tentative). A public export names no interviews: it cannot answer.

    \b
    Example:
      impt agreement --data my-study --level passage --by country
    """
    import pandas as pd

    from .agreement import agreement as agreement_table
    from .study import load_study

    study = load_study(data)
    if by not in ("code", "all") and by not in study.interviews.columns:
        raise click.BadParameter(
            f"{by!r}: use 'code', 'all' or a column of interviews ({', '.join(study.interviews.columns)})",
            param_hint="--by",
        )
    listed = None
    if assigned is not None:
        listed = pd.read_csv(assigned, dtype=str, keep_default_na=False)
        missing = {"interview_id", "coder"} - set(listed.columns)
        if missing:
            raise InvalidDataError(
                f"{assigned}: needs the columns interview_id and coder (missing: {', '.join(sorted(missing))})"
            )
        unknown = sorted(set(listed["interview_id"]) - set(study.interviews["interview_id"].astype(str)))
        if unknown:
            rows = [str(i + 2) for i in listed.index[listed["interview_id"].isin(unknown)][:5]]
            raise InvalidDataError(
                f"{assigned}, row {', '.join(rows)}, column interview_id: no such interview in the "
                f"study: {', '.join(unknown[:5])}"
            )
    table = agreement_table(
        study,
        by=None if by == "all" else by,
        level=level,
        overlap=overlap,
        n_boot=boot,
        seed=seed,
        assigned=listed,
    )
    if out is not None:
        table.to_csv(out, index=False, lineterminator="\n")
        click.echo(f"wrote {len(table)} rows to {out}")
    if len(table) == 0 or out is None:
        click.echo(table.attrs["note"])
    if len(table) and out is None:
        units = "characters" if level == "character" else f"passages (overlap >= {overlap:g} of their union)"
        click.echo(
            f"Units: {units}; alpha against .800 (reliable) and .667 (tentative), "
            f"{'with its 95% bootstrap interval' if boot else 'no interval (--boot 0)'}.\n"
        )

        def number(x):
            return "-" if pd.isna(x) else f"{x:.3f}"

        shown = pd.DataFrame(
            {
                table.columns[0]: table.iloc[:, 0].astype(str),
                "interviews": table["n_documents"],
                "coders": table["n_coders"],
                level + "s": table["n_units"],
                "coded": table["n_coded"],
                "agreement": table["percent_agreement"].map(number),
                "kappa": table["cohen_kappa"].map(number),
                "alpha": table["krippendorff_alpha"].map(number),
                "95% interval": [
                    f"{number(a)} to {number(b)}" if not pd.isna(a) else "-"
                    for a, b in zip(table["alpha_low"], table["alpha_high"])
                ],
                "reliability": table["reliability"],
            }
        )
        with pd.option_context("display.width", 200, "display.max_rows", None, "display.max_colwidth", 60):
            click.echo(shown.to_string(index=False))
    if study.synthetic:
        click.echo(SYNTHETIC_NOTE)


@main.command("export-public")
@data_option
@out_option("Folder to write the public data package into (must be new or empty).")
@export_option(
    "k", "Every published country, year, sector and level of an interview occurs at least k times."
)
@export_option(
    "suppress-below",
    "Suppress counts from 1 to this minus 1 (children in case counts, interviews per barrier).",
)
@export_option(
    "key-file",
    "File holding the secret pseudonym key (at least 16 bytes; kept out of the package). "
    "The same key gives the same package; without it a one-off key is used.",
)
@export_option(
    "names-file", "UTF-8 text file of names (one per line) that must appear nowhere in the package."
)
@export_option(
    "licence",
    "Licence of the export (an SPDX identifier such as CC-BY-4.0), required when the study's "
    "datapackage.json states none; a study that states one keeps it.",
)
@click.option(
    "--keep-title",
    is_flag=True,
    help="Keep the study's own title, description, keywords and sources (free text; by default they are "
    "replaced by text generated from the data).",
)
@force_option("folder")
@quiet_option
@handles_bad_data
def export_public_command(
    data: Path | None,
    out: Path,
    k: int,
    suppress_below: int,
    key_file: Path | None,
    names_file: Path | None,
    licence: str | None,
    keep_title: bool,
    force: bool,
    quiet: bool,
):
    """Write a de-identified public data package of a study, for reuse by others.

    Drops free text, replaces identifiers by keyed pseudonyms, coarsens dates to the year,
    makes interviews k-anonymous (generalising sector and level, then suppressing),
    links the rows reported in an interview to its group of at least k interviews only,
    suppresses small counts with secondary suppression, and writes DISCLOSURE.md, README.md and
    CITATION.cff. The package is checked (a linkage attack included) before it is moved into
    place; nothing is written if the check fails, or if the study cannot be protected at this
    --k or --suppress-below (exit 1, saying what to change).

    \b
    Examples:
      openssl rand -hex 32 > ~/impt-export.key
      impt export-public --data my-study --out public/ --key-file ~/impt-export.key
      impt export-public --out /tmp/demo-public --k 5 --suppress-below 5 --force
      impt export-public --data my-study --out public/ --licence CC-BY-4.0
    """
    from .privacy.publish import export_public
    from .study import load_study

    free_folder(out, force)  # the same refusal (exit 2) as every command writing a folder
    key = _read_key(key_file) if key_file is not None else None
    names = _read_names(names_file) if names_file is not None else []
    study = load_study(data)
    result = export_public(
        study,
        out,
        k=k,
        suppress_below=suppress_below,
        key=key,
        force=force,
        names=names,
        licence=licence,
        keep_title=keep_title,
    )
    say(result.summary(), quiet)
    if study.synthetic:
        say(SYNTHETIC_NOTE, quiet)


if __name__ == "__main__":  # pragma: no cover
    main()
