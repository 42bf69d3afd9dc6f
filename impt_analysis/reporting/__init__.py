"""Reporting: the report runner, notebook helpers, the explorer, figures and the report site."""
