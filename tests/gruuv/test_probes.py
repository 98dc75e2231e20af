"""/healthz and /readyz, as a load balancer asks them."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/healthz", "/healthz/", "/readyz", "/readyz/"])
def test_the_probes_answer_plain_text_without_a_session(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content in (b"ok\n", b"ready\n")
    assert response["Content-Type"] == "text/plain"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie


def test_the_probes_skip_the_host_check_and_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["gruuv.example"]
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")  # the balancer asks by address
        assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # the rest does check


def test_the_probes_are_not_counted_against_a_session_or_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


def test_readyz_asks_the_database(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # SELECT 1 (and the statement timeout on PostgreSQL)
        assert client.get("/readyz").content == b"ready\n"


def test_readyz_is_503_when_the_cache_does_not_answer(client, settings):
    # A real Redis client against a port nobody listens on.
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content.startswith(b"not ready\ncache: ")
    assert client.get("/healthz").status_code == 200  # the process itself is up


def test_the_probes_refuse_other_methods(client):
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
