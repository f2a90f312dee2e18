"""Every text a person reads, in English and Russian: dates at their precision, places, bodies,
notice titles and descriptions — one voice for calendars, feeds, pages and notices."""
