"""Ways in: each reads one kind of input, turns it into validated records, and stores them in one
transaction through :mod:`calendar_service.store`."""
