"""The report site: rerun every report notebook with papermill and publish them as HTML.

One run executes, through papermill's Python API, the country mapping notebook for each
country, the barrier analysis for each country and for the whole region ("ALL"), and the
regional overview; keeps the executed notebooks; converts each to HTML without code; and
writes ``index.html`` linking them all. Runs go in parallel, each worker reusing one kernel
(emptied and set back to its first state before every notebook; each notebook keeps its own
kernel log); a notebook that fails does not stop the others. Every page carries a provenance footer, and a banner when the data are the
synthetic demonstration study.

A public site (``public=True``) is built from the public export only: the run first writes
the study's de-identified export (:func:`~impt_analysis.privacy.publish.export_public`, with the same
thresholds) into ``<out>/data/`` and runs every notebook on that package, never on the
confidential study, so a page can show nothing the export does not hold; its footer names
the export and its checksum. The site folder must be empty, or is cleared first with
``force``, so that nothing of an earlier run (excerpt pages) survives.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting.report import plan
>>> [job.name for job in plan(load_study(), ["DK"])]
['country_mapping_DK', 'barrier_analysis_DK', 'barrier_analysis_ALL', 'regional_overview']
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import multiprocessing
import os
import secrets
import shutil
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..errors import UnknownCountryError, UsageProblem
from ..privacy import SUPPRESS_BELOW, K
from ..study import Study, demo_path

__all__ = [
    "Job",
    "JobResult",
    "ReportResult",
    "ReportFolderError",
    "UnknownCountryError",
    "plan",
    "run_report",
    "provenance",
    "data_checksum",
    "notebooks_path",
    "PUBLIC_DATA",
]

#: Where a public site keeps the public export its pages are built from.
PUBLIC_DATA = "data"


class ReportFolderError(UsageProblem):
    """The site folder cannot take the site (not empty, not a folder, not safe to clear): exit 2."""


class ReportFolderBusyError(ReportFolderError):
    """Another ``impt report`` is writing into the site folder now: exit 1."""

    exit_code = 1


TITLES = {
    "country_mapping": "Information mapping",
    "barrier_analysis": "Barriers",
    "regional_overview": "Regional overview",
}


def notebooks_path() -> Path:
    """The folder of the report notebooks (wheel or source checkout)."""
    from ..paths import shipped

    folder = shipped("notebooks", "country_mapping.ipynb")
    if folder is None:
        raise FileNotFoundError("the report notebooks are not installed with impt_analysis")
    return folder


@dataclass(frozen=True)
class Job:
    """One notebook to run: its template, output name and parameters (plain Python values)."""

    notebook: str
    name: str
    title: str
    parameters: dict


@dataclass
class JobResult:
    job: Job
    ok: bool
    html: str | None = None
    executed: str | None = None
    error: str | None = None
    cell: int | None = None
    seconds: float = 0.0


@dataclass
class ReportResult:
    out: Path
    index: Path
    results: list[JobResult] = field(default_factory=list)
    export: str | None = None  # a public site: what the public export its pages are built from did

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]

    def summary(self) -> str:
        lines = [self.export] if self.export else []
        lines += [
            f"{len(self.results) - len(self.failed)} of {len(self.results)} reports built in {self.out}"
        ]
        for r in self.failed:
            where = f"cell {r.cell}" if r.cell is not None else "before execution"
            lines.append(f"  FAILED {r.job.name} ({where}): {r.error}")
            if r.executed:
                lines.append(f"         executed notebook kept for inspection: {r.executed}")
        return "\n".join(lines)


def plan(
    study: Study,
    countries: list[str] | None = None,
    data: str | None = None,
    include_excerpts: bool = False,
    public: bool = False,
    compare_with: str | None = None,
    suppress_below: int = SUPPRESS_BELOW,
) -> list[Job]:
    """The notebooks a report run executes, with their parameters.

    The codes are upper-cased; :class:`UnknownCountryError` (a ``ValueError``) for the first
    one the study does not have (:meth:`~impt_analysis.study.Study.check_country`), before
    anything runs.
    """
    if not countries:
        countries = list(study.countries)
    else:
        countries = [study.check_country(c.strip().upper()) for c in countries]
    excerpts = include_excerpts and not public
    extra = {"suppress_below": suppress_below} if public else {}
    jobs = []
    for c in countries:
        params = {"country": c, "data": data, "include_excerpts": excerpts, "public": public, **extra}
        jobs.append(
            Job("country_mapping", f"country_mapping_{c}", f"{TITLES['country_mapping']}: {c}", params)
        )
    for c in countries + ["ALL"]:
        params = {"country": c, "data": data, "include_excerpts": excerpts, "public": public, **extra}
        label = "the region" if c == "ALL" else c
        jobs.append(
            Job("barrier_analysis", f"barrier_analysis_{c}", f"{TITLES['barrier_analysis']}: {label}", params)
        )
    jobs.append(
        Job(
            "regional_overview",
            "regional_overview",
            TITLES["regional_overview"],
            {"data": data, "compare_with": compare_with, "public": public, **extra},
        )
    )
    return jobs


def data_checksum(folder: Path) -> str:
    """SHA-256 over the study's data files (names and contents, in name order)."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.suffix in (".csv", ".json") and path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def provenance(
    study: Study, parameters: dict, run_date: str | None = None, export: str | None = None
) -> dict:
    """What a page is based on: dataset, version, checksum, library version, parameters, date.

    ``export`` names the public export a public site is built from (its folder in the site):
    the checksum is then the export's, and nothing names the confidential study.
    """
    folder = study.path or demo_path()
    return {
        "export": export,
        "dataset": study.meta.get("title", study.name),
        "dataset_name": study.name,
        "dataset_version": study.version,
        "checksum": data_checksum(Path(folder)),
        "impt_analysis": __version__,
        "parameters": parameters,
        "run_date": run_date or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "synthetic": study.synthetic,
    }


