"""Reports: the per-rule conformance matrix (JSON, Markdown) and Allure labels."""
