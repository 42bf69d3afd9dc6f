"""Benchmarks: the library pipeline at 60, 600 and 6,000 interviews, and the report suite.

Run with ``make bench``. Prints a table and writes ``benchmarks/results/latest.json``.

Each pipeline size runs in a fresh Python process (so peak memory is that size's own): the
synthetic study is generated and written to CSV first (not timed), then timed: load and
validate, build the graph, and ``three_aspects``, ``triangulate``, ``side_information`` and
``brokerage`` for every country. The explorer (:class:`impt_analysis.reporting.explore.Explorer`) is
timed on the demo study and at 600 interviews, each in a fresh process: its construction, and
each filter change from ``Explorer.set(...)`` to updated outputs, once with the Interviews tab
on screen and once with the Network tab (the first drawing of a selection's network, and a
selection already drawn). The report suite runs ``impt report --jobs 2`` on the demo study
against the same notebooks executed one by one with the ``papermill`` command line and
converted with ``jupyter nbconvert``, in the same run. The import of a project coded with the
coding frame (``impt import-qdpx``) is timed at 600 interviews (``--qdpx-sizes``): the synthetic
study is written as a coded ``.qdpx`` first (not timed), then a fresh process reads it
(:func:`~impt_analysis.interop.refi_qda.read_qdpx`: codes, cases, passages and the network
derived from them) and writes the study, with its peak memory (resident, and the peak of Python's
own allocations measured by ``tracemalloc`` in a second run). Each figure is printed beside the one of
the previous results file (``--previous``, default the newest other file in results/).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent

PIPELINE = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
import impt_analysis as impt
t_import = time.perf_counter() - t0
folder = Path(sys.argv[1])
times = {}
t = time.perf_counter(); study = impt.load_study(folder); times["load_validate"] = time.perf_counter() - t
t = time.perf_counter(); graph = impt.build_graph(study); times["build_graph"] = time.perf_counter() - t
t = time.perf_counter(); impt.three_aspects(study); times["three_aspects"] = time.perf_counter() - t
t = time.perf_counter(); impt.triangulate(study); times["triangulate"] = time.perf_counter() - t
t = time.perf_counter()
for c in study.countries:
    impt.side_information(study, c)
times["side_information"] = time.perf_counter() - t
t = time.perf_counter()
for c in study.countries:
    g = impt.flow_graph(study, c)
    impt.brokerage(g, {n: d.get("level") for n, d in g.nodes(data=True)})
times["brokerage"] = time.perf_counter() - t
times["total"] = sum(times.values())
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"times": times, "import_s": t_import, "peak_mb": peak_mb,
                  "interviews": len(study.interviews), "actors": len(study.actors), "flows": len(study.flows)}))
"""


EXPLORER = r"""
import json, statistics, sys, time
from pathlib import Path
from impt_analysis import load_study
from impt_analysis.reporting.explore import Explorer
folder = sys.argv[1]
study = load_study(None if folder == "demo" else Path(folder))
t = time.perf_counter(); ex = Explorer(study); build = time.perf_counter() - t
country = study.countries[0]
sector = study.interviews.loc[study.interviews["country"] == country, "sector"].iloc[0]
group = study.items.loc[study.items["country"] == country, "child_group"].iloc[0]
changes = [dict(country=country), dict(sector=sector), dict(sector=None), dict(child_group=group),
           dict(child_group=None), dict(verification="official"), dict(verification=None),
           dict(country=study.countries[1]), dict(search="school"), dict(search=""), dict(country=None)]

def timed(steps):
    out = []
    for change in steps:
        t = time.perf_counter(); ex.set(**change); out.append(time.perf_counter() - t)
    return out

tables = timed(changes * 2)
ex.open_tab("Network")
first = timed(changes)      # every selection's network drawn for the first time
again = timed(changes)      # the same selections: kept once drawn
print(json.dumps({"interviews": len(study.interviews), "build_s": build,
                  "change_median_s": statistics.median(tables), "change_max_s": max(tables),
                  "network_first_median_s": statistics.median(first), "network_first_max_s": max(first),
                  "network_again_median_s": statistics.median(again)}))
"""


QDPX_WRITE = r"""
import sys
from impt_analysis.demo import generate_study
from impt_analysis.interop.refi_qda.coded import write_coded_qdpx
study = generate_study(int(sys.argv[1]))
coders = study.codings.groupby("interview_id")["coder"].nunique()
write_coded_qdpx(study, sys.argv[2], double_coded=sorted(coders.index[coders > 1]))
"""

QDPX_IMPORT = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
import impt_analysis
from impt_analysis.interop.refi_qda import read_qdpx
from impt_analysis.study import write_study
traced = sys.argv[3] == "traced"
before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if traced:
    tracemalloc.start()
