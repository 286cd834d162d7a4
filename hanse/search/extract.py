"""Text inside files (PDF, DOCX, XLSX, PPTX, OpenDocument, plain text), for search.

A shared file is untrusted: a PDF can loop its parser for minutes, a 40 kB "DOCX" can unpack
to gigabytes (a zip bomb), a spreadsheet can hold a million cells. So the parsing never runs
in the worker itself: ``extract()`` starts this module as a separate Python process, sends it
the file's bytes on stdin and reads one JSON line back. The child limits itself before it
imports a parser (address space, CPU seconds, no file writes), and the parent kills it after
``timeout`` seconds; whatever happens inside, the worker gets a ``Result`` back.

Bounds, all three enforced:
- bytes: the caller reads at most ``max_bytes`` (a larger file is ``too_large`` unread), and a
  zip-based document whose entries unpack to more than ``max_unpacked`` is ``too_large``
  before one entry is inflated;
- characters: at most ``max_chars`` of text are kept (``truncated`` says so), and parsing stops
  there rather than reading the rest;
- time and memory: ``timeout`` seconds of wall time, the same of CPU, ``max_memory`` bytes of
  address space.

This module imports no Django: the child runs it as a plain script (``python -I path``), so it
starts quickly and sees nothing of the settings, the database or the environment's secrets.
"""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Statuses a file's text can have (the ``FileText.status`` values).
OK = "ok"
EMPTY = "empty"  # parsed, but holds no text (a scanned PDF, an empty sheet)
FAILED = "failed"  # corrupt, unreadable, or the parser ran out of time
ENCRYPTED = "encrypted"  # password-protected
TOO_LARGE = "too_large"  # over a byte, unpacked-size or memory bound
UNSUPPORTED = "unsupported"  # an image or another type that carries no text we read

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODF_PREFIX = "application/vnd.oasis.opendocument."
TEXT_TYPES = frozenset({"text/plain", "text/csv", "text/markdown"})

# The short names used by the file-type facet (``type:file filetype:pdf``), by content type.
FILE_TYPES: dict[str, str] = {
    PDF: "pdf",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.graphics": "odg",
    "text/plain": "txt",
    "text/csv": "csv",
    "text/markdown": "txt",
    "image/jpeg": "image",
    "image/png": "image",
    "image/gif": "image",
    "image/webp": "image",
}


def file_type_of(content_type: str) -> str:
    """The facet name of a content type ("pdf", "docx", ... "other")."""
    return FILE_TYPES.get(content_type, "other")


def extractable(content_type: str) -> bool:
    return (
        content_type in {PDF, DOCX, XLSX, PPTX}
        or content_type.startswith(ODF_PREFIX)
        or content_type in TEXT_TYPES
    )


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_chars: int = 200_000
    max_unpacked: int = 100 * 1024 * 1024
    timeout: float = 20.0
    max_memory: int = 768 * 1024 * 1024


@dataclass(frozen=True)
class Result:
    status: str
    text: str = ""
    truncated: bool = False
    detail: str = ""


class _TooLarge(Exception):
    pass


class _Encrypted(Exception):
    pass


class _Collector:
    """Gathers text up to ``max_chars``; ``full`` tells a parser to stop reading."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.parts: list[str] = []
        self.length = 0
        self.truncated = False

    @property
    def full(self) -> bool:
        return self.length >= self.max_chars

    def add(self, text: str | None) -> None:
        if not text or self.full:
            return
        text = text.strip()
        if not text:
            return
        room = self.max_chars - self.length
        if len(text) > room:
            text = text[:room]
            self.truncated = True
        self.parts.append(text)
        self.length += len(text) + 1

    def text(self) -> str:
        return "\n".join(self.parts)


# --- Parsers (run in the child only) --------------------------------------------------------


def _check_zip(data: bytes, max_unpacked: int) -> None:
    """Refuse a zip whose entries would unpack beyond the bound, before inflating any.

    The sizes in the central directory can lie; the child's memory limit catches that."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ValueError(f"not a readable zip: {exc}") from exc
    if len(infos) > 10_000 or sum(i.file_size for i in infos) > max_unpacked:
        raise _TooLarge("unpacks too large")


def _pdf(data: bytes, out: _Collector) -> None:
    from pypdf import PdfReader  # why: parsers are imported in the child, after its limits
    from pypdf.errors import FileNotDecryptedError

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        # Some PDFs are "encrypted" with an empty user password only to restrict printing;
        # they open for everyone and their text is theirs to find.
        try:
            opened = reader.decrypt("")
        except (FileNotDecryptedError, NotImplementedError) as exc:
            raise _Encrypted from exc
        if not opened:
            raise _Encrypted
    for page in reader.pages:
        if out.full:
            out.truncated = True
            break
        out.add(page.extract_text())