def footer_html(prov: dict) -> str:
    shown = dict(prov["parameters"])
    if prov.get("export"):  # the export's place in the site, not where the site was built
        shown.update(
            {
                k: f"{prov['export']}/" if k == "data" else f"{prov['export']}-later/"
                for k, v in shown.items()
                if k in ("data", "compare_with") and v
            }
        )
    params = ", ".join(f"{k}={v!r}" for k, v in shown.items())
    return (
        '<footer class="impt-provenance" style="margin:3em 2em 1em;padding-top:.8em;border-top:1px solid #999;'
        'font:0.85em sans-serif;color:#333">'
        "<strong>Provenance.</strong> "
        + (
            f"Public export <code>{html.escape(prov['export'])}/</code> (de-identified, the only data these "
            "pages are built from) of the dataset "
            if prov.get("export")
            else "Dataset: "
        )
        + f"{html.escape(prov['dataset'])} "
        f"({html.escape(prov['dataset_name'])}, version {html.escape(prov['dataset_version'])}); "
        f"{'export' if prov.get('export') else 'data'} checksum (SHA-256): <code>{prov['checksum'][:16]}…</code>; "
        f"impt_analysis {html.escape(prov['impt_analysis'])}; parameters: <code>{html.escape(params or 'none')}</code>; "
        f"run {html.escape(prov['run_date'])}.</footer>"
    )


def banner_html(prov: dict) -> str:
    if not prov["synthetic"]:
        return ""
    return (
        '<div class="impt-synthetic" style="background:#fff3cd;border:1px solid #e0b000;padding:.6em 1em;'
        'margin:0 0 1em;font:bold 1em sans-serif">Synthetic demonstration data: not the confidential '
        "2010 interviews. Actors are role descriptions; no row describes a real person or case.</div>"
    )


_WORKER_KERNEL = None  # the kernel a worker process reuses from one notebook to the next
_KERNEL_LOG = None  # the file the reused kernel writes its stdout and stderr to (sliced per notebook)

