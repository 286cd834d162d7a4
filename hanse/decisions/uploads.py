"""What proposals accept as files (hanse/core/uploads.py does the rest)."""

from __future__ import annotations

from hanse.core import uploads

# The same types as posts, at most ten per proposal; stored under decisions/ (the sweep's).
PROPOSAL_FILES = uploads.UploadPolicy(
    model="decisions.ProposalAttachment", folder="decisions", max_files=10
)
