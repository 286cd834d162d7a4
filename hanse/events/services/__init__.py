"""Writes of events (docs/architecture.md, "Writes live in services"), one module per concern:
``events`` (create, change, cancel, occurrences, series, notes), ``rsvps`` (answers, waiting
list, reminder preferences), ``calendars`` (iCal subscription tokens); ``validation`` holds the
limits and checks they share."""
