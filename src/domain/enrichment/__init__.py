"""Enrichment: a whole catalogue of products through the lookup, resumable run after run."""
