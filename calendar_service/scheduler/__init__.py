"""The scheduler: one process (``serve`` or ``calendar-service scheduler``) that drives the
time-based work. Web workers never start it."""
