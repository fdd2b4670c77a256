"""Readers that turn YAML nodes into the ledger's records, one kind per module."""
