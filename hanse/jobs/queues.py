"""The two task queues, and which work goes on which.

``live``: work whose result a person is waiting to see within a second or two: the
notifications of a mention, comment, reaction, chat message, event or community change (and
the bell count and live push they send), the step that queues a new post's notifications,
and web push. Each such job is short.

``default``: everything else, some of it slow: search index updates, text extraction of
files, link previews (up to 3 s each against a site that does not answer), thumbnails,
e-mails, digests, scheduled sweeps.

With one queue, a mention waited behind every slow job queued before it: with three jobs of
2 s in front, the bell changed after 6 s (bench/bell.py), and under a burst of posts (each an
index update, a link preview and two notification steps) it took a minute. Now one worker
(a thread in the embedded set-up, a process of its own with Redis: the Makefile and
deploy/hanse-worker-live.service start it) takes only ``live`` jobs, so that neither a queue
of slow jobs nor a slow job already running holds them up; the other workers take both
queues (RQ looks at ``live`` first; the database worker takes jobs in the order queued).

``settings.TASKS`` lists the same names (``ALL``); tests/jobs/test_queues.py checks both.
"""

from __future__ import annotations

LIVE = "live"
DEFAULT = "default"
# In the order workers take from them.
ALL = (LIVE, DEFAULT)
