"""Privacy: de-identification, small-cell suppression, the disclosure check and the public export.

Nothing in the analysis modules imports from here; public output is made only through these modules.
"""
