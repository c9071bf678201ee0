"""What each API key spends (model calls and tokens, retries included), its monthly token budget,
and its webhook signing secret."""
