"""Configuration: settings read from the environment, and the config modules that wire LLMs.

A config module (CONFIG_MODULE, default `config.example`) declares `LLMS`, a mapping of names to
factories `(settings) -> ConfiguredLLM`, and `DEFAULT_LLM`, one of those names.
"""