t = time.perf_counter(); study = read_qdpx(Path(sys.argv[1])); read_s = time.perf_counter() - t
t = time.perf_counter(); write_study(study, Path(sys.argv[2])); write_s = time.perf_counter() - t
out = {"read_s": read_s, "write_s": write_s, "total_s": read_s + write_s,
       "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "before_mb": before_mb,
       "interviews": len(study.interviews), "codings": len(study.codings), "flows": len(study.flows),
       "knowledge": len(study.knowledge), "actors": len(study.actors)}
if traced:
    out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
print(json.dumps(out))
"""


def qdpx_import(sizes: list[int]) -> list[dict]:
    """The import of a project coded with the frame: time and peak memory, in fresh processes."""
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "coded.qdpx"
            subprocess.run([sys.executable, "-c", QDPX_WRITE, str(n), str(project)], check=True)
            runs = {}
            for mode in ("plain", "traced"):
                proc = subprocess.run(
                    [sys.executable, "-c", QDPX_IMPORT, str(project), str(Path(tmp) / mode), mode],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
            result = dict(runs["plain"], size=n, file_mb=project.stat().st_size / 2**20)
            result["traced_peak_mb"] = runs["traced"]["traced_peak_mb"]
        rows.append(result)
        print(
            f"  import-qdpx at {n:>5} interviews ({result['file_mb']:.1f} MB, {result['codings']} codings): "
            f"{result['total_s']:.2f} s, peak {result['peak_mb']:.0f} MB resident, "
            f"{result['traced_peak_mb']:.0f} MB traced",
            flush=True,
        )
    return rows


def explorer(sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = "demo"
            if n != 60:
                subprocess.run(
                    [str(BIN / "impt"), "demo-data", "--out", tmp, "--interviews", str(n)],
                    check=True,
                    capture_output=True,
                )
                folder = tmp
            proc = subprocess.run(
                [sys.executable, "-c", EXPLORER, folder], check=True, capture_output=True, text=True
            )
            result = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(result)
        print(
            f"  explorer at {result['interviews']:>5} interviews: built in {result['build_s']:.2f} s, "
            f"a change {result['change_median_s']:.3f} s (median)",
            flush=True,
        )
    return rows


def pipeline(sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [str(BIN / "impt"), "demo-data", "--out", tmp, "--interviews", str(n)],
                check=True,
                capture_output=True,
            )
            proc = subprocess.run(
                [sys.executable, "-c", PIPELINE, tmp], check=True, capture_output=True, text=True
            )
            result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["size"] = n
        rows.append(result)
        print(
            f"  pipeline at {n:>5} interviews: {result['times']['total']:.2f} s, peak {result['peak_mb']:.0f} MB",
            flush=True,
        )
    return rows


def report_suite(jobs: int = 2) -> dict:
    from impt_analysis import load_study
    from impt_analysis.reporting.report import notebooks_path, plan

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        subprocess.run(
            [str(BIN / "impt"), "report", "--jobs", str(jobs), "--out", str(tmp / "site"), "--quiet"],
            check=True,
            capture_output=True,
        )
        ours = time.perf_counter() - t
        t = time.perf_counter()
        for job in plan(load_study()):
            executed = tmp / "loop" / f"{job.name}.ipynb"
            executed.parent.mkdir(exist_ok=True)
            args = [
                str(BIN / "papermill"),
                str(notebooks_path() / f"{job.notebook}.ipynb"),
                str(executed),
                "--cwd",
                str(notebooks_path()),
                "--no-progress-bar",
                "-k",
                "python3",
            ]
            for key, value in job.parameters.items():
                if value is None:
                    args += ["-y", f"{key}: null"]
                elif isinstance(value, bool):
                    args += ["-y", f"{key}: {str(value).lower()}"]
                else:
                    args += ["-p", key, str(value)]
            subprocess.run(args, check=True, capture_output=True)
            subprocess.run(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                check=True,
                capture_output=True,
            )
        loop = time.perf_counter() - t
    print(
        f"  report suite: impt report --jobs {jobs} {ours:.1f} s; papermill + nbconvert loop {loop:.1f} s",
        flush=True,
    )
    return {
        "impt_report_s": ours,
        "cli_loop_s": loop,
        "speedup": loop / ours,
        "jobs": jobs,
        "notebooks": len(plan(load_study())),
    }


def import_check() -> dict:
    code = (
        "import sys, impt_analysis; heavy = [m for m in ('matplotlib', 'papermill', 'nbconvert') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    return {"heavy_modules_on_import": [m for m in out.split(",") if m]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 600, 6000])
    parser.add_argument("--skip-report", action="store_true", help="Skip the report-suite comparison.")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--explorer-sizes", type=int, nargs="+", default=[60, 600])
    parser.add_argument("--qdpx-sizes", type=int, nargs="+", default=[600])
    parser.add_argument(
        "--previous",
        type=Path,
        default=None,
        help="An earlier results file to print beside (default: the newest other one in results/).",
    )
    args = parser.parse_args(argv)

    print("IMPT Workbench benchmarks", flush=True)
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "pipeline": pipeline(args.sizes),
        "imports": import_check(),
        "explorer": explorer(args.explorer_sizes),
        "qdpx_import": qdpx_import(args.qdpx_sizes),
    }
    by_size = {r["size"]: r["times"]["total"] for r in result["pipeline"]}
    if 600 in by_size and 6000 in by_size:
        result["ratio_6000_600"] = by_size[6000] / by_size[600]
    if not args.skip_report:
        result["report"] = report_suite()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result, previous(args.previous, args.out))
    print(f"written to {args.out}")
    return 0


#: The explorer before issue 14 (median in the kernel on the demo, 2 cores), for a results file without it.
EXPLORER_BEFORE = {"interviews": 60, "build_s": 1.5, "change_median_s": 0.56}


def previous(path: Path | None, out: Path) -> dict:
    """The earlier results to print beside: ``path``, else the newest other file of results/."""
    if path is None:
        others = sorted(
            (p for p in (HERE / "results").glob("*.json") if p.resolve() != out.resolve()),
            key=lambda p: p.stat().st_mtime,
        )
        path = others[-1] if others else None
    if path is None or not path.exists():
        return {}
    return json.loads(path.read_text())


def _was(value, fmt: str) -> str:
    return f" (before: {format(value, fmt)})" if value is not None else ""


def print_table(result: dict, before: dict | None = None) -> None:
    before = before or {}
    print()
    steps = list(result["pipeline"][0]["times"])
    print(f"{'interviews':>10} " + " ".join(f"{s[:14]:>14}" for s in steps) + f" {'peak MB':>8}")
    for r in result["pipeline"]:
        print(
            f"{r['size']:>10} "
            + " ".join(f"{r['times'][s]:>14.3f}" for s in steps)
            + f" {r['peak_mb']:>8.0f}"
        )
    if "ratio_6000_600" in result:
        print(f"time(6000) / time(600) = {result['ratio_6000_600']:.1f}  (target < 15)")
    small = next((r for r in result["pipeline"] if r["size"] == 60), None)
    if small:
        print(f"60 interviews: {small['times']['total']:.2f} s after import (target < 1 s)")
    big = next((r for r in result["pipeline"] if r["size"] == 6000), None)
    if big:
        print(
            f"6,000 interviews: {big['times']['total']:.1f} s (target < 20 s), peak {big['peak_mb']:.0f} MB "
            "(target < 1,500 MB)"
        )
    old = {r["interviews"]: r for r in before.get("explorer", [EXPLORER_BEFORE])}
    for r in result.get("explorer", []):
        was = old.get(r["interviews"], {})
        print(
            f"explorer at {r['interviews']} interviews: a filter change {r['change_median_s']:.3f} s median, "
            f"{r['change_max_s']:.3f} s max{_was(was.get('change_median_s'), '.3f')} (target < 0.5 s); "
            f"built in {r['build_s']:.2f} s{_was(was.get('build_s'), '.2f')}; with the network on screen "
            f"{r['network_first_median_s']:.3f} s (first drawing), {r['network_again_median_s']:.3f} s (again)"
        )
    old_qdpx = {r["size"]: r for r in before.get("qdpx_import", [])}
    for r in result.get("qdpx_import", []):
        was = old_qdpx.get(r["size"], {})
        print(
            f"import-qdpx of a coded project of {r['size']} interviews ({r['file_mb']:.1f} MB, {r['codings']} "
            f"codings): read {r['read_s']:.2f} s, written {r['write_s']:.2f} s, "
            f"total {r['total_s']:.2f} s{_was(was.get('total_s'), '.2f')}; peak {r['peak_mb']:.0f} MB resident "
            f"({r['before_mb']:.0f} MB before reading), {r['traced_peak_mb']:.0f} MB allocated by Python"
        )
    if "report" in result:
        r = result["report"]
        was = before.get("report", {})
        print(
            f"report suite ({r['notebooks']} notebooks): impt report --jobs {r['jobs']} {r['impt_report_s']:.1f} s"
            f"{_was(was.get('impt_report_s'), '.1f')}, papermill/nbconvert loop {r['cli_loop_s']:.1f} s, "
            f"speed-up {r['speedup']:.2f}x (target >= 2.5x)"
        )
    heavy = result["imports"]["heavy_modules_on_import"]
    print(
        "import impt_analysis pulls in: "
        + (", ".join(heavy) if heavy else "no matplotlib, papermill or nbconvert")
    )


if __name__ == "__main__":
    sys.exit(main())
