"""Pages of a list that spans several index ranges (a staff member's académies), read in
order from each range and merged, so that no range is read further than the page needs.

SQLite cannot walk ``academy IN (a, b) ORDER BY name`` in index order (it sorts every row
of every académie); one ``ORDER BY … LIMIT`` per académie can, on PostgreSQL as well.
"""

from __future__ import annotations


def page_of(
    select: str, arms: list[tuple[str, list]], order: str, limit: int, offset: int
) -> tuple[str, list]:
    """One page of ``select`` (``SELECT <the columns order names> FROM <one table>``) over
    the arms' conditions: the first offset + limit rows of each arm in ``order`` (columns
    named without their table), merged, then the page; as one query and its parameters.
    Join the rows' other columns to this page, not to the arms, so that only the page's
    rows are read whole. With one arm, its own page is the page: nothing to merge."""
    if len(arms) == 1:
        ((condition, values),) = arms
        query = f"{select} WHERE {condition} ORDER BY {order} LIMIT ? OFFSET ?"
        return query, [*values, limit, offset]
    parts, params = [], []
    for index, (condition, values) in enumerate(arms):
        parts.append(
            f"SELECT * FROM ({select} WHERE {condition} ORDER BY {order} LIMIT ?) AS arm{index}"
        )
        params += [*values, offset + limit]
    merged = order.replace(order.split(".", 1)[0] + ".", "")  # « ap.sort_key, ap.id » → keys
    query = (
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS merged ORDER BY {merged} LIMIT ? OFFSET ?"
    )
    return query, [*params, limit, offset]
