"""ManEx Purchase Order API (its sandbox is the shared ERP's, ``b2bconform.apis.manex_erp``)."""
