"""IMPT Workbench: map information flows on children at risk of trafficking from coded interviews.

Examples
--------
>>> import impt_analysis as impt
>>> study = impt.load_study()          # the synthetic demonstration study
>>> study.synthetic
True
"""

__version__ = "0.1.0"

from .coordination import AspectRules, compare_with_reference, reach, side_information, three_aspects
from .graph import build_graph, flow_graph, who_knows_what
from .reference import reference_table
from .study import Study, load_study, study_from_tables, write_study
from .validation import Problem, StudyValidationError

__all__ = [
    "__version__",
    "AspectRules",
    "build_graph",
    "compare_with_reference",
    "flow_graph",
    "reach",
    "side_information",
    "three_aspects",
    "who_knows_what",
    "Problem",
    "Study",
    "StudyValidationError",
    "load_study",
    "reference_table",
    "study_from_tables",
    "write_study",
]
