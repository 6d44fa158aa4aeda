"""Configuration from the environment: safe development defaults, refusals in production."""

import os
import subprocess
import sys

import pytest

from config.env import ConfigurationError, load
from tests.conftest import PROJECT_DIR

SECRET = "s" * 64


def test_development_needs_no_variable(tmp_path):
    config = load({"HUB_DATA_DIR": str(tmp_path)})
    assert (config.base_url, config.production, config.debug) == ("http://127.0.0.1:8000", False, True)
    assert config.database_url == f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    assert config.broker_url == "filesystem://"
    assert config.allow_private_peers
    assert config.throttle_join == (10, 3600)
    assert (config.sync_time_budget, config.sync_page_budget) == (120, 10_000)


def test_join_rates_are_read_per_second_minute_hour_or_day(tmp_path):
    rates = [load({"HUB_THROTTLE_JOIN": text, "HUB_DATA_DIR": str(tmp_path)}).throttle_join
             for text in ("5/second", "20/min", "3/hours", "100/d")]
    assert rates == [(5, 1), (20, 60), (3, 3600), (100, 86400)]


def test_development_secret_key_is_kept_private_and_stable(tmp_path):
    first = load({"HUB_DATA_DIR": str(tmp_path)}).secret_key
    assert load({"HUB_DATA_DIR": str(tmp_path)}).secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_without_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(ConfigurationError, match="DJANGO_SECRET_KEY is not set"):
        load({"HUB_BASE_URL": "https://hub.example.de", "HUB_DATA_DIR": str(tmp_path)})


def test_production_with_debug_refuses_to_start(tmp_path):
    env = {"HUB_BASE_URL": "https://hub.example.de", "DJANGO_SECRET_KEY": SECRET, "DJANGO_DEBUG": "1"}
    with pytest.raises(ConfigurationError, match="DJANGO_DEBUG is on"):
        load(env | {"HUB_DATA_DIR": str(tmp_path)})


def test_production_defaults_are_strict(tmp_path):
    config = load({"HUB_BASE_URL": "https://hub.example.de/", "DJANGO_SECRET_KEY": SECRET, "HUB_DATA_DIR": str(tmp_path)})
    assert config.base_url == "https://hub.example.de"
    assert (config.production, config.debug, config.allow_private_peers) == (True, False, False)
    assert config.allowed_hosts == ("hub.example.de",)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("HUB_BASE_URL", "ftp://hub.example.de", "absolute http"),
        ("HUB_BASE_URL", "https://hub.example.de/stadtlabor", "without path"),
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be one of"),
        ("HUB_SYNC_INTERVAL", "often", "whole number"),
        ("HUB_SYNC_TIME_BUDGET", "0", "must be positive"),
        ("HUB_SYNC_PAGE_BUDGET", "many", "whole number of pages"),
        ("HUB_THROTTLE_JOIN", "10 per hour", "rate such as 10/hour"),
        ("HUB_THROTTLE_JOIN", "0/hour", "rate such as 10/hour"),
    ],
)
def test_malformed_values_are_named(tmp_path, name, value, message):
    with pytest.raises(ConfigurationError, match=message):
        load({name: value, "HUB_DATA_DIR": str(tmp_path)})


def test_the_shared_cache_is_a_folder_the_brokers_redis_or_the_one_named(tmp_path):
    assert load({"HUB_DATA_DIR": str(tmp_path)}).cache_url == (tmp_path / "cache").as_uri()
    broker = {"HUB_DATA_DIR": str(tmp_path), "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    assert load(broker).cache_url == "redis://127.0.0.1:6379/0"
    assert load(broker | {"HUB_CACHE_URL": "redis://127.0.0.1:6379/1"}).cache_url == "redis://127.0.0.1:6379/1"
    assert load({"HUB_DATA_DIR": str(tmp_path), "HUB_CACHE_URL": "file:///srv/cache"}).cache_url == "file:///srv/cache"


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "file://relative/cache", "redis://"])
def test_a_cache_url_of_another_kind_is_refused_without_echoing_it(tmp_path, url):
    with pytest.raises(ConfigurationError, match="HUB_CACHE_URL must be a redis:// or rediss:// URL") as refused:
        load({"HUB_DATA_DIR": str(tmp_path), "HUB_CACHE_URL": url.replace("//", "//:geheim@", 1)})
    assert "geheim" not in str(refused.value)


def test_login_lockout_settings_are_whole_numbers(tmp_path):
    config = load({"HUB_DATA_DIR": str(tmp_path)})
    assert (config.login_failures, config.login_cooloff_minutes) == (5, 15)
    assert load({"HUB_DATA_DIR": str(tmp_path), "HUB_LOGIN_FAILURES": "3", "HUB_LOGIN_COOLOFF": "60"}).login_failures == 3
    with pytest.raises(ConfigurationError, match="HUB_LOGIN_COOLOFF must be a whole number of minutes"):
        load({"HUB_DATA_DIR": str(tmp_path), "HUB_LOGIN_COOLOFF": "eine Stunde"})


