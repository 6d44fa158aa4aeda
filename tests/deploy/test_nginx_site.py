"""The nginx site: its structure always, and `nginx -t` on it where nginx is installed."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.deploy.conftest import DEPLOY_DIR, tool

SITE = DEPLOY_DIR / "nginx" / "stadtlabor-hub.conf"
HOST = "hub.example.de"
CERTIFICATE = f"/etc/letsencrypt/live/{HOST}/fullchain.pem"
PRIVATE_KEY = f"/etc/letsencrypt/live/{HOST}/privkey.pem"
API_LIMIT_BYTES = 256 * 1024


def directives(text: str) -> list[tuple[int, str, list[str]]]:
    """(depth, name, arguments) of every directive, checking that blocks close and statements end with ';'."""
    found, depth = [], 0
    code = "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("#") else "" for line in text.splitlines())
    for token in re.findall(r"[^;{}]*[;{}]", code):
        statement, end = token[:-1].split(), token[-1]
        if end == "}":
            assert not statement, f"a statement without ';' before '}}': {statement}"
            depth -= 1
            assert depth >= 0, "a '}' without its block"
            continue
        assert statement, f"an empty statement before {end!r}"
        found.append((depth, statement[0], statement[1:]))
        depth += end == "{"
    assert depth == 0 and not re.sub(r"[^;{}]*[;{}]", "", code).strip(), "an unclosed block or statement"
    return found


def arguments(name: str) -> list[list[str]]:
    return [args for _, directive, args in directives(SITE.read_text()) if directive == name]


def size_in_bytes(text: str) -> int:
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", text.lower()).groups()
    return int(number) * units[unit]


def test_the_site_proxies_to_gunicorn_on_loopback_port_8000():
    assert arguments("server")[0] == ["127.0.0.1:8000"]
    assert arguments("proxy_pass") == [["http://stadtlabor_hub"]]
    assert ["stadtlabor_hub"] in arguments("upstream")


def test_the_site_tells_django_the_scheme_and_the_real_client_address():
    headers = {args[0]: " ".join(args[1:]) for args in arguments("proxy_set_header")}
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["X-Forwarded-For"] == "$remote_addr", "replace the header, never append a client's own"
    assert headers["Host"] == "$host"


def test_the_site_serves_tls_with_certbots_certificate_and_redirects_http():
    assert arguments("ssl_certificate") == [[CERTIFICATE]]
    assert arguments("ssl_certificate_key") == [[PRIVATE_KEY]]
    assert ["443", "ssl", "http2"] in arguments("listen")
    assert ["301", "https://$host$request_uri"] in arguments("return")
    assert set(arguments("server_name")[0]) == {HOST}


def test_the_body_limit_lets_the_apis_own_limit_answer():
    [[limit]] = arguments("client_max_body_size")
    assert API_LIMIT_BYTES <= size_in_bytes(limit) <= 16 * 1024**2


def test_hsts_is_left_to_django():
    assert not [args for args in arguments("add_header") if args[0].lower() == "strict-transport-security"]


def self_signed(tmp_path) -> tuple[str, str]:
    """A throwaway certificate for the site's host, so nginx -t can load the TLS settings."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_nginx_accepts_the_site(tmp_path):
    """`nginx -t` on a minimal main configuration that includes the site, its paths moved into tmp_path."""
    nginx = tool("nginx", "/usr/sbin")
    certificate, private_key = self_signed(tmp_path)
    site = (SITE.read_text().replace(CERTIFICATE, certificate).replace(PRIVATE_KEY, private_key)
            .replace("/var/log/nginx", str(tmp_path)).replace("/var/www/html", str(tmp_path)))
    (tmp_path / "site.conf").write_text(site)
    temp_paths = " ".join(f"{kind}_temp_path {tmp_path / kind};"
                          for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log off;\n    {temp_paths}\n    include {tmp_path / 'site.conf'};\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
