"""The lookup: a product's fields asked of a configured LLM in parallel within a deadline,
with its cache, its fallbacks and its request limits."""
