"""Hostile and broken input, generated: every route's path converters and query parameters,
every form each persona is offered, HTMX partials, admin changelists and the framework import.

The assertion is the same everywhere: no 5xx (the test client re-raises a view's exception, so
a crash fails here too), a GET writes nothing, and a refused request (4xx, or a form shown again
with errors) writes nothing. Writes are read from PostgreSQL's counters for the test's own
transaction, per table, so a write anywhere is seen and a rolled-back one is not excused.

How many requests each test sends is asserted; together they send more than 10,000.
"""

import json
import re
from urllib.parse import unquote_to_bytes

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from abilities.models import Ability
from demo.frameworks import EXAMPLE_FRAMEWORKS
from milestones.models import Achievement
from observations.models import Conversation, Message, Observation
from organizations.models import Invitation, Membership, Organization, User
from tests.fuzz.catalog import Form, Known, escaped, forms_on, fuzz_bytes, routes, text_values

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="reads the transaction's write counters, which only PostgreSQL keeps",
    ),
]

PERSONAS = {
    "anonymous": None,
    "member": "medium-member",
    "manager": "medium-manager",
    "admin": "medium-admin",
    "outsider": "lessonly-admin",
    "superuser": "fuzz-superuser",
}
# Tables a refused request may write to, and why.
REFUSALS_RECORDED = {
    "axes_accessattempt",  # a failed sign-in is counted: that is the throttle
}
QUERY_KEYS = [
    "q", "page", "before", "ability", "subject", "attention", "next", "format", "slug",
    "organization_name", "o", "p", "e", "all", "_to_field", "_popup", "_changelist_filters",
    "privacy__exact", "organization__id__exact", "observed_on__year", "observed_on__month",
    "observed_on__day", "story__regex", "id__in", "pk__gt", "level__exact", "is_public__exact",
    "ability__organization__id__exact", "user__username__startswith", "term", "app_label",
    "model_name", "field_name", "fmt",
]  # fmt: skip
ERRORS_SHOWN = re.compile(rb'class="(field__errors|errorlist|errornote)')
# A private organization none of the personas belongs to: nothing may show a trace of it, not
# a page, not a redirect's address (only the superuser sees everything). Its names carry a
# marker no request ever sends; its addresses may be sent, and echoed back (a sign-in link's
# `next`), so they count only in answers to requests that did not name them.
MARKER = b"zqx-secret"
HIDDEN_ADDRESSES = (b"hidden-co", b"hidden-plans")


