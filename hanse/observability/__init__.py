"""What operators see of a running Hanse: structured logs with a request id carried into the
tasks a request queued (``context``, ``logs``), and Prometheus metrics (``metrics``).

The bottom layer: every app may record into it; it imports no app."""
