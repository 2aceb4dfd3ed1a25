"""One reader per format: bytes or text in, a Document out, or Unreadable saying why."""


class Unreadable(Exception):
    """A document that cannot be read, and why: the reason is the warning a user sees."""
