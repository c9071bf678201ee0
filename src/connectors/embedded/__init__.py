"""The embedded model's internals: what `LlamaCppConnector` (`src/connectors/llama_cpp.py`) runs
llama.cpp with. The answer grammar and its shortlists, the probability of each chosen token, the
prompt tokens a completion read, a span or null, and each listed answer weighed whole."""
