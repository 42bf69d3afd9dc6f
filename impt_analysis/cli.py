"""The ``impt`` command line: a thin layer over the library.

Exit codes: 0 success, 1 invalid data or a failed run, 2 usage error (click's own).
Bad data never produces a traceback: the problems are printed and the command exits 1.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import __version__
from .validation import StudyValidationError


class DataError(click.ClickException):
    """Bad input data: printed without a traceback, exit code 1."""

    exit_code = 1


def handles_bad_data(command):
    """Turn the library's data errors into a clear message and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except StudyValidationError as err:
            click.echo(str(err), err=True)
            sys.exit(1)
        except (FileNotFoundError, FileExistsError, NotADirectoryError, ValueError) as err:
            raise DataError(str(err)) from err

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="impt")
def main():
    """IMPT Workbench: map information flows on children at risk of trafficking.

    Loads, validates and analyses coded interviews of a BSR IMPT-style study.

    \b
    Examples:
      impt validate                    # the bundled synthetic demonstration study
      impt validate path/to/study      # your own study folder
      impt demo-data --out demo/       # write the demonstration study as CSV files
    """


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@handles_bad_data
def validate(path: Path | None):
    """Validate a study data package and print a summary.

    PATH is the study folder (holding datapackage.json); without it, the bundled synthetic
    demonstration study. Every problem is listed with its file, row and column; the exit code
    is 1 if there is any.

    \b
    Example:
      impt validate data/demo
    """
    from .study import load_study

    study = load_study(path)
    click.echo(study.summary())
    click.echo("valid: no problems found")


@main.command("demo-data")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Folder to write the study into.")
@click.option("--interviews", "n_interviews", default=60, show_default=True, type=click.IntRange(min=9),
              help="Number of interviews across the nine countries.")
@click.option("--seed", default=None, type=int, help="Random seed (default: the demo study's own).")
@click.option("--wave", default=1, show_default=True, type=click.IntRange(1, 2),
              help="1: the 2010 study; 2: a follow-up in which some gaps have closed.")
@handles_bad_data
def demo_data(out: Path, n_interviews: int, seed: int | None, wave: int):
    """Write the synthetic demonstration study as a data package.

    The data are SYNTHETIC: generated to follow the structure the 2010 report describes,
    with role descriptions instead of organisations and no real person.

    \b
    Example:
      impt demo-data --out /tmp/demo --interviews 600 --seed 7
    """
    from .demo import DEMO_SEED, generate_study
    from .study import write_study

    study = generate_study(n_interviews=n_interviews, seed=DEMO_SEED if seed is None else seed, wave=wave)
    write_study(study, out)
    click.echo(f"wrote a synthetic study of {len(study.interviews)} interviews to {out}")


if __name__ == "__main__":  # pragma: no cover
    main()
