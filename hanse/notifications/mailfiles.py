"""Where e-mail goes when no mail server is configured (`EMAIL_URL` unset, e.g. `make run`).

Each batch is written to a file under ``HANSE_DATA_DIR/mail/`` (Django's file backend), and one
log line says which file: the logs never carry an e-mail's text or its recipients, which
matters once `LOG_FORMAT=json` ships them to a log collector.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail.backends import filebased
from django.core.mail.message import EmailMessage

logger = logging.getLogger("hanse.mail")


class FileBackend(filebased.EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(email_messages)
        if sent:
            where = getattr(self, "_fname", self.file_path)  # the file of this batch
            logger.info("%d e-mail(s) written to %s (EMAIL_URL is not set)", sent, where)
        return sent
