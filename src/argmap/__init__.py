"""argmap: turn online discussions into argument maps (public API)."""
