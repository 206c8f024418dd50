"""What a quiz's map keys look like (question ids), and how a key is quoted back to the caller."""

QUESTION_ID = "a quiz question id (a positive integer of at most 10 digits)"


def is_question_id(key: str) -> bool:
    """Whether a map key names a quiz question: what the spec's descriptions promise, in code."""
    # isdigit() alone takes "²" and other digits int() refuses.
    return key.isascii() and key.isdigit() and len(key) <= 10 and int(key) > 0


def shown(key: str) -> str:
    """A key quoted for an error message, cut short: a key can be as long as the body."""
    return repr(key if len(key) <= 40 else key[:40] + "...")
