"""Read a server-rendered page as text lines, as a person would see it."""

from html.parser import HTMLParser

from tests.reference.seed import normalize

BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "td", "th", "tr", "div", "section", "article", "ul",
    "ol", "table", "nav", "header", "footer", "main", "form", "label", "br", "title", "text",
}  # fmt: skip
SKIPPED = {"script", "style", "head"}


class _TextLines(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = [""]
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        if tag in BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping -= 1
        if tag in BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        if not self.skipping:
            self.lines[-1] += data


def text_lines(response) -> list[str]:
    parser = _TextLines()
    parser.feed(response.content.decode())
    return [line for line in (normalize(line) for line in parser.lines) if line]


def award_choice(milestone) -> dict:
    """The award form's fields for `milestone`: its ability's name, as typed, and its level."""
    return {"ability": milestone.ability.name, "level": milestone.level}


def html_of(response, status: int = 200) -> str:
    """The page's HTML, having checked it is the page: "X is not on the page" means nothing
    when the answer was an error page or a redirect."""
    assert response.status_code == status, (response.status_code, response.get("Location"))
    return response.content.decode()
