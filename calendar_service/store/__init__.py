"""2 · The store: validated event records, the one writer of events, and the reads over them."""
