"""What chat messages accept as files (hanse/core/uploads.py does the rest)."""

from __future__ import annotations

from hanse.core import uploads

# The same types as posts, at most ten per message; stored under chat/ (the sweep's folder).
CHAT_FILES = uploads.UploadPolicy(model="chat.MessageAttachment", folder="chat", max_files=10)
