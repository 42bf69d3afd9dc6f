"""Benchmarks: the library pipeline at 60, 600 and 6,000 interviews, and the report suite.

Run with ``make bench``. Prints a table and writes ``benchmarks/results/latest.json``.

Each pipeline size runs in a fresh Python process (so peak memory is that size's own): the
synthetic study is generated and written to CSV first (not timed), then timed: load and
validate, build the graph, and ``three_aspects``, ``triangulate``, ``side_information`` and
``brokerage`` for every country. The report suite runs ``impt report --jobs 2`` on the demo
study against the same notebooks executed one by one with the ``papermill`` command line and
converted with ``jupyter nbconvert``, in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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


def pipeline(sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([str(BIN / "impt"), "demo-data", "--out", tmp, "--interviews", str(n)], check=True,
                           capture_output=True)
            proc = subprocess.run([sys.executable, "-c", PIPELINE, tmp], check=True, capture_output=True, text=True)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["size"] = n
        rows.append(result)
        print(f"  pipeline at {n:>5} interviews: {result['times']['total']:.2f} s, peak {result['peak_mb']:.0f} MB",
              flush=True)
    return rows


def report_suite(jobs: int = 2) -> dict:
    from impt_analysis import load_study
    from impt_analysis.report import notebooks_path, plan

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        subprocess.run([str(BIN / "impt"), "report", "--jobs", str(jobs), "--out", str(tmp / "site"), "--quiet"],
                       check=True, capture_output=True)
        ours = time.perf_counter() - t
        t = time.perf_counter()
        for job in plan(load_study()):
            executed = tmp / "loop" / f"{job.name}.ipynb"
            executed.parent.mkdir(exist_ok=True)
            args = [str(BIN / "papermill"), str(notebooks_path() / f"{job.notebook}.ipynb"), str(executed),
                    "--cwd", str(notebooks_path()), "--no-progress-bar", "-k", "python3"]
            for key, value in job.parameters.items():
                if value is None:
                    args += ["-y", f"{key}: null"]
                elif isinstance(value, bool):
                    args += ["-y", f"{key}: {str(value).lower()}"]
                else:
                    args += ["-p", key, str(value)]
            subprocess.run(args, check=True, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, capture_output=True)
        loop = time.perf_counter() - t
    print(f"  report suite: impt report --jobs {jobs} {ours:.1f} s; papermill + nbconvert loop {loop:.1f} s", flush=True)
    return {"impt_report_s": ours, "cli_loop_s": loop, "speedup": loop / ours, "jobs": jobs,
            "notebooks": len(plan(load_study()))}


def import_check() -> dict:
    code = ("import sys, impt_analysis; heavy = [m for m in ('matplotlib', 'papermill', 'nbconvert') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    return {"heavy_modules_on_import": [m for m in out.split(",") if m]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 600, 6000])
    parser.add_argument("--skip-report", action="store_true", help="Skip the report-suite comparison.")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args(argv)

    print("IMPT Workbench benchmarks", flush=True)
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
              "date": time.strftime("%Y-%m-%d %H:%M:%S"), "pipeline": pipeline(args.sizes), "imports": import_check()}
    by_size = {r["size"]: r["times"]["total"] for r in result["pipeline"]}
    if 600 in by_size and 6000 in by_size:
        result["ratio_6000_600"] = by_size[6000] / by_size[600]
    if not args.skip_report:
        result["report"] = report_suite()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)
    print(f"written to {args.out}")
    return 0


def print_table(result: dict) -> None:
    print()
    steps = list(result["pipeline"][0]["times"])
    print(f"{'interviews':>10} " + " ".join(f"{s[:14]:>14}" for s in steps) + f" {'peak MB':>8}")
    for r in result["pipeline"]:
        print(f"{r['size']:>10} " + " ".join(f"{r['times'][s]:>14.3f}" for s in steps) + f" {r['peak_mb']:>8.0f}")
    if "ratio_6000_600" in result:
        print(f"time(6000) / time(600) = {result['ratio_6000_600']:.1f}  (target < 15)")
    small = next((r for r in result["pipeline"] if r["size"] == 60), None)
    if small:
        print(f"60 interviews: {small['times']['total']:.2f} s after import (target < 1 s)")
    big = next((r for r in result["pipeline"] if r["size"] == 6000), None)
    if big:
        print(f"6,000 interviews: {big['times']['total']:.1f} s (target < 20 s), peak {big['peak_mb']:.0f} MB "
              "(target < 1,500 MB)")
    if "report" in result:
        r = result["report"]
        print(f"report suite ({r['notebooks']} notebooks): impt report --jobs {r['jobs']} {r['impt_report_s']:.1f} s, "
              f"papermill/nbconvert loop {r['cli_loop_s']:.1f} s, speed-up {r['speedup']:.2f}x (target >= 2.5x)")
    heavy = result["imports"]["heavy_modules_on_import"]
    print("import impt_analysis pulls in: " + (", ".join(heavy) if heavy else "no matplotlib, papermill or nbconvert"))


if __name__ == "__main__":
    sys.exit(main())
