"""A page of a list without counting the list: for pages whose query budget has no room."""

from kit.numbers import whole_number


def page_number(value: str | None) -> int:
    """`?page=` as a page number; anything odd (letters, "²", 0, negatives) is the first page."""
    number = whole_number(value)
    return 1 if number is None else max(1, min(number, 10**6))


class Window:
    """One page of `queryset`; a row more than the page tells whether a next page exists."""

    paginator = None  # no count, so no "of N"

    def __init__(self, queryset, number: str | None, size: int, param: str = "page"):
        self.param = param  # the address's parameter for this list's page
        self.number = page_number(number)
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        self.has_next = len(rows) > size
        self.has_previous = self.number > 1
        self.object_list = rows[:size]

    def __iter__(self):
        return iter(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def __len__(self) -> int:
        return len(self.object_list)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
