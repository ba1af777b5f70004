"""Stage 5, analyse: an argument map in, an ``Analysis`` out.

``analyse(amap, AnalyseOptions) -> Analysis``: centrality (PageRank over support and attack),
contested claims, unanswered attacks, grounded labelling (what stands), signed-spectral camps
and extractive summaries of the whole map, each thread, topic and camp.
"""

from argmap.analysis.analyser import analyse

__all__ = ["analyse"]
