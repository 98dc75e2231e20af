"""A page of a list without counting the list: for pages whose query budget has no room."""

from functools import cached_property

from kit.numbers import whole_number


def page_number(value: str | None) -> int:
    """`?page=` as a page number; anything odd (letters, "²", 0, negatives) is the first page."""
    number = whole_number(value)
    return 1 if number is None else max(1, min(number, 10**6))


class Page:
    """A page of rows, as the page links (`_pages.html`) read it: no count, so no "of N".
    A subclass sets `param`, `number`, `has_next`, `has_previous` and `object_list`."""

    paginator = None
    param, number = "page", 1
    has_next = has_previous = False
    object_list: list = []

    def __iter__(self):
        return iter(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return bool(self.object_list)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class Window(Page):
    """One page of `queryset`; a row more than the page tells whether a next page exists.

    Lazy, as a QuerySet is: nothing is read until the page is used, so a partial that does not
    show the list costs nothing for it."""

    def __init__(self, queryset, number: str | None, size: int, param: str = "page", prepare=None):
        self.param = param  # the address's parameter for this list's page
        self.number = page_number(number)
        self.has_previous = self.number > 1
        self._queryset, self._size = queryset, size
        # Called once with the page's rows when they are read: what they need beside them,
        # read for the page at once (a bounded number of queries).
        self._prepare = prepare

    @cached_property
    def _rows(self) -> list:
        start = (self.number - 1) * self._size
        # A callable stands for a QuerySet whose building costs too (a privacy rule's).
        queryset = self._queryset() if callable(self._queryset) else self._queryset
        rows = list(queryset[start : start + self._size + 1])
        if self._prepare is not None:
            self._prepare(rows[: self._size])
        return rows

    @property
    def has_next(self) -> bool:
        return len(self._rows) > self._size

    @property
    def object_list(self) -> list:
        return self._rows[: self._size]
