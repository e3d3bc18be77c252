"""Repository-root wiring only: the harness's pytest plugin is registered by its pytest11 entry point."""
