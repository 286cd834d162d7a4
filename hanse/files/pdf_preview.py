"""The preview of a PDF: its first page rendered to a WebP picture, in a bounded child process.

PDFium (pypdfium2) is C code parsing what anyone uploaded, so it never runs in the web or
worker process: this module runs itself as a child (``python -I pdf_preview.py``) limited in
CPU time, memory and output, reads the PDF from stdin and writes a PNG of the first page to
stdout. The parent decodes that PNG with Pillow and encodes the WebP it stores, so whatever the
child answers, only a picture Pillow could read is kept. A broken, encrypted or hostile PDF
gives ``None`` (the file page says "no preview"), never an error.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys

logger = logging.getLogger(__name__)

# The long side of the preview, in pixels: readable on the file page, small to store.
PREVIEW_SIDE = 1000
TIMEOUT_SECONDS = 20
MAX_MEMORY = 768 * 1024 * 1024
MAX_PDF_BYTES = 50 * 1024 * 1024
# The child's answer is a PNG of at most PREVIEW_SIDE² pixels; anything longer is refused.
MAX_ANSWER_BYTES = 16 * 1024 * 1024


def render_first_page(data: bytes) -> bytes | None:
    """The WebP preview of a PDF's first page, or None when there is none to make."""
    if not data.startswith(b"%PDF-") or len(data) > MAX_PDF_BYTES:
        return None
    command = [
        sys.executable,
        "-I",  # isolated: no user site, no PYTHON* variables, no current directory on the path
        os.path.abspath(__file__),
        str(PREVIEW_SIDE),
        str(TIMEOUT_SECONDS + 1),
        str(MAX_MEMORY),
    ]
    try:
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
            command,
            input=data,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError) as exc:
        logger.warning("No PDF preview: %s", exc)
        return None
    if completed.returncode != 0 or not completed.stdout:
        logger.info(
            "No PDF preview (exit %s): %s",
            completed.returncode,
            completed.stderr.decode("utf-8", "replace")[-300:],
        )
        return None
    if len(completed.stdout) > MAX_ANSWER_BYTES:
        return None
    return _to_webp(completed.stdout)


def _to_webp(png: bytes) -> bytes | None:
    from PIL import Image  # why: only the parent re-encodes; the child must not need Pillow

    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or max(image.size) > PREVIEW_SIDE * 2:
                return None
            image.load()
            picture = image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=82, method=4)
    return out.getvalue()


# --- The child side --------------------------------------------------------------------------


def _limit_self(cpu_seconds: int, max_memory: int) -> None:
    import resource  # why: POSIX only, and only the child needs it

    resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes to stdout only
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _main(argv: list[str]) -> int:
    side, cpu_seconds, max_memory = (int(a) for a in argv)
    _limit_self(cpu_seconds, max_memory)
    import pypdfium2 as pdfium  # why: loaded only inside the bounded child

    data = sys.stdin.buffer.read()
    pdf = pdfium.PdfDocument(data)
    if len(pdf) < 1:
        return 2
    page = pdf[0]
    width, height = page.get_size()
    if width <= 0 or height <= 0:
        return 2
    scale = min(side / max(width, height), 4.0)
    bitmap = page.render(scale=scale, may_draw_forms=False)
    image = bitmap.to_pil()
    image.save(sys.stdout.buffer, format="PNG")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
