"""Interoperability: REFI-QDA projects, spreadsheets, graph files and the data package's documentation."""
