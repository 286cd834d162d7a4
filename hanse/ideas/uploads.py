"""What ideas accept as files (hanse/core/uploads.py does the rest)."""

from __future__ import annotations

from hanse.core import uploads

# The same types as posts, at most ten per idea; stored under ideas/ (the sweep's folder).
IDEA_FILES = uploads.UploadPolicy(model="ideas.IdeaAttachment", folder="ideas", max_files=10)
