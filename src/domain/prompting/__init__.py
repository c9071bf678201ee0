"""Prompting: the prompt and its parts, LLM families (prompt formats), the chains of thought,
and the deterministic pre-pass."""