# Run in the reused kernel before every notebook: empty the namespace, then put back every piece of
# state a page can set (pandas options, warning filters, the logging level, IPython's display
# formatters, matplotlib's rcParams, the report helpers' display mode), as they were when the kernel
# was new; print whether the kernel is now as it was, so that the worker can start a fresh one if not.
_RESET = r"""
%reset -f
def __impt_reset():
    import logging
    import sys
    import types
    import warnings

    import matplotlib
    import pandas as pd

    ip = get_ipython()
    formatters = ip.display_formatter.formatters
    saved = sys.modules.get("_impt_pristine")
    if saved is None:  # a new kernel: remember how it is
        saved = types.ModuleType("_impt_pristine")
        saved.filters = list(warnings.filters)
        saved.level = logging.getLogger().level
        saved.printers = {m: (dict(f.type_printers), dict(f.deferred_printers)) for m, f in formatters.items()}
        saved.rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
        sys.modules["_impt_pristine"] = saved
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.reset_option("all")
        matplotlib.rcParams.update(saved.rc)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    warnings.resetwarnings()
    warnings.filters.extend(saved.filters)
    logging.getLogger().setLevel(saved.level)
    for mime, f in formatters.items():
        types_, deferred = saved.printers.get(mime, ({}, {}))
        f.type_printers.clear()
        f.type_printers.update(types_)
        f.deferred_printers.clear()
        f.deferred_printers.update(deferred)
    helper = sys.modules.get("impt_analysis.reporting.notebook")
    if helper is not None:
        helper._PUBLIC, helper._BELOW = False, 5
    registered = pd._config.config._registered_options
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        changed = [k for k, o in registered.items() if pd.get_option(k) != o.defval]
    if warnings.filters != saved.filters:
        changed.append("warning filters")
    if {m: (f.type_printers, f.deferred_printers) for m, f in formatters.items()} != saved.printers:
        changed.append("display formatters")
    if {k: v for k, v in matplotlib.rcParams.items() if k != "backend"} != saved.rc:
        changed.append("matplotlib rcParams")
    print("impt-state:", "clean" if not changed else "changed " + ", ".join(changed))
__impt_reset()
del __impt_reset
"""

# Run after a notebook: whatever the kernel buffered for its stdout and stderr reaches the log file.
_FLUSH = "import sys as __s; __s.__stdout__.flush(); __s.__stderr__.flush(); del __s"


def _kernel_log_file():
    """This worker's file for its reused kernel's stdout and stderr (a nameless temporary file)."""
    global _KERNEL_LOG
    if _KERNEL_LOG is None:
        _KERNEL_LOG = tempfile.TemporaryFile()
    return _KERNEL_LOG


def _execute(km, code: str) -> str:
    """Run ``code`` in the kernel; its printed text."""
    client = km.blocking_client()
    client.start_channels()
    printed: list[str] = []
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive(
            code,
            timeout=60,
            store_history=False,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
        )
    finally:
        client.stop_channels()
    return "".join(printed)


def _warm_kernel(cwd: str):
    """This worker's kernel, started on first use and brought back to its first state before each notebook.

    Starting a kernel and importing pandas, networkx and matplotlib into it takes seconds;
    the worker pays that once, not once per notebook. Before each notebook the namespace is
    emptied (``%reset -f``) and every setting a page can change (pandas options, warning
    filters, the logging level, display formatters, matplotlib's rcParams) is put back as it
    was in the new kernel; if anything still differs, the kernel is replaced by a new one. So a
    notebook sees no variable and no setting of the one before. The kernel writes its stdout
    and stderr to one file of the worker, which :func:`_run_job` slices into each notebook's own
    log. The kernel is shut down when the worker exits.
    """
    global _WORKER_KERNEL
    from multiprocessing.util import Finalize

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    while True:
        km, fresh = _WORKER_KERNEL, False
        if km is None or not run_sync(km.is_alive)():
            km, fresh = AsyncKernelManager(kernel_name="python3"), True
            log = _kernel_log_file()
            run_sync(km.start_kernel)(cwd=cwd, stdout=log, stderr=log)
            Finalize(km, run_sync(km.shutdown_kernel), kwargs={"now": True}, exitpriority=10)
            _WORKER_KERNEL = km
        state = _execute(km, _RESET)
        if fresh or "impt-state: clean" in state:
            return km
        run_sync(km.shutdown_kernel)(now=True)  # a setting that could not be put back: a new kernel
        _WORKER_KERNEL = None


def _run_job(job: Job, out: str, prov: dict, notebooks: str, reuse_kernel: bool = True) -> JobResult:
    """Execute one notebook with papermill and convert it to HTML (runs in a worker process)."""
    import time

    import nbformat
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    executed = Path(out) / "notebooks" / f"{job.name}.ipynb"
    log_path = Path(out) / "notebooks" / f"{job.name}.log"
    _kernel_log_to(log_path)
    try:
        km = _warm_kernel(notebooks) if reuse_kernel else None
        engine = {"km": km} if km is not None else {}
        start = os.fstat(_kernel_log_file().fileno()).st_size if km is not None else 0
        try:
            _execute_notebook(job, executed, notebooks, engine)
        finally:
            if km is not None:
                _copy_kernel_log(km, start)
    except PapermillExecutionError as err:
        return JobResult(
            job,
            False,
            executed=str(executed),
            error=f"{err.ename}: {err.evalue}",
            cell=err.cell_index,
            seconds=time.perf_counter() - started,
        )
    except Exception as err:  # the kernel died, the notebook is unreadable, ...
        return JobResult(
            job,
            False,
            executed=str(executed) if executed.exists() else None,
            error=f"{type(err).__name__}: {err}".strip(),
            seconds=time.perf_counter() - started,
        )
    from .site import exporter, nav_html

    notebook = nbformat.read(executed, as_version=4)
    notebook.metadata["title"] = job.title
    parts = {
        "nav": nav_html(job.name, prov.get("pages", ())),
        "banner": banner_html(prov),
        "footer": footer_html({**prov, "parameters": job.parameters}),
    }
    body, _ = exporter().from_notebook_node(notebook, resources={"impt": parts})  # the site's template
    page = Path(out) / f"{job.name}.html"
    page.write_text(body, encoding="utf-8")
    return JobResult(job, True, html=str(page), executed=str(executed), seconds=time.perf_counter() - started)


