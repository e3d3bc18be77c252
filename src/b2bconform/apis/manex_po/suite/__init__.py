"""The manex_po suite (run by `b2bconform run`; pytest collects it as a package, so its module names never clash with another suite's)."""
