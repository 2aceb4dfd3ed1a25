"""Office packages (DOCX, XLSX: zips of XML), inflated within limits before a library reads
them. zipfile inflates a member in one call up to a gigabyte before it checks the size the
member declared; here every member is inflated a chunk at a time, so a zip bomb stops within a
chunk of the limit."""

from __future__ import annotations

import zipfile
from io import BytesIO

from extract.readers import Unreadable

# Members are inflated this much at a time.
CHUNK = 1024 * 1024


def check(data: bytes, kind: str, limit: int) -> None:
    """Unreadable, with the reason, unless every member inflates whole, within `limit` bytes
    in all, to what it declares."""
    size = 0
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            declared = sum(info.file_size for info in package.infolist())
            if declared > limit:
                raise Unreadable(
                    f"the {kind} unzips to {declared} bytes, over the {limit}-byte limit"
                )
            for info in package.infolist():
                with package.open(info) as member:
                    while chunk := member.read(CHUNK):
                        size += len(chunk)
                        if size > limit:
                            raise Unreadable(f"the {kind} unzips past the {limit}-byte limit")
    except Unreadable:
        raise
    except Exception as e:  # a damaged zip raises whatever its damage makes zipfile raise
        raise Unreadable(f"the {kind} is not a readable zip ({type(e).__name__}: {e})") from None
