"""A QuerySet compiled to SQL once per process, for the lookups every visit of a kept page makes:
compiling a QuerySet is most of such a visit's cost. The QuerySet still says what is read and
by which rules (a privacy rule stays its QuerySet's); the values a visit looks up stand in for
its lookups on text as marks while it is compiled, and each run puts the visit's values there."""

from collections.abc import Callable, Iterable
from functools import cached_property

from django.db import connections, models


def _mark(name: str) -> str:
    return f"\x00{name}\x00"


def _prefix(relation: str) -> str:
    return f"compiled_{relation}_"


class Compiled:
    """`build(*marks)` returns the QuerySet, one mark per name in `names`, each the value of a
    lookup on text; calling this with the values runs its SQL once and gives the rows as model
    instances (annotations as attributes), converted as the ORM converts them.

    `related` names foreign keys to load in the same query, as `select_related` would: their
    rows' fields are read beside the row's and become the related instance.
    """

    def __init__(
        self, build: Callable[..., models.QuerySet], *names: str, related: Iterable[str] = ()
    ):
        self.build, self.marks, self.related = build, [_mark(name) for name in names], related

    @cached_property
    def compiled(self) -> tuple[models.QuerySet, str, tuple]:
        queryset = self.build(*self.marks)
        for relation in self.related:
            target = queryset.model._meta.get_field(relation).related_model
            queryset = queryset.annotate(**{
                _prefix(relation) + field.attname: models.F(f"{relation}__{field.attname}")
                for field in target._meta.concrete_fields
            })  # fmt: skip
        sql, params = queryset.query.sql_with_params()
        missing = set(self.marks) - set(params)
        if missing:  # a mark that did not reach the SQL as a value would be silently ignored
            raise ValueError(f"{sorted(missing)!r} are not lookups' values in {sql}")
        return queryset, sql, params

    def __call__(self, *values: str) -> list[models.Model]:
        queryset, sql, params = self.compiled
        given = dict(zip(self.marks, values, strict=True))
        filled = [given.get(param, param) if isinstance(param, str) else param for param in params]
        rows = list(queryset.model._base_manager.raw(sql, filled, using=queryset.db))
        for row in rows:
            for relation in self.related:
                self._attach(row, relation, queryset.db)
        return rows

    @staticmethod
    def _attach(row: models.Model, relation: str, db: str) -> None:
        """The related instance from the row's prefixed columns, as the ORM would build it."""
        field = row._meta.get_field(relation)
        target = field.related_model
        names = [concrete.attname for concrete in target._meta.concrete_fields]
        values = [row.__dict__.pop(_prefix(relation) + name) for name in names]
        if values[names.index(target._meta.pk.attname)] is None:
            related = None  # a nullable key that points nowhere
        else:
            related = target.from_db(db, names, _converted(target, names, values, db))
        field.set_cached_value(row, related)


def _converted(model: type[models.Model], names: list[str], values: list, db: str) -> list:
    """Values as read from the database, converted as the ORM converts a model's columns."""
    connection = connections[db]
    converted = []
    for name, value in zip(names, values, strict=True):
        field = next(f for f in model._meta.concrete_fields if f.attname == name)
        column = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        ):
            value = convert(value, column, connection)
        converted.append(value)
    return converted