def _execute_notebook(job: Job, executed: Path, notebooks: str, engine: dict) -> None:
    import papermill

    papermill.execute_notebook(
        str(Path(notebooks) / f"{job.notebook}.ipynb"),
        str(executed),
        parameters=job.parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=notebooks,
        log_output=False,
        request_save_on_cell_execute=False,
        **engine,
    )


def _copy_kernel_log(km, start: int) -> None:
    """Append what the reused kernel wrote since ``start`` to this notebook's log (this worker's stderr)."""
    from jupyter_core.utils import run_sync

    try:
        if run_sync(km.is_alive)():
            _execute(km, _FLUSH)
    except Exception:  # a kernel that died: what it wrote is in the file already
        pass
    log = _kernel_log_file()
    end = os.fstat(log.fileno()).st_size
    while start < end:
        chunk = os.pread(log.fileno(), min(1 << 20, end - start), start)
        if not chunk:
            break
        os.write(2, chunk)
        start += len(chunk)


def _kernel_log_to(path: Path) -> None:
    """Send this worker's stderr (and its kernels') to a log file, not the user's terminal.

    Kernels print start-up and shutdown messages on stderr; they are no news to the person
    running the reports, but are kept beside the executed notebook for inspection.
    """
    log_file = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log_file, 2)
    os.close(log_file)


def run_report(
    data: str | Path | None = None,
    countries: list[str] | None = None,
    out: str | Path = "reports",
    jobs: int | None = None,
    include_excerpts: bool = False,
    public: bool = False,
    progress: bool = True,
    compare_with: str | Path | None = None,
    *,
    k: int = K,
    suppress_below: int = SUPPRESS_BELOW,
    key: bytes | str | None = None,
    names=(),
    licence: str | None = None,
    force: bool = False,
) -> ReportResult:
    """Run every report notebook and build the HTML site.

    Parameters
    ----------
    data : path, optional
        The study folder; None for the synthetic demonstration study.
    countries : list of str, optional
        Country codes to report on (default: every country of the study; with ``public``,
        every country of its public export).
    out : path
        The site folder: ``index.html``, one HTML page per notebook, and ``notebooks/`` with
        the executed notebooks.
    jobs : int, optional
        Notebooks run in parallel (default: the number of CPUs).
    include_excerpts : bool
        Show coded excerpts in the barrier pages (never with ``public``).
    public : bool
        Pages fit to publish, built from the public export only: the export is written to
        ``<out>/data/`` first (:func:`~impt_analysis.privacy.publish.export_public` with ``k``,
        ``suppress_below``, ``key``, ``names`` and ``licence``) and every notebook runs on it;
        counts of 1 to ``suppress_below - 1`` show "<5", cells hidden to protect them
        "suppressed", and so does every value that would give them back. ``out`` must be
        empty unless ``force``, which clears it first.
    progress : bool
        Show a progress bar.
    compare_with : path, optional
        A later wave of the study: the regional overview then shows what changed (with
        ``public``, from the later wave's own public export, ``<out>/data-later/``).
    k, suppress_below : int
        The public export's k-anonymity and small-count threshold (``public`` only).
    key : bytes or str, optional
        The export's pseudonym key; by default a one-off key of the run's own, never written.
    names : iterable of str
        Names that must appear nowhere in the export, nor on any page (``public`` only).
    licence : str, optional
        The export's licence (SPDX identifier), for a study that states none.
    force : bool
        With ``public``: clear a non-empty ``out`` first. Without: replace an ``out`` that holds
        files other than an earlier report site (the site is built beside ``out`` and moved into
        place whole, so that a failed run leaves ``out`` as it was).

    Returns
    -------
    ReportResult
        With ``failed`` listing any notebook that failed (cell and error).

    Raises
    ------
    StudyValidationError
        If the study is invalid (nothing runs).
    UnknownCountryError
        For an unknown country code (nothing runs).
    ReportFolderError
        ``out`` cannot take the site (see :func:`check_site_folder`, :func:`check_public_folder`),
        or another run is writing into it (:class:`ReportFolderBusyError`).
    ValueError
        With ``public``: the export could not be written (nothing is written then).
    """
    from ..study import load_study

    study = load_study(data)
    later = None
    if compare_with is not None:
        load_study(compare_with)  # a broken later wave fails here, before anything runs
        later = str(Path(compare_with).resolve())
    out = Path(out).resolve()
    lock = lock_out(out)  # a second run into out fails at once; released when this run ends, however it ends
    try:
        if public:
            plan(study, countries)  # unknown codes fail before anything is written
            names = list(names)
            public_study, later, countries, export_summary = _public_data(
                study,
                out,
                later,
                countries,
                k=k,
                suppress_below=suppress_below,
                key=key,
                names=names,
                licence=licence,
                force=force,
            )
            study, data_arg, export = public_study, str(public_study.path), PUBLIC_DATA
        else:
            data_arg = None if data is None else str(Path(data).resolve())
            export = export_summary = None
        job_list = plan(study, countries, data_arg, include_excerpts, public, later, suppress_below)

        def build(site: Path) -> ReportResult:
            return _build(
                study,
                site,
                job_list,
                data_arg,
                include_excerpts,
                public,
                jobs,
                progress,
                names,
                export,
                export_summary,
                suppress_below,
            )

        if public:  # into out itself: its export (out/data/) is already there
            return build(out)
        check_site_folder(out, force)
        return _built_beside(out, build)
    finally:
        lock.close()