def writes() -> dict[str, int]:
    """Rows inserted, updated and deleted so far in this transaction, per table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return dict(cursor.fetchall())


class Wire:
    """Sends requests as raw bytes and checks each answer; counts what it sent."""

    def __init__(self):
        self.clients: dict[str, Client] = {}
        self.sent = 0
        self.written = writes()  # only this wire's requests write in the test's transaction

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            client = Client()
            if PERSONAS[persona]:
                client.force_login(User.objects.get(username=PERSONAS[persona]))
                self.written = writes()  # signing in writes a session: not the request's
            self.clients[persona] = client
        return self.clients[persona]

    def send(self, persona, method, path, query="", body=None, content_type=None, htmx=False):
        headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "main"} if htmx else {}
        client = self.client(persona)
        before = self.written
        if method == "GET":
            response = client.generic("GET", path, QUERY_STRING=query, **headers)
        else:
            response = client.generic(
                "POST",
                path + (f"?{query}" if query else ""),
                body or b"",
                content_type=content_type or "application/x-www-form-urlencoded",
                **headers,
            )
        self.sent += 1
        status = response.status_code
        where = (persona, method, path[:200], query[:200], (body or b"")[:200], htmx)
        assert status < 500, (status, where)
        if persona != "superuser":
            shown = ((response.content or b"") + response.get("Location", "").encode()).lower()
            asked = unquote_to_bytes(f"{path}?{query}").lower() + (body or b"").lower()
            traces = [MARKER] + [a for a in HIDDEN_ADDRESSES if a not in asked]
            found = [trace for trace in traces if trace in shown]
            assert not found, (status, "shows the private organization", found, where)
        refused = status >= 400 or bool(ERRORS_SHOWN.search(response.content or b""))
        self.written = writes()
        if method == "GET" or refused:
            changed = {
                table: count
                for table, count in self.written.items()
                if count != before.get(table, 0)
                and not (method == "POST" and table in REFUSALS_RECORDED)
            }
            assert not changed, (status, "wrote", changed, where)
        return response


@pytest.fixture
def known(demo, settings) -> Known:
    """The demo, with one of everything a route can name, and their real identifiers."""
    settings.DEBUG = False  # as in production: the plain 404 page, not the technical one
    medium = Membership.objects.get(user__username="medium-member").organization
    member = Membership.objects.get(user__username="medium-member")
    manager = Membership.objects.get(user__username="medium-manager")
    servers = Ability.objects.get(slug="servers")
    conversation = Conversation.objects.create(ability=servers, started_by=member, topic="Fuzz")
    message = Message.objects.create(conversation=conversation, author=member, body="Hello")
    observation = Observation.objects.create(
        organization=medium, observer=manager, subject=member, ability=servers, story="Seen"
    )
    achievement = Achievement.objects.create(
        membership=member, milestone=servers.milestones.get(level=1), awarded_by=manager
    )
    invitation = Invitation(organization=medium, email="fuzz@example.com", invited_by=manager)
    token = invitation.new_token()
    invitation.save()
    User.objects.create_superuser("fuzz-superuser", "root@example.com", "x")
    hidden = Organization.objects.create(name="Zqx-secret Co", slug="hidden-co", is_public=False)
    hidden_ability = Ability.objects.create(
        organization=hidden, name="Zqx-secret plans", slug="hidden-plans", summary="Zqx-secret"
    )
    ids = [conversation.pk, observation.pk, achievement.pk, invitation.pk, medium.pk, member.pk]
    ids += [hidden.pk, hidden_ability.pk]
    content_types = ContentType.objects.get_for_models(Ability, Observation, Membership)
    return Known(
        {
            "org": ["medium", "lessonly", "hidden-co"],
            "ability": ["servers", "infrastructure", "hidden-plans"],
            "pk": [str(pk) for pk in ids],
            "message_pk": [str(message.pk)],
            "username": ["medium-member", "medium-manager"],
            "role": ["builder"],
            "example": list(EXAMPLE_FRAMEWORKS),
            "token": [token],
            "content_type_id": [str(ct.pk) for ct in content_types.values()],
            "object_id": [str(pk) for pk in ids],
            "id": [str(member.user_id)],
        }
    )


RESPELLINGS = [
    lambda v: b"+" + v,
    lambda v: b" " + v,
    lambda v: v + b" ",
    lambda v: b"0" + v,
    lambda v: v.upper(),
    lambda v: v + b"/",
    lambda v: v + b".0",
    lambda v: v.replace(b"-", b"_"),
]


def path_values(route, known, draw) -> dict[str, str]:
    values = {}
    for parameter in route.parameters:
        real = st.sampled_from(known.for_parameter(parameter)).map(str.encode)
        # Another spelling of a real value: what a lax parser reads as the same thing.
        respelled = st.tuples(real, st.sampled_from(RESPELLINGS)).map(lambda r: r[1](r[0]))
        values[parameter] = escaped(draw(st.one_of(real, real, respelled, fuzz_bytes)))
    return values


def query_of(draw, max_size=4) -> str:
    keys = st.one_of(st.sampled_from(QUERY_KEYS), fuzz_bytes.map(lambda b: b.decode("latin-1")))
    pairs = draw(st.lists(st.tuples(keys, fuzz_bytes), max_size=max_size))
    return "&".join(f"{escaped(k.encode('latin-1'))}={escaped(v)}" for k, v in pairs)


ROUTES = routes()
SITE_ROUTES = [r for r in ROUTES if not r.template.startswith("admin/")]
ADMIN_ROUTES = [r for r in ROUTES if r.template.startswith("admin/")]


FUZZ = settings(
    deadline=None,
    # Generate only: a failure is reported as found (shrinking it would take minutes), and
    # nothing is replayed from earlier runs.
    phases=[Phase.generate],
    database=None,  # every run explores afresh; nothing is kept between runs
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize(
    ("routes_fuzzed", "personas", "examples"),
    [
        (SITE_ROUTES, ["anonymous", "member", "manager", "admin", "outsider"], 1700),
        (ADMIN_ROUTES, ["admin", "outsider", "superuser", "member"], 1100),
    ],
    ids=["site", "admin"],
)
def test_every_route_answers_odd_paths_and_query_strings(known, routes_fuzzed, personas, examples):
    """GET, plain and HTMX, with fuzzed path converters and query strings: no 5xx, no writes."""
    wire = Wire()

    @settings(FUZZ, max_examples=examples)
    @given(st.data())
    def run(data):
        route = data.draw(st.sampled_from(routes_fuzzed))
        persona = data.draw(st.sampled_from(personas))
        path = route.path(path_values(route, known, data.draw))
        query = query_of(data.draw)
        wire.send(persona, "GET", path, query)
        wire.send(persona, "GET", path, query, htmx=True)

    run()
    assert wire.sent == 2 * examples


def offered_forms(known) -> list[Form]:
    """Every form each persona sees on the pages they can open, as a browser would find it."""
    wire = Wire()
    forms: dict[tuple[str, str], Form] = {}
    for persona in ("anonymous", "member", "manager", "admin", "outsider"):
        for route in SITE_ROUTES:
            values = {p: known.for_parameter(p)[0] for p in route.parameters}
            path = route.path(values)
            response = wire.client(persona).get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_on(persona, path, response.content.decode()):
                if "logout" in form.action:
                    continue  # signing out would end the persona's session for the rest
                forms.setdefault((persona, form.action), form)
    return list(forms.values())


BOUNDARY = "fuzzboundary"


def multipart(fields: list[tuple[bytes, bytes]], as_files: list[bool]) -> tuple[bytes, str]:
    parts = []
    for (name, value), as_file in zip(fields, as_files, strict=False):
        disposition = b'Content-Disposition: form-data; name="' + name + b'"'
        if as_file:
            disposition += b'; filename="upload.bin"\r\nContent-Type: application/octet-stream'
        parts.append(b"--" + BOUNDARY.encode() + b"\r\n" + disposition + b"\r\n\r\n" + value)
    body = b"\r\n".join(parts) + f"\r\n--{BOUNDARY}--\r\n".encode()
    return body, f"multipart/form-data; boundary={BOUNDARY}"


def test_every_form_refuses_odd_fields_cleanly(known):
    """Each form the pages offer, posted as a browser would with some fields fuzzed, some
    dropped or repeated: no 5xx, and a refusal writes nothing."""
    forms = offered_forms(known)
    actions = {form.action.split("?")[0] for form in forms}
    expected = ["/signup/", "/accounts/login/", "/medium/observations/new/"]
    for action in [*expected, "/medium/team/invitations/", "/accounts/password_reset/"]:
        assert action in actions, sorted(actions)
    wire = Wire()
    examples = 2500

    @settings(FUZZ, max_examples=examples)
    @given(st.data())
    def run(data):
        form = data.draw(st.sampled_from(forms))
        fields = [(name.encode(), value.encode()) for name, value in form.fields]
        body_fields = []
        for name, value in fields:
            choice = data.draw(st.sampled_from(["keep", "keep", "fuzz", "drop", "twice"]))
            if choice == "keep":
                body_fields.append((name, value))
            elif choice == "fuzz":
                body_fields.append((name, data.draw(fuzz_bytes)))
            elif choice == "twice":
                body_fields += [(name, value), (name, data.draw(fuzz_bytes))]
        body_fields += data.draw(st.lists(st.tuples(fuzz_bytes, fuzz_bytes), max_size=2))
        # Wrong types too: the fields as multipart parts, some as file uploads, or as JSON.
        encoding = data.draw(st.sampled_from(["form", "form", "form", "multipart", "json"]))
        if encoding == "form":
            body = "&".join(f"{escaped(k)}={escaped(v)}" for k, v in body_fields).encode()
            content_type = None
        elif encoding == "multipart":
            as_files = data.draw(st.lists(st.booleans(), min_size=len(body_fields)))
            body, content_type = multipart(body_fields, as_files)
        else:
            body = json.dumps({k.decode("latin-1"): v.decode("latin-1") for k, v in body_fields})
            body, content_type = body.encode(), "application/json"
        wire.send(
            form.persona,
            "POST",
            form.action,
            body=body,
            content_type=content_type,
            htmx=data.draw(st.booleans()),
        )

    run()
    assert wire.sent == examples


# The files that once cost far more than their size (tests/gruuv/framework/test_limits.py
# measures their cost, and too many YAML values): anchors, too many rows or JSON values, nesting
# without brackets.
WORST_FILES = [
    (
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "abilities: [*i]\n"
    ).encode(),
    b"ability,level,behaviour\n" + b"Servers,1,Adds\n" * 10_001,
    b'{"abilities": [' + b"1," * 70_000 + b"1]}",
    b"- " * 5_000 + b"x",
]


def test_admin_changelists_and_framework_import_refuse_odd_input(known):
    """Every admin list with fuzzed lookups, sorting and paging; the framework import with
    fuzzed files and fuzzed confirmations. No 5xx; a refused import writes nothing."""
    wire = Wire()
    changelists = [r.template for r in ADMIN_ROUTES if r.name and r.name.endswith("_changelist")]
    medium = Membership.objects.get(user__username="medium-admin").organization_id
    import_path = f"/admin/organizations/organization/{medium}/framework/import/"
    examples = 2000

    @settings(FUZZ, max_examples=examples)
    @given(st.data())
    def run(data):
        persona = data.draw(st.sampled_from(["admin", "superuser", "outsider"]))
        what = data.draw(st.sampled_from(["list", "list", "upload", "confirm"]))
        if what == "list":
            path = "/" + data.draw(st.sampled_from(changelists))
            wire.send(persona, "GET", path, query_of(data.draw, max_size=5))
        elif what == "upload":
            content = data.draw(
                st.one_of(
                    st.sampled_from(WORST_FILES),
                    fuzz_bytes,
                    text_values.map(lambda t: f"abilities:\n  - name: {t}\n".encode()),
                    text_values.map(lambda t: f'{{"abilities": [{{"name": "{t}"}}]}}'.encode()),
                    text_values.map(lambda t: f"ability,level,miles\n{t},{t},{t}\n".encode()),
                )
            )
            name = data.draw(st.sampled_from(["f.yaml", "f.json", "f.csv", "f.txt", "", "f.yml"]))
            boundary = BOUNDARY
            body = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                ).encode()
                + content
                + f"\r\n--{boundary}--\r\n".encode()
            )
            wire.send(
                persona,
                "POST",
                import_path,
                body=body,
                content_type=f"multipart/form-data; boundary={boundary}",
            )
        else:
            fields = [(b"content", data.draw(fuzz_bytes)), (b"fmt", data.draw(fuzz_bytes))]
            body = "&".join(f"{escaped(k)}={escaped(v)}" for k, v in fields).encode()
            wire.send(persona, "POST", import_path, body=body)

    run()
    assert wire.sent == examples