def run_manage(args, env, tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=clean | {"HUB_DATA_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_explains_a_refused_configuration_without_a_traceback(tmp_path):
    result = run_manage(["check"], {"HUB_BASE_URL": "https://hub.example.de"}, tmp_path)
    assert result.returncode == 2
    assert "Configuration error: DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_reports_nothing_once_the_documented_variables_are_set(tmp_path):
    env = {"HUB_BASE_URL": "https://hub.example.de", "DJANGO_SECRET_KEY": "k-" + SECRET + "-x9!Q",
           "HUB_EMAIL_URL": "smtp+tls://hub:geheim@mail.example.de"}
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_federation_mode_is_open_unless_allowlist_is_asked_for(tmp_path):
    assert load({"HUB_DATA_DIR": str(tmp_path)}).federation_mode == "open"
    assert load({"HUB_DATA_DIR": str(tmp_path), "HUB_FEDERATION_MODE": "Allowlist"}).federation_mode == "allowlist"
    with pytest.raises(ConfigurationError, match="HUB_FEDERATION_MODE must be one of open, allowlist"):
        load({"HUB_DATA_DIR": str(tmp_path), "HUB_FEDERATION_MODE": "closed"})


def test_the_idea_limit_and_retention_are_read(tmp_path):
    base = {"HUB_DATA_DIR": str(tmp_path)}
    defaults = load(base)
    assert (defaults.throttle_ideas, defaults.idea_retention_days) == ((10, 3600), 90)
    chosen = load(base | {"HUB_THROTTLE_IDEAS": "3/minute", "HUB_IDEA_RETENTION_DAYS": "30"})
    assert (chosen.throttle_ideas, chosen.idea_retention_days) == ((3, 60), 30)
    assert load(base | {"HUB_THROTTLE": "off", "HUB_THROTTLE_IDEAS": "3/minute"}).throttle is False
    assert defaults.throttle_feedback == (60, 3600)
    assert load(base | {"HUB_THROTTLE_FEEDBACK": "5/minute"}).throttle_feedback == (5, 60)
    for name, value in (("HUB_THROTTLE_FEEDBACK", "viele"), ("HUB_THROTTLE_IDEAS", "viele"), ("HUB_IDEA_RETENTION_DAYS", "0"), ("HUB_THROTTLE", "vielleicht")):
        with pytest.raises(ConfigurationError, match=name):
            load(base | {name: value})


def test_check_deploy_warns_that_mails_without_hub_email_url_reach_nobody(tmp_path):
    env = {"HUB_BASE_URL": "https://hub.example.de", "DJANGO_SECRET_KEY": "k-" + SECRET + "-x9!Q"}
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 1 and "HUB_EMAIL_URL is not set" in result.stderr + result.stdout


@pytest.mark.parametrize(("url", "server"), [
    ("smtp://mail.example.de", ("mail.example.de", 25, "", "", False, False)),
    ("smtp+tls://hub%40stadt:p%C3%A4ss%2Fwort@mail.example.de:2525", ("mail.example.de", 2525, "hub@stadt", "päss/wort", True, False)),
    ("smtp+ssl://hub:geheim@mail.example.de", ("mail.example.de", 465, "hub", "geheim", False, True)),
    ("SMTP+TLS://mail.example.de", ("mail.example.de", 587, "", "", True, False)),
])
def test_the_mail_server_is_read_from_hub_email_url(tmp_path, url, server):
    mail = load({"HUB_DATA_DIR": str(tmp_path), "HUB_EMAIL_URL": url}).mail_server
    assert (mail.host, mail.port, mail.username, mail.password, mail.use_tls, mail.use_ssl) == server
    assert "geheim" not in repr(mail)


@pytest.mark.parametrize("url", ["http://mail.example.de", "smtp://", "smtp+starttls://mail.example.de",
                                 "smtp://user:geheim@mail.example.de:port", "smtp://mail.example.de/inbox"])
def test_a_wrong_hub_email_url_is_refused_without_echoing_its_password(tmp_path, url):
    with pytest.raises(ConfigurationError, match="HUB_EMAIL_URL must be") as error:
        load({"HUB_DATA_DIR": str(tmp_path), "HUB_EMAIL_URL": url})
    assert "geheim" not in str(error.value)


def test_mails_in_development_go_to_files_and_the_sender_is_the_nodes(tmp_path):
    config = load({"HUB_DATA_DIR": str(tmp_path)})
    assert (config.mail_server, config.mail_from) == (None, "Stadtlabor Hub <noreply@localhost>")
    production = load({"HUB_DATA_DIR": str(tmp_path), "HUB_BASE_URL": "https://hub.wiesbaden.de",
                       "DJANGO_SECRET_KEY": SECRET})
    assert production.mail_from == "Stadtlabor Hub <noreply@hub.wiesbaden.de>"
    with pytest.raises(ConfigurationError, match="HUB_EMAIL_FROM"):
        load({"HUB_DATA_DIR": str(tmp_path), "HUB_EMAIL_FROM": "keine Adresse"})


def test_registration_rates_retention_and_the_throttle_switch(tmp_path):
    config = load({"HUB_DATA_DIR": str(tmp_path)})
    assert (config.throttle, config.throttle_registration, config.registration_retention_days) == (True, (20, 3600), 90)
    config = load({"HUB_DATA_DIR": str(tmp_path), "HUB_THROTTLE": "off", "HUB_THROTTLE_REGISTRATION": "5/minute",
                   "HUB_REGISTRATION_RETENTION_DAYS": "30"})
    assert (config.throttle, config.throttle_registration, config.registration_retention_days) == (False, (5, 60), 30)


def test_item_types_to_hide_are_type_names_and_never_the_protocols_own(tmp_path):
    env = {"HUB_DATA_DIR": str(tmp_path)}
    assert load(env).item_types_hidden == ()
    assert load(env | {"HUB_ITEM_TYPES_HIDDEN": " Idea, ExperienceReport,Idea "}).item_types_hidden == (
        "Idea", "ExperienceReport")
    with pytest.raises(ConfigurationError, match="HUB_ITEM_TYPES_HIDDEN must name item types such as Idea .* got 'idea'"):
        load(env | {"HUB_ITEM_TYPES_HIDDEN": "idea"})
    with pytest.raises(ConfigurationError, match="cannot hide Tombstone: every node of the network must understand it"):
        load(env | {"HUB_ITEM_TYPES_HIDDEN": "Idea,Tombstone"})