def _build(
    study: Study,
    out: Path,
    job_list: list[Job],
    data_arg,
    include_excerpts: bool,
    public: bool,
    jobs,
    progress: bool,
    names,
    export,
    export_summary,
    suppress_below: int = SUPPRESS_BELOW,
) -> ReportResult:
    """Run the notebooks into ``out`` and write the methods page and the index."""
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    prov = {
        **provenance(study, {}, export=export),
        **({"suppress_below": suppress_below} if public else {}),
    }
    # each page links the others of the site (impt_analysis.reporting.site.nav_html)
    results = _run_all(job_list, out, {**prov, "pages": [job.name for job in job_list]}, jobs, progress)
    if public:
        _drop_logs(out, results)
        results = _refuse_names(out, results, names)
    from .site import write_methods_page

    write_methods_page(
        out,
        banner=banner_html(prov),
        footer=footer_html({**prov, "parameters": {}}),
        pages=[r.job.name for r in results if r.ok],
    )
    shown = {"data": data_arg, "public": public, "include_excerpts": include_excerpts and not public}
    index = write_index(study, out, results, {**prov, "parameters": shown})
    return ReportResult(out, index, results, export_summary)


def _built_beside(out: Path, build) -> ReportResult:
    """Build the site into a hidden folder beside ``out``, then move it into place.

    A run that fails, is interrupted or fills the disk leaves ``out`` as it was; the result's
    paths name the files in ``out``.
    """
    from ..paths import folder_replaced_atomically

    with folder_replaced_atomically(out) as site:
        result = build(site)

    def moved(path):
        return None if path is None else str(out / Path(path).relative_to(site))

    results = [dataclasses.replace(r, html=moved(r.html), executed=moved(r.executed)) for r in result.results]
    return ReportResult(out, out / result.index.relative_to(site), results, result.export)


def check_site_folder(out: Path, force: bool) -> None:
    """Refuse a site folder a (non-public) run must not replace, with a sentence saying why.

    The site is built beside ``out`` and then replaces it whole: an empty folder or an earlier
    report site (``index.html`` and ``notebooks/``) is replaced; a folder holding anything else
    only with ``force``; the current working directory, one of its parents or the home folder
    never.

    Examples
    --------
    >>> from pathlib import Path
    >>> check_site_folder(Path("/"), True)
    Traceback (most recent call last):
    ...
    impt_analysis.reporting.report.ReportFolderError: --out / is the current working directory, one of its parents or the home folder: the site replaces its folder whole; choose a folder of its own
    """
    out = Path(out).resolve()
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ReportFolderError(f"--out {out} exists and is not a folder: choose another --out")
    if not out.is_dir():
        return
    cwd = Path.cwd().resolve()
    if out == cwd or out in cwd.parents or out == Path.home().resolve():
        raise ReportFolderError(
            f"--out {out} is the current working directory, one of its parents or the home folder: the "
            "site replaces its folder whole; choose a folder of its own"
        )
    earlier_site = (out / "index.html").is_file() and (out / "notebooks").is_dir()
    if any(out.iterdir()) and not earlier_site and not force:
        raise ReportFolderError(
            f"--out {out} holds files that are not an impt report site, and the site replaces its folder "
            "whole: choose another --out, or add --force to replace it"
        )


