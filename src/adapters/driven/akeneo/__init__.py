"""Akeneo PIM over its REST API: the client (tokens, retries, pagination), the attributes of
families as fields, product values read and written, and the write-back of enriched products."""
