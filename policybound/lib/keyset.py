"""Keyset pagination as one row comparison: ``(a, b) > (x, y)``.

A batch loop that walks a table in ``(a, b)`` order asks for the rows after the last one it saw. Written
as ``a > x OR (a = x AND b > y)`` (Django's own spelling on SQLite), the database cannot turn the OR
into one range of an index on ``(a, b)``: PostgreSQL scans the index from its start and filters, so
every batch rereads all the rows before it and a sweep's cost grows with the square of what it walks.
Written as a row comparison, both PostgreSQL (``Index Cond: (ROW(a, b) > ROW(x, y))``) and SQLite
(``SEARCH ... USING INDEX ... ((a,b)>(?,?))``, SQLite 3.15 and later) start the index scan at the last
row and read only the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F, Value


class RowAfter(Expression):
    """``(columns...) > (values...)`` as a filter: ``queryset.filter(RowAfter(("deadline", "id"), last))``.

    Each value is adapted by its column's field (a datetime for a datetime column, and so on).
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, columns: Sequence[str], values: Sequence[Any]) -> None:
        if len(columns) != len(values) or not columns:
            raise ValueError("RowAfter needs as many values as columns, and at least one")
        super().__init__(output_field=BooleanField())
        self.columns: list[Any] = [F(name) for name in columns]
        self.values: list[Any] = list(values)

    def get_source_expressions(self) -> list[Any]:
        return [*self.columns]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def resolve_expression(self, *args: Any, **kwargs: Any) -> RowAfter:
        resolved: RowAfter = super().resolve_expression(*args, **kwargs)
        resolved.values = [
            value if hasattr(value, "as_sql") else Value(value, output_field=column.output_field)
            for column, value in zip(resolved.columns, resolved.values, strict=True)
        ]
        return resolved

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        params: list[Any] = []
        sides = []
        for side in (self.columns, self.values):
            parts = []
            for expression in side:
                sql, part_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(part_params)
            sides.append(", ".join(parts))
        return f"({sides[0]}) > ({sides[1]})", tuple(params)
