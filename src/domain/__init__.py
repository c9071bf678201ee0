"""The hexagonal core: model, ports, value rules and the lookup use case.

Nothing in this package imports a framework, a database driver, an LLM client or `config`.
"""
