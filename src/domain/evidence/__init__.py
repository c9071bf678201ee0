"""Evidence: where in the product text a value was read, as code-point offsets of the text
(`spans`), found by `locate.locate_evidence`."""
