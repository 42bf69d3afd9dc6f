"""Privacy: de-identification, small-cell suppression, the disclosure check and the public export.

Nothing in the analysis modules imports from here; public output is made only through these modules.
"""

#: The k every published interview's (country, year, sector, level) reaches by default: it hides
#: among at least this many interviews (``impt export-public --k``).
K = 5
#: Counts from 1 to ``SUPPRESS_BELOW - 1`` are suppressed by default (``--suppress-below``), in a
#: public export and on every page or figure made from one.
SUPPRESS_BELOW = 5
