"""5 · Publish: which calendars and streams exist, building them with the pure renderers, and
writing the bytes into the feeds folder atomically with a manifest the web reads."""
