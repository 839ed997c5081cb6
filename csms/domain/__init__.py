"""Pure domain types: ids, units, clock protocol and records. Imports nothing of ours and does no I/O."""
