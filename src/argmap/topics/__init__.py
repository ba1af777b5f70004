"""Stage 3, topics: claims in, topics out.

``cluster(claims, ClusterOptions) -> tuple[Topic, ...]``: TF-IDF over stems, LSA, spherical
k-means with k chosen from the data, class-based TF-IDF labels and an explicit "other" topic;
every claim lands in exactly one topic.
"""

from argmap.topics.clustering import OTHER_ID, TopicModel, cluster

__all__ = ["OTHER_ID", "TopicModel", "cluster"]
