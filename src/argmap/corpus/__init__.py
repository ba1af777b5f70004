"""The corpus runner: many inputs in, one output folder with a manifest out.

``run_batch(inputs, out_dir, Options, jobs, resume, scheduler) -> BatchReport`` maps inputs in
worker processes (or on a Dask cluster) with the same code ``argmap map`` uses, writes each
result atomically and records it in a manifest so an interrupted run can resume.
"""

from argmap.corpus.runner import BatchReport, run_batch

__all__ = ["BatchReport", "run_batch"]
