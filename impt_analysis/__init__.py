"""IMPT Workbench: map information flows on children at risk of trafficking from coded interviews.

Examples
--------
>>> import impt_analysis as impt
>>> study = impt.load_study()          # the synthetic demonstration study
>>> study.synthetic
True
"""

__version__ = "0.1.0"

# The study: load, validate, write
from .agreement import agreement
from .barriers import barrier_cooccurrence, barrier_crosstab, barrier_excerpts, barrier_table, blocked_links
from .basis import basis, case_count_table
from .brokerage import brokerage, brokers

# From diagnosis to action
from .channels import recommend_channels
from .codings import code_cooccurrence, code_frequencies
from .coordination import aspect_table, compare_rules, compare_with_reference, three_aspects

# The information-flow graph and the study's questions
from .graph import build_graph, flow_graph, who_knows_what

# Sharing: graph files, public exports
from .interop.export import export_graph
from .privacy.publish import check_disclosure, export_public
from .privacy.suppression import suppress_small_cells
from .reach import reach, side_information
from .reference import reference_table
from .regional import cross_border_flows, cross_border_matrix, interview_table, scorecard
from .rules import AspectRules
from .stability import verdict_stability
from .study import Study, load_study, study_from_tables, write_study
from .triangulation import triangulate
from .validation import Problem, StudyValidationError
from .waves import compare_studies

__all__ = [
    "__version__",
    "AspectRules",
    "Problem",
    "Study",
    "StudyValidationError",
    "agreement",
    "aspect_table",
    "barrier_cooccurrence",
    "barrier_crosstab",
    "barrier_excerpts",
    "barrier_table",
    "basis",
    "blocked_links",
    "brokerage",
    "brokers",
    "build_graph",
    "case_count_table",
    "check_disclosure",
    "code_cooccurrence",
    "code_frequencies",
    "compare_rules",
    "compare_studies",
    "compare_with_reference",
    "cross_border_flows",
    "cross_border_matrix",
    "export_graph",
    "export_public",
    "flow_graph",
    "interview_table",
    "load_study",
    "reach",
    "recommend_channels",
    "reference_table",
    "scorecard",
    "side_information",
    "study_from_tables",
    "suppress_small_cells",
    "three_aspects",
    "triangulate",
    "verdict_stability",
    "who_knows_what",
    "write_study",
]
