"""Catalogue jobs: a whole catalogue enriched in the background, in chunks of products that any
number of workers take up, followed and collected over the API."""
