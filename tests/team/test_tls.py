"""TLS with a certificate the test makes itself: a certificate authority and a server
certificate for « localhost » (cryptography), a second, throw-away PostgreSQL instance with
``ssl = on`` that refuses unencrypted connections, then the connection checks of the dialog
and ``clauses connect`` (storage/team_connection.check_server) against it: verify-full with
the right authority passes and is encrypted; another authority, another host name and no
encryption each get their French sentence.

Needs Debian's PostgreSQL binaries (initdb, pg_ctl; run as the ``postgres`` user when the
tests run as root, as ./test does) and the ``cryptography`` package (installed with keyring
on Linux); skipped, saying which is missing, otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clauses_app.storage import migrate
from clauses_app.storage import team_connection as tc
from clauses_app.storage.team_connection import TeamConnection, TeamConnectionError

# Debian's server binaries, the newest version installed (as scripts/postgres-for-tests.sh).
_VERSIONS = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)  # fmt: skip
PG_BIN = _VERSIONS[-1].parent if _VERSIONS else Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class TlsServer:
    port: int
    authority: Path  # the certificate authority that signed the server's certificate
    other_authority: Path  # an authority that signed nothing of this server's

    def connection(self, **changes: object) -> TeamConnection:
        values: dict[str, object] = dict(
            name="tls", host="localhost", database="postgres", user="postgres", port=self.port,
            sslmode="verify-full", sslrootcert=str(self.authority),
        )  # fmt: skip
        values.update(changes)
        return TeamConnection(**values)  # type: ignore[arg-type]


def _authority(name: str) -> tuple[object, object, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return key, certificate, certificate.public_bytes(serialization.Encoding.PEM)


def _server_certificate(authority_key: object, authority: object) -> tuple[bytes, bytes]:
    """A certificate for the name « localhost » only (not 127.0.0.1), and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(authority.subject)  # type: ignore[attr-defined]
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(authority_key, hashes.SHA256())  # type: ignore[arg-type]
    )  # fmt: skip
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )  # fmt: skip
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as ``postgres``."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def tls_server() -> Iterator[TlsServer]:
    pytest.importorskip("cryptography", reason="TLS test: the cryptography package is missing")
    pytest.importorskip("psycopg")
    if not (PG_BIN / "initdb").is_file():
        pytest.skip(f"TLS test: no PostgreSQL server binaries in {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("TLS test: running as root without runuser to start PostgreSQL as postgres")
    folder = Path(tempfile.mkdtemp(prefix="clauses-tls-"))
    data = folder / "data"
    authority_key, authority, authority_pem = _authority("Autorité du territoire (test)")
    *_, other_pem = _authority("Une autre autorité (test)")
    certificate, key = _server_certificate(authority_key, authority)
    (folder / "ca.crt").write_bytes(authority_pem)
    (folder / "other-ca.crt").write_bytes(other_pem)
    (folder / "server.crt").write_bytes(certificate)
    (folder / "server.key").write_bytes(key)
    os.chmod(folder / "server.key", 0o600)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for name in ("server.crt", "server.key"):
            shutil.chown(folder / name, "postgres")
    port = _free_port()
    run = lambda *command: subprocess.run(  # noqa: E731
        _as_server_user([str(PG_BIN / command[0]), *command[1:]]),
        check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{folder}'\nfsync = off\nssl = on\n"
            f"ssl_cert_file = '{folder / 'server.crt'}'\nssl_key_file = '{folder / 'server.key'}'\n"
        )
    (data / "pg_hba.conf").write_text(  # encrypted connections only, as docs/team.md advises
        "hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n"
    )
    try:
        run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "start")
        import psycopg

        with psycopg.connect(host="localhost", port=port, user="postgres", dbname="postgres",
                             sslmode="require", autocommit=True) as sql:  # fmt: skip
            # A Clauses schema at the application's version, as far as the checks look.
            sql.execute("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
            sql.execute("INSERT INTO alembic_version VALUES (%s)", (migrate.head_revision(),))
        yield TlsServer(port, folder / "ca.crt", folder / "other-ca.crt")
    finally:
        subprocess.run(
            _as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def test_verify_full_with_the_server_s_authority_connects_encrypted(tls_server: TlsServer) -> None:
    check = tc.check_server(tls_server.connection(), None)

    assert check.encrypted is True
    assert check.revision == migrate.head_revision()
    assert check.server_version >= 130000


def test_another_authority_gets_the_french_tls_sentence(tls_server: TlsServer) -> None:
    connection = tls_server.connection(sslrootcert=str(tls_server.other_authority))

    with pytest.raises(TeamConnectionError) as refused:
        tc.check_server(connection, None)

    assert str(refused.value) == (
        f"La connexion chiffrée (TLS) avec « localhost » (port {tls_server.port}) a échoué : "
        "le certificat du serveur n'est pas signé par l'autorité de certification indiquée "
        f"(« {tls_server.other_authority} »). Vérifiez ce fichier avec l'administrateur du "
        "serveur."
    )


def test_another_host_name_and_no_encryption_are_refused_in_french(
    tls_server: TlsServer,
) -> None:
    with pytest.raises(TeamConnectionError) as wrong_name:
        tc.check_server(tls_server.connection(host="127.0.0.1"), None)
    assert str(wrong_name.value).startswith(
        f"La connexion chiffrée (TLS) avec « 127.0.0.1 » (port {tls_server.port}) a échoué : "
        "le certificat du serveur ne porte pas le nom « 127.0.0.1 »."
    )
    with pytest.raises(TeamConnectionError) as plain:
        tc.check_server(tls_server.connection(sslmode="disable"), None)
    assert str(plain.value).startswith(
        f"Le serveur « localhost » (port {tls_server.port}) refuse que « postgres » se connecte"
    )
    # « verify-ca » checks the authority, not the name: the same address is accepted.
    assert tc.check_server(tls_server.connection(host="127.0.0.1", sslmode="verify-ca"),
                           None).encrypted  # fmt: skip