def _docx(data: bytes, out: _Collector) -> None:
    import docx  # why: parsers are imported in the child, after its limits

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        out.add(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            out.add(" | ".join(cell.text for cell in row.cells))
            if out.full:
                return


def _xlsx(data: bytes, out: _Collector) -> None:
    import openpyxl  # why: parsers are imported in the child, after its limits

    # read_only streams rows instead of building every cell; data_only shows computed values.
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            out.add(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                out.add(" ".join(str(v) for v in row if v is not None and str(v).strip()))
                if out.full:
                    out.truncated = True
                    return
    finally:
        book.close()


def _pptx(data: bytes, out: _Collector) -> None:
    from pptx import Presentation  # why: parsers are imported in the child, after its limits

    presentation = Presentation(io.BytesIO(data))
    for slide in presentation.slides:
        for shape in _shapes(slide.shapes):
            if shape.has_text_frame:
                out.add(shape.text_frame.text)
            if getattr(shape, "has_table", False):
                for row in shape.table.rows:
                    out.add(" | ".join(cell.text for cell in row.cells))
        if slide.has_notes_slide:
            out.add(slide.notes_slide.notes_text_frame.text)
        if out.full:
            return


def _shapes(shapes: Iterable[Any]) -> Iterator[Any]:
    for shape in shapes:
        yield shape
        inner = getattr(shape, "shapes", None)  # a group
        if inner is not None:
            yield from _shapes(inner)


def _odf(data: bytes, out: _Collector) -> None:
    # why: parsers are imported in the child, after its limits
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    # Headings and paragraphs hold the text of documents, cells of sheets, frames of slides;
    # walked in document order (iteratively: a hostile file may nest deeply).
    blocks = {(TEXTNS, "h"), (TEXTNS, "p")}
    stack = [document.body]
    while stack and not out.full:
        node = stack.pop()
        if getattr(node, "qname", None) in blocks:
            out.add(teletype.extractText(node))
            continue
        stack.extend(reversed(getattr(node, "childNodes", [])))


def _plain(data: bytes, out: _Collector) -> None:
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    out.add(text)


def _parser(content_type: str) -> Callable[[bytes, _Collector], None] | None:
    if content_type == PDF:
        return _pdf
    if content_type == DOCX:
        return _docx
    if content_type == XLSX:
        return _xlsx
    if content_type == PPTX:
        return _pptx
    if content_type.startswith(ODF_PREFIX):
        return _odf
    if content_type in TEXT_TYPES:
        return _plain
    return None


def parse(data: bytes, content_type: str, limits: Limits) -> Result:
    """Parse in this process (the child's work; call ``extract`` from anywhere else)."""
    parser = _parser(content_type)
    if parser is None:
        return Result(UNSUPPORTED)
    out = _Collector(limits.max_chars)
    try:
        if content_type in {DOCX, XLSX, PPTX} or content_type.startswith(ODF_PREFIX):
            _check_zip(data, limits.max_unpacked)
        parser(data, out)
    except _Encrypted:
        return Result(ENCRYPTED, detail="password-protected")
    except (_TooLarge, MemoryError) as exc:
        return Result(TOO_LARGE, detail=str(exc) or "out of memory")
    except OSError as exc:
        if exc.errno == errno.ENOMEM:
            return Result(TOO_LARGE, detail="out of memory")
        return Result(FAILED, detail=f"{type(exc).__name__}: {str(exc)[:200]}")
    except RecursionError:
        return Result(FAILED, detail="nesting too deep")
    except Exception as exc:
        return Result(FAILED, detail=f"{type(exc).__name__}: {str(exc)[:200]}")
    text = _clean(out.text()).strip()
    if not text.strip():
        return Result(EMPTY)
    return Result(OK, text=text, truncated=out.truncated)


def _clean(text: str) -> str:
    """Control characters out (a PDF's text can hold any), whitespace kept."""
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in text)


# --- The parent side ----------------------------------------------------------------------


def extract(data: bytes, content_type: str, limits: Limits | None = None) -> Result:
    """The text of a file, parsed in a child process bounded in time, memory and output."""
    limits = limits or Limits()
    if not extractable(content_type):
        return Result(UNSUPPORTED)
    if len(data) > limits.max_bytes:
        return Result(TOO_LARGE, detail=f"{len(data)} bytes")
    command = [
        sys.executable,
        "-I",  # isolated: no user site, no PYTHON* variables, no current directory on the path
        os.path.abspath(__file__),
        content_type,
        str(limits.max_chars),
        str(limits.max_unpacked),
        str(int(limits.timeout) + 1),
        str(limits.max_memory),
    ]
    started = time.monotonic()
    try:
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
            command,
            input=data,
            capture_output=True,
            timeout=limits.timeout,
            env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Result(FAILED, detail=f"timed out after {limits.timeout:g} s")
    except OSError as exc:
        return Result(FAILED, detail=f"could not start the extractor: {exc}")
    if completed.returncode != 0:
        # Killed by its own limits (SIGXCPU, SIGKILL) or crashed in a C extension.
        if completed.returncode in (-9, -24) or time.monotonic() - started >= limits.timeout:
            return Result(FAILED, detail=f"stopped by its limits ({completed.returncode})")
        tail = completed.stderr.decode("utf-8", "replace")[-300:]
        if "MemoryError" in tail:
            return Result(TOO_LARGE, detail="out of memory")
        return Result(FAILED, detail=f"exit {completed.returncode}: {tail}")
    try:
        answer = json.loads(completed.stdout.decode("utf-8"))
        result = Result(
            status=str(answer["status"]),
            text=str(answer.get("text", ""))[: limits.max_chars],
            truncated=bool(answer.get("truncated", False)),
            detail=str(answer.get("detail", ""))[:300],
        )
    except (ValueError, KeyError, TypeError) as exc:
        return Result(FAILED, detail=f"unreadable answer: {exc}")
    return result


def _limit_self(cpu_seconds: int, max_memory: int) -> None:
    import resource  # why: POSIX only, and only the child needs it

    resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # a parser has nothing to write
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _main(argv: list[str]) -> int:
    content_type, max_chars, max_unpacked, cpu_seconds, max_memory = argv
    _limit_self(int(cpu_seconds), int(max_memory))
    limits = Limits(max_chars=int(max_chars), max_unpacked=int(max_unpacked))
    data = sys.stdin.buffer.read()
    result = parse(data, content_type, limits)
    answer = {
        "status": result.status,
        "text": result.text,
        "truncated": result.truncated,
        "detail": result.detail,
    }
    sys.stdout.write(json.dumps(answer, ensure_ascii=True))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
