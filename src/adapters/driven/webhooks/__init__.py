"""The webhooks of finished jobs: where they may go (addresses), how a connection is held to the
address that was checked and to the deadline (network), and the signed POST (sender)."""