def lock_out(out: Path):
    """Take the lock of a report folder (a hidden file beside it), or raise ReportFolderError at once.

    Two runs into one ``--out`` would mix two datasets into one site: the second fails,
    saying so. The lock is an ``flock``: it ends with the run (or its process), never stale.
    """
    import fcntl

    out.parent.mkdir(parents=True, exist_ok=True)
    handle = open(out.parent / f".{out.name}.impt-report.lock", "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ReportFolderBusyError(
            f"{out}: another impt report is writing into this folder now; wait for it to end "
            "or choose another --out"
        ) from None
    return handle


def _run_all(job_list: list[Job], out: Path, prov: dict, jobs: int | None, progress: bool) -> list[JobResult]:
    notebooks = str(notebooks_path())
    jobs = jobs or os.cpu_count() or 1
    results: list[JobResult] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(job_list)), mp_context=context) as pool:
        futures = {pool.submit(_run_job, job, str(out), prov, notebooks): job for job in job_list}
        bar = _progress(len(futures), progress)
        for future in as_completed(futures):
            job = futures[future]
            try:
                results.append(future.result())
            except Exception as err:  # a worker crashed
                results.append(
                    JobResult(job, False, error="".join(traceback.format_exception_only(err)).strip())
                )
            bar.update(1)
        bar.close()
    order = {job.name: i for i, job in enumerate(job_list)}
    results.sort(key=lambda r: order[r.job.name])
    return results


def check_public_folder(out: Path, study_folder: Path | None, force: bool) -> None:
    """Refuse a site folder a public run must not fill or clear, with a sentence saying why.

    A public site holds the files of one public run only: a non-empty folder is refused
    unless ``force``; with ``force`` it is cleared, but never when it is the current working
    directory or one of its parents. A folder that is, holds or lies in the study's own folder
    is refused whatever ``force``.

    Examples
    --------
    >>> from pathlib import Path
    >>> check_public_folder(Path("/"), None, True)
    Traceback (most recent call last):
    ...
    impt_analysis.reporting.report.ReportFolderError: --out / is the current working directory or one of its parents: a public run clears its folder; choose a folder of its own
    """
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise ReportFolderError(f"--out {out} exists and is not a folder")
    if study_folder is not None:
        source = Path(study_folder).resolve()
        if out == source or out in source.parents or source in out.parents:
            raise ReportFolderError(
                f"--out {out} overlaps the study's own folder: a public site is written, and "
                "cleared, outside the study; choose another folder"
            )
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not force:
        raise ReportFolderError(
            f"--out {out} is not empty: a public site holds only the files of one public run; "
            "choose an empty folder, or add --force to clear it first"
        )
    cwd = Path.cwd().resolve()
    if out == cwd or out in cwd.parents or out == Path.home().resolve():
        raise ReportFolderError(
            f"--out {out} is the current working directory or one of its parents: a public run "
            "clears its folder; choose a folder of its own"
        )


