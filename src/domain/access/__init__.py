"""Access: API keys and the admission of a request (key, then rate)."""
