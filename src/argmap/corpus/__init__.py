"""Stage for corpora: one dump of millions of posts in, corpus tables out.

``run_batch(inputs, out_dir, Options, jobs=, resume=, scheduler=, address=, maps=, tables=,
memory=) -> BatchReport`` streams the inputs once into spill buckets by thread, fits one corpus
topic model, maps every thread alone with the same stage functions ``argmap map`` uses (in
worker processes or on Dask), and writes the posts, claims, relations, topics, threads, camps
and problems tables as CSV, Parquet and SQLite, a corpus report, and per-thread maps when
asked; resumable from its manifest after any crash.
"""

from argmap.corpus.runner import BatchReport, run_batch

__all__ = ["BatchReport", "run_batch"]
