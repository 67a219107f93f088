"""Pages of a list that spans several index ranges (a staff member's académies), read in
order from each range and merged, so that no range is read further than the page needs.

SQLite cannot walk ``academy IN (a, b) ORDER BY name`` in index order (it sorts every row
of every académie); one ``ORDER BY … LIMIT`` per académie can, on PostgreSQL as well.
"""

from __future__ import annotations


def first_rows(select: str, arms: list[tuple[str, list]], order: str, rows: int):
    """``select`` (``SELECT … FROM …``) restricted by each arm's condition, ordered by
    ``order``, the first ``rows`` rows of each, as one UNION ALL and its parameters."""
    parts, params = [], []
    for index, (condition, values) in enumerate(arms):
        parts.append(
            f"SELECT * FROM ({select} WHERE {condition} ORDER BY {order} LIMIT ?) AS arm{index}"
        )
        params += [*values, rows]
    return " UNION ALL ".join(parts), params
