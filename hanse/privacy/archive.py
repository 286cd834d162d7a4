"""Building the ZIP of a person's data from the registered exporters
(hanse/core/personal_data.py): one JSON file per exporter, the person's files, a README."""

from __future__ import annotations

import json
import logging
import shutil
import zipfile
from collections.abc import Callable
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.core import personal_data

logger = logging.getLogger(__name__)

README_FILE = "README.txt"
FILES_FOLDER = "files"


def _readme(
    user: Any, exporters: list[personal_data.Exporter], missing: list[str], exported_at: str
) -> str:
    lines = [
        _("Your data in Hanse"),
        "=" * 40,
        "",
        _("Exported for %(name)s (%(username)s) on %(when)s.")
        % {
            "name": user.get_full_name() or user.username,
            "username": user.username,
            "when": exported_at,
        },
        "",
        _(
            "This archive holds what Hanse stores about you (GDPR Art. 15 and 20), as JSON "
            'files that any program can read. Each file has a list of records; "kind" says '
            "what a record is. Times are in UTC (ISO 8601). Other people appear only as "
            "numeric ids: their names, e-mail addresses and messages are their data, not yours."
        ),
        "",
        _("Files:"),
    ]
    for exporter in exporters:
        lines.append(f"- {exporter.key}.json: {exporter.label}")
        if exporter.description:
            lines.append(f"  {exporter.description}")
    lines += [
        f"- {FILES_FOLDER}/: "
        + _("the files you uploaded (photo, attachments, chat files, library files)."),
        "",
        _("What is not in this archive, and why:"),
        "- "
        + _(
            "What you chose in anonymous polls and the anonymous questions you asked: Hanse "
            "stores them without any link to you, so nobody, not even Hanse, can find them "
            "again. The export says only that you took part in an anonymous poll."
        ),
        "- "
        + _(
            "Other people's private data: their messages (also in channels you are in), their "
            "e-mail addresses, their votes, the wishes and exclusions they made in circle "
            "sign-ups, and who reported your content."
        ),
        "- " + _("Secrets: passwords, the keys of your second factors, recovery codes and tokens."),
        "- " + _("Network analytics: Hanse reports only groups of at least five people."),
    ]
    if missing:
        lines += ["", _("These files could not be read from storage:")]
        lines += [f"- {name}" for name in missing]
    return "\n".join(lines) + "\n"


def write_archive(
    user: Any, out: IO[bytes], *, progress: Callable[[int], None] = lambda _p: None
) -> None:
    """Write the ZIP of ``user``'s data to ``out``; ``progress`` hears 0-99 as it goes."""
    exporters = personal_data.all_exporters()
    exported_at = timezone.now().isoformat(timespec="seconds")
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for done, exporter in enumerate(exporters):
            result = exporter.export(user)
            document = {
                "exporter": exporter.key,
                "label": str(exporter.label),
                "exported_at": exported_at,
                "user_id": user.pk,
                "records": result.records,
            }
            zf.writestr(
                f"{exporter.key}.json",
                json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            for path, stored in result.files:
                name = f"{FILES_FOLDER}/{exporter.key}/{path}"
                try:
                    with (
                        stored.storage.open(stored.name or "", "rb") as src,
                        zf.open(name, "w") as dst,
                    ):
                        shutil.copyfileobj(src, dst, 1024 * 1024)
                except OSError:
                    logger.warning("Export: stored file %s is missing", stored.name)
                    missing.append(name)
            progress(int(99 * (done + 1) / max(len(exporters), 1)))
        zf.writestr(README_FILE, _readme(user, exporters, missing, exported_at))
