"""One folder per API, holding everything particular to it: ``contract/`` (the spec, ``rules.yaml``
citing the vendor document, the examples), ``suite/`` (its tests and cassettes), ``profiles/`` and
the code only it needs (``sandbox``, ``review``, ``generators``). Found by scanning, never listed
(``b2bconform.locations``, ``b2bconform.discovery``)."""
