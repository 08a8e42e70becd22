"""Benchmarks of the staff pages on a large PostgreSQL registry: ``make bench``.

They print tables of timings and query counts; they do not assert timings.
"""