def _public_data(
    study: Study,
    out: Path,
    later: str | None,
    countries: list[str] | None,
    *,
    k,
    suppress_below,
    key,
    names,
    licence,
    force,
) -> tuple[Study, str | None, list[str] | None, str]:
    """Write the public export (and the later wave's) into ``out``, cleared first; load it.

    The exports are written beside ``out`` first: a failed export, or an asked country the
    export does not publish, leaves ``out`` as it was.
    """
    from ..privacy.publish import export_public
    from ..study import load_study

    check_public_folder(out, study.path, force)
    options = {
        "k": k,
        "suppress_below": suppress_below,
        "key": key if key is not None else secrets.token_bytes(32),
        "names": names,
    }
    if licence is not None:
        options["licence"] = licence
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.export-", dir=out.parent))
    try:
        written = export_public(study, staging / PUBLIC_DATA, **options)
        if later is not None:
            export_public(load_study(later), staging / f"{PUBLIC_DATA}-later", **options)
        countries = _published(load_study(staging / PUBLIC_DATA), countries, k)
        if out.is_dir():
            for child in out.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        out.mkdir(parents=True, exist_ok=True)
        for child in staging.iterdir():
            child.rename(out / child.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    later_export = str(out / f"{PUBLIC_DATA}-later") if later is not None else None
    summary = dataclasses.replace(written, path=out / PUBLIC_DATA).summary()
    if key is None:  # the run's own key, forgotten: say so in the words of the report, not of export-public
        summary = "\n".join(line for line in summary.splitlines() if "--key-file" not in line)
        summary += (
            "\n  the pseudonyms were made with a one-off key of this run (give --key-file to reproduce them)"
        )
    return load_study(out / PUBLIC_DATA), later_export, countries, summary


def _published(public_study: Study, countries: list[str] | None, k: int) -> list[str] | None:
    """The asked countries that the export publishes; a country it suppressed has no page."""
    if not countries:
        return None
    asked = [c.strip().upper() for c in countries]
    # Not an unknown code (plan() has checked them against the study): a country of the study
    # whose every interview the export suppressed.
    gone = [c for c in asked if c not in public_study.countries]
    if gone:
        raise UnknownCountryError(
            f"no interview of {' or '.join(gone)} is published in the public export (k={k}), so it has "
            "no public page: leave it out or lower --k"
        )
    return asked


def fold(text: str) -> str:
    """Text for a case- and accent-insensitive search.

    Examples
    --------
    >>> fold("Jürgen ÅBERG")
    'jurgen aberg'
    """
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _drop_logs(out: Path, results: list[JobResult]) -> None:
    """A public site keeps no kernel logs of the notebooks that ran (a failed one's stays, for inspection)."""
    for r in results:
        if r.ok:
            (out / "notebooks" / f"{r.job.name}.log").unlink(missing_ok=True)


def _refuse_names(out: Path, results: list[JobResult], names: list[str]) -> list[JobResult]:
    """Take down any page or kept notebook holding a name that must not be published; it counts as failed."""
    wanted = [(n, fold(n)) for n in names if n and n.strip()]
    if not wanted:
        return results
    checked = []
    for r in results:
        hits = []
        for path in (r.html, r.executed):
            if path and Path(path).is_file():
                text = fold(_readable_text(Path(path)))
                hits += [n for n, f in wanted if f in text]
        if hits:
            for path in (r.html, r.executed):
                if path:
                    Path(path).unlink(missing_ok=True)
            r = JobResult(
                r.job,
                False,
                error=f"the page showed {len(set(hits))} name(s) of --names-file; it was taken down",
                seconds=r.seconds,
            )
        checked.append(r)
    return checked


def _readable_text(path: Path) -> str:
    """What a reader can read in a page or kept notebook: embedded images left out.

    A figure's text is in its pixels, not its base64 letters, where a short name would turn up
    by chance.
    """
    import re

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        import json

        book = json.loads(text)
        for cell in book.get("cells", []):
            for output in cell.get("outputs", []):
                for mime in [
                    m for m in output.get("data", {}) if m.startswith("image/") and m != "image/svg+xml"
                ]:
                    output["data"][mime] = ""
        text = json.dumps(book, ensure_ascii=False)
    return re.sub(r"data:image/(?!svg)[^\"')\s]*", "", text)


class _Lines:
    """Progress as plain lines ("reports: 3 of 7"), for a stderr that is not a terminal (a log file)."""

    def __init__(self, total: int):
        self.total, self.done = total, 0

    def update(self, n: int = 1) -> None:
        import sys

        self.done += n
        print(f"reports: {self.done} of {self.total} notebooks done", file=sys.stderr, flush=True)

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool):
    """A progress bar on a terminal; plain lines, with no carriage return, into a file or pipe."""
    import sys

    from tqdm.auto import tqdm

    if enabled and not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return _Lines(total)
    return tqdm(total=total, desc="reports", unit="notebook", disable=not enabled)


