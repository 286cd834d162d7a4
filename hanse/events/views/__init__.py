"""Event pages, one module per concern: ``calendars``, ``pages`` (the event page), ``editing``,
``subscriptions`` (the personal iCal feed); ``common`` holds what they share."""
