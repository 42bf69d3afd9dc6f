"""IMPT Workbench: map information flows on children at risk of trafficking from coded interviews.

Examples
--------
>>> import impt_analysis as impt
>>> study = impt.load_study()          # the synthetic demonstration study
>>> study.synthetic
True
"""

__version__ = "0.1.0"

from .coordination import AspectRules, aspect_table, compare_with_reference, reach, side_information, three_aspects
from .graph import build_graph, flow_graph, who_knows_what
from .agreement import agreement
from .barriers import barrier_cooccurrence, barrier_crosstab, barrier_excerpts, barrier_table, blocked_links
from .basis import basis, case_count_table
from .brokerage import brokerage, brokers
from .channels import recommend_channels
from .codings import code_cooccurrence, code_frequencies
from .export import export_graph
from .reference import reference_table
from .publish import check_disclosure, export_public
from .regional import cross_border_flows, cross_border_matrix, interview_table, scorecard
from .triangulation import triangulate
from .study import Study, load_study, study_from_tables, write_study
from .suppression import suppress_small_cells
from .validation import Problem, StudyValidationError
from .waves import compare_studies

__all__ = [
    "__version__",
    "AspectRules",
    "aspect_table",
    "agreement",
    "build_graph",
    "compare_with_reference",
    "flow_graph",
    "reach",
    "side_information",
    "three_aspects",
    "who_knows_what",
    "export_graph",
    "barrier_cooccurrence",
    "barrier_table",
    "basis",
    "blocked_links",
    "barrier_crosstab",
    "barrier_excerpts",
    "brokerage",
    "brokers",
    "cross_border_flows",
    "cross_border_matrix",
    "interview_table",
    "scorecard",
    "case_count_table",
    "code_cooccurrence",
    "code_frequencies",
    "triangulate",
    "Problem",
    "Study",
    "StudyValidationError",
    "load_study",
    "reference_table",
    "study_from_tables",
    "write_study",
    "recommend_channels",
    "compare_studies",
    "check_disclosure",
    "export_public",
    "suppress_small_cells",
]
