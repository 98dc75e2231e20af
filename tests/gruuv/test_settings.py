"""Production settings pass Django's deployment checks; development needs nothing set."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-of-fifty-characters-or-more-0123456789-xyz",
    "ALLOWED_HOSTS": "gruuv.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://gruuv.example.com",
    "DATABASE_URL": "postgres://gruuv@db.example.com:5432/gruuv",
    "REDIS_URL": "redis://cache.example.com:6379/0",  # rate limits shared by every worker
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    ignored = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_complains_about_development_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_check_deploy_warns_when_rate_limits_are_not_shared():
    production_without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_without_redis)
    assert result.returncode != 0
    assert "gruuv.W001" in result.stderr and "Set REDIS_URL" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **(PRODUCTION | {"SECRET_KEY": ""}))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine", "pooled"),
    [
        ("", "django.db.backends.sqlite3", False),
        ("postgres://u@h:5432/d", "django.db.backends.postgresql", True),
    ],
)
def test_database_url_selects_the_database(url, engine, pooled):
    """PostgreSQL is pooled, and each connection is checked as it leaves the pool (a restart of
    the database then costs only the requests in flight: docs/operations.md)."""
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "pool = d.get('OPTIONS', {}).get('pool') or {};"
        "print(d['ENGINE'], bool(pool), pool and pool['check'].__name__)"
    )
    result = manage("shell", "-c", code, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    checked = "check_connection" if pooled else "{}"
    assert result.stdout.split()[-3:] == [engine, str(pooled), checked]


def test_content_security_policy_is_self_only(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def mailer(**env: str) -> dict:
    code = "from django.conf import settings; import json; print(json.dumps(settings.MAILERS))"
    result = manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["default"]


def test_mail_is_configured_from_the_email_variables(tmp_path):
    assert mailer()["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    smtp = mailer(
        **PRODUCTION,
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="gruuv",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="1",
    )
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"] == {
        "host": "smtp.example.com", "port": 587, "username": "gruuv", "password": "secret",
        "use_tls": True, "timeout": 10,  # a slow server holds a request 10 s at most
    }  # fmt: skip
    files = mailer(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    )
    assert files["OPTIONS"] == {"file_path": str(tmp_path)}
