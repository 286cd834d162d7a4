"""The HR import: people, units, locations and managers from a CSV file (issue 20)."""
