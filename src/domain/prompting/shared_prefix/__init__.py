"""Read a product once: one product's field prompts share one long prefix (instructions, the
attributes, shots chosen for the product, the product text) and differ in a short per-field
tail; the fields run on the model one after another in one turn, so a model that keeps its
previous prompt (llama.cpp's KV cache) reads the prefix once."""
