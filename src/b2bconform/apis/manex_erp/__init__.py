"""The ManEx ERP both ManEx APIs (``manex_so``, ``manex_po``) sit on: its in-memory sandbox and the
request builders the two suites share. No contract of its own."""
