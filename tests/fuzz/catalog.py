"""What the fuzz suite aims at: every route with its path converters, every form the pages
offer each persona, and the values a hostile or broken client sends.

Values are bytes, as they travel: a percent-escape can carry what no Python string encodes
(a lone surrogate, a byte that is no UTF-8), so nothing here goes through the test client's own
encoding.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import strategies as st

# Strings that broke, or could break, something somewhere.
SPECIALS = [
    "", " ", "\x00", "a\x00b", "%00", "\u202eevil", "\u200f\u200e", "שלום", "مرحبا", "²", "٣",
    "١٢٣", "１２", "߀", "-1", "0", "-0", "+5", "1.5", "1e309", "NaN", "nan", "inf", "-inf",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648",
    "9" * 40, "0x10", "1_000", " 7 ", "true", "None", "null", "[]", "{}",
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "/\\evil.example",
    "//evil.example/", "javascript:alert(1)",
    "http://evil.example/", "medium", "servers", "x" * 100_000, "\r\nSet-Cookie: a=b",
    "%", "%%", "%ZZ", "\\", "*", "?", "#", "&", "=", "+", ";", "\t", "\ufeff", "\U0001f600",
    "2026-02-30", "0000-00-00", "9999-12-31", "10000-01-01", "2026-11-25", "__proto__",
]  # fmt: skip

DIGITS_OF_EVERY_SCRIPT = st.text(st.characters(categories=["Nd"]), min_size=1, max_size=24)
SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=4)

text_values = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(max_size=40),
    DIGITS_OF_EVERY_SCRIPT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
fuzz_bytes = st.one_of(
    text_values.map(lambda text: text.encode()),
    SURROGATES.map(lambda text: text.encode("utf-8", "surrogatepass")),  # not UTF-8 at all
    st.binary(max_size=24),
)


def escaped(value: bytes) -> str:
    return quote_from_bytes(value, safe="")


@dataclass
class Known:
    """Real values for each path parameter, so fuzzed requests reach the views' insides."""

    values: dict[str, list[str]]

    def for_parameter(self, name: str) -> list[str]:
        return self.values.get(name) or self.values["pk"]


@dataclass(frozen=True)
class Route:
    template: str  # "medium/abilities/<slug:ability>/", without the leading "/"
    parameters: tuple[str, ...]
    name: str | None

    def path(self, values: dict[str, str]) -> str:
        """The path with each parameter replaced by its (already escaped) value."""
        path = self.template
        for parameter in self.parameters:
            start = path.index("<")
            end = path.index(">", start)
            path = path[:start] + values[parameter] + path[end + 1 :]
        return "/" + path


def routes() -> list[Route]:
    """Every route of the URLconf that a path can be built for (admin's catch-all regexes are
    reached through the routes they stand for)."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern):
                continue
            template = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, template)
            elif isinstance(pattern, URLPattern):
                names = tuple(
                    part.split(">", 1)[0].split(":")[-1] for part in template.split("<")[1:]
                )
                yield Route(template, names, pattern.name)

    return sorted(set(walk(get_resolver().url_patterns, "")), key=lambda r: r.template)


@dataclass
class Form:
    """A form as a page offers it: where it posts and what a browser would send unchanged."""

    persona: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self, persona: str, page: str):
        super().__init__()
        self.persona, self.page = persona, page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            action = attrs.get("action") or attrs.get("data-hx-post") or self.page
            self.current = Form(self.persona, urljoin(self.page, action))
            self.forms.append(self.current)
        if self.current is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self.current.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.current.fields.append((name, attrs.get("value") or "on"))
            elif kind not in ("submit", "button", "image", "reset"):
                self.current.fields.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self.select, self.select_value = name, None
        elif tag == "option" and self.select and (self.select_value is None or "selected" in attrs):
            self.select_value = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = name
            self.current.fields.append((name, ""))

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            name, text = self.current.fields[-1]
            self.current.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.current is not None and self.select:
            self.current.fields.append((self.select, self.select_value or ""))
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_on(persona: str, page_path: str, html: str) -> list[Form]:
    parser = _Forms(persona, page_path)
    parser.feed(html)
    found = []
    for form in parser.forms:
        parts = urlsplit(form.action)
        if parts.netloc not in ("", "testserver"):
            continue
        form.action = parts.path + (f"?{parts.query}" if parts.query else "")
        found.append(form)
    return found
