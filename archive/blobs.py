"""Raw bytes, content-addressed, outside the database: written once, never rewritten."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


class BlobError(Exception):
    """A blob is missing or its bytes no longer hash to its name."""


class BlobStore:
    """`root/ab/cd/abcd…` holds the bytes whose SHA-256 is `abcd…`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes (once: a second put of the same bytes writes nothing) and name them."""
        sha = hashlib.sha256(data).hexdigest()
        if not self.path(sha).exists():
            self._place(sha, [data], check=False)
        return sha

    def adopt(self, other: BlobStore, sha256: str, sync: bool = True) -> bool:
        """Bring the bytes named `sha256` over from another store (a crawler's archive on
        another machine), checked against their name on the way; whether they were new here.
        Not `sync`: the caller syncs many at once before it relies on them."""
        if self.path(sha256).exists():
            return False
        try:
            with other.path(sha256).open("rb") as source:
                chunks = iter(lambda: source.read(1 << 20), b"")
                self._place(sha256, chunks, check=True, sync=sync, where=other.root)
        except FileNotFoundError:
            raise BlobError(f"blob {sha256} is missing from {other.root}") from None
        return True

    def _place(
        self,
        sha256: str,
        chunks: Iterable[bytes],
        check: bool,
        sync: bool = True,
        where: Path | None = None,
    ) -> None:
        """Bytes written beside their place and renamed into it: a reader finds them whole or
        not at all. Checked against their name (`check`) before they are put there."""
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    if check:
                        digest.update(chunk)
                    f.write(chunk)
                f.flush()
                if sync:
                    os.fsync(f.fileno())
            if check and digest.hexdigest() != sha256:
                raise BlobError(
                    f"blob {sha256} is corrupt in {where}: its bytes hash to something else"
                )
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def get(self, sha256: str) -> bytes:
        """The bytes, checked against their name."""
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobError(f"blob {sha256} is missing from {self.root}") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobError(f"blob {sha256} is corrupt: its bytes hash to something else")
        return data
