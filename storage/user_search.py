"""Finding a portal's users by a few letters: the stored search column and the search's conditions.

SQLite's LOWER() and LIKE fold ASCII letters only, and PostgreSQL's LOWER() follows the database's
locale, so the folding happens here, in Python, the same way on both sides: when the sync writes a
user (reconcile fills `search_text`) and on the words of a search. What is searched: the name, the
last name, the e-mail and the position, case-folded, with ё read as е (people type "Семенов" for
"Семёнов"). A search matches users in whose text every word of the search occurs, anywhere and in
any order: a substring match, evaluated on the portal's rows of one covering index (migration 0007).
"""
from storage.listing import Condition

#: the user columns a search looks at
SEARCHED = ("name", "last_name", "email", "work_position")
#: characters kept of each column: keeps an index entry well under PostgreSQL's ~2,700-byte limit
#: (4 x 128 characters of up to 4 bytes), so no user can make the sync fail; text past it is not searched
PART_LIMIT = 128


def fold(text: str) -> str:
    """`text` as it is stored and searched: case-folded, ё as е."""
    return text.casefold().replace("ё", "е")


def search_text(user: dict) -> str:
    """The search column of a user row (column names as in PortalUser)."""
    return " ".join(fold(user.get(name) or "")[:PART_LIMIT] for name in SEARCHED)


def with_search_text(user: dict) -> dict:
    """A user row with its search column filled (reconcile compares and writes it like any other).

    Filled in place: a sync hands over tens of thousands of fresh rows, and a copy of each would
    double what the sync holds at its peak.
    """
    user["search_text"] = search_text(user)
    return user


def conditions(search: str) -> list[Condition]:
    """One condition per word of `search`: the word occurs in the search column, taken literally."""
    return [_contains(word) for word in dict.fromkeys(fold(search).split())]


def _contains(word: str) -> Condition:
    literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # LIKE, not ILIKE: the column and the words are folded already; ESCAPE makes % and _ literal.
    return Condition('"search_text" LIKE {p} ESCAPE {p}', (f"%{literal}%", "\\"))
