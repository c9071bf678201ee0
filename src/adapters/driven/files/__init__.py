"""Files read and written by the CLI: provisioning data, products to enrich, benchmarks, results."""