def write_index(study: Study, out: Path, results: list[JobResult], prov: dict) -> Path:
    """Write ``index.html``: links to every page and the regional three-aspect table."""
    from ..coordination import compare_with_reference

    table = compare_with_reference(study)
    rows = []
    for r in results:
        link = (
            f'<a href="{html.escape(Path(r.html).name)}">{html.escape(r.job.title)}</a>'
            if r.ok
            else f"{html.escape(r.job.title)} <em>(failed: {html.escape(r.error or '')})</em>"
        )
        rows.append(f"<li>{link}</li>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>IMPT Workbench reports: {html.escape(study.meta.get("title", study.name))}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #bbb;padding:.3em .6em;text-align:center}}
code{{overflow-wrap:anywhere}}.impt-scroll{{overflow-x:auto}}</style></head>
<body>{banner_html(prov)}
<h1>IMPT Workbench reports</h1>
<p>{html.escape(study.meta.get("title", study.name))}: {_interviews_text(study, prov)} interviews in
{len(study.countries)} countries.</p>{_export_html(prov)}
<h2>The three aspects per country, derived from the interviews beside the published 2010 table</h2>
<p>X = present, (X) = partly or weakly present, - = absent. Derived by the rules of the
<a href="methods.html">methods page</a>;
published: the 2010 BSR IMPT report.</p>
{_three_aspect_html(table, study)}
<h2>Reports</h2>
<ul>{"".join(rows)}</ul>
{footer_html(prov)}
</body></html>
"""
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _interviews_text(study: Study, prov: dict) -> str:
    n, below = len(study.interviews), prov.get("suppress_below", SUPPRESS_BELOW)
    return f"&lt;{below}" if prov.get("export") and 0 < n < below else str(n)


def _export_html(prov: dict) -> str:
    """On a public site: which package the pages are built from, with its checksum and disclosure record."""
    if not prov.get("export"):
        return ""
    folder = html.escape(prov["export"])
    below = prov.get("suppress_below", SUPPRESS_BELOW)
    return (
        f'<p class="impt-public">Every page is built from the public export <a href="{folder}/datapackage.json">'
        f"<code>{folder}/</code></a> only (SHA-256 <code>{prov['checksum']}</code>): de-identified, with "
        f'counts from 1 to {below - 1} shown as "&lt;{below}" '
        'and cells hidden to protect them as "suppressed". What was removed, generalised and suppressed: '
        f'<a href="{folder}/DISCLOSURE.md"><code>{folder}/DISCLOSURE.md</code></a>.</p>'
    )


def _three_aspect_html(table, study: Study | None = None) -> str:
    """The nine-country table: each aspect as derived (published), disagreements marked; with
    the study, how many verdicts hang on one interview or flow (verdict_stability)."""
    from ..reference import ASPECTS

    head = "".join(
        f"<th>{html.escape(t)}</th>"
        for t in ("Country", "National co-ordination", "Professional networks", "Local/regional input")
    )
    rows, notes = [], []
    for country, row in table.iterrows():
        cells = []
        for aspect in ASPECTS:
            derived, published = row[aspect], row.get(f"{aspect}_published")
            if published is None or published != published or derived == published:
                cells.append(f"<td>{html.escape(derived)}</td>")
            else:
                cells.append(
                    f'<td style="background:#fde0d0">{html.escape(derived)} '
                    f"(published {html.escape(published)}) &ne;</td>"
                )
        mark = ""
        if isinstance(row.get("note"), str) and row["note"]:
            notes.append(f"<li>{html.escape(country)}: {html.escape(row['note'])}</li>")
            mark = "<sup>&dagger;</sup>"
        rows.append(f"<tr><th>{html.escape(country)}{mark}</th>{''.join(cells)}</tr>")
    agreement = table[[f"{a}_agrees" for a in ASPECTS]]
    agree, total = int(agreement.sum().sum()), int(agreement.notna().sum().sum())
    note_html = (
        f"<p>&dagger; The report's prose disagrees with its own table:</p><ul>{''.join(notes)}</ul>"
        if notes
        else ""
    )
    matched = f"{agree} of {total} cells match the published table; a cell that does not shows both."
    if study is not None and study.synthetic:
        matched += (
            " On this synthetic study that is by construction (it was generated to follow the published "
            "table): a check of the generator, not a validation of the rules."
        )
    if study is not None:
        from ..stability import stability_counts, verdict_stability

        s = stability_counts(verdict_stability(study))
        unit = "interview group" if study.public else "interview"
        matched += (
            f" How sure the verdicts are: {s['robust']} of {s['cells']} stay the same whichever single "
            f"{unit} or flow row is left out; {s['rests_on_a_flow']} rest on a single flow row and "
            f"{s['rests_on_an_interview']} on a single {unit} (named on each country page)."
        )
    return (
        f"<p>{html.escape(matched)}</p>"
        f'<div class="impt-scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f"</div>{note_html}"
    )
