"""Audit of annual reports published by others: readers turn a published file into cells and prose
(`readers`), rules judge them with four states (`rules`), `batch` runs many files in parallel."""
