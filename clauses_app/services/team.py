"""A territory's team on one PostgreSQL database: group roles, users, portfolios, row-level
security (docs/team.md). Qt-free; ``clauses team`` (cli/team.py) calls it.

The security rules live in PostgreSQL itself, so that a facilitator connected with ``psql``
meets the same walls as in the window:

- three group roles named after the database, so that two territories can share a server:
  ``<base>_proprietaire`` owns the tables (migrations), ``<base>_facilitateur`` and
  ``<base>_coordinateur`` read and write them;
- row-level security on every table holding a person's data (:data:`PERSONAL_TABLES`): a
  participant is read and written by the facilitator who follows the person
  (``participant.follower``), by the facilitators in charge of an authority where the person
  works (employment → award → lot → contract → ``authority_facilitator``) and by the
  coordinators; criteria and retention holds follow their participant;
- :data:`TERRITORY_FUNCTION`, a ``SECURITY DEFINER`` function that exposes only counts, so
  that territory figures stay whole for every facilitator (services/portfolio.py);
- :data:`READ_ONLY_VIEWS`, owned by the owner role and only read by the members, so that
  pending hours are the same for everybody (the validation dates, not the criteria);
  ``security_barrier``, so that a reader's own condition never sees the rows it filters out;
- alert marks about a person (:data:`PERSON_ALERT_KINDS`) follow their participant;
- nobody but the team connects to the database, and no member creates objects (schema
  ``public``, temporary functions) that a SECURITY DEFINER function, a leaky condition or a
  colleague's session could pick up. Migration 0017's trigger ``clauses_links`` refuses a
  work contract, award, lot or contract moved so as to bring someone else's people into a
  portfolio.

Everything here is idempotent: ``init_team`` may run again after a schema upgrade (it gives
the new tables to the owner role and grants them).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, String, delete, inspect, select, text, update
from sqlalchemy.orm import Session

from clauses_app.models import AuthorityFacilitator, ContractingAuthority, Participant
from clauses_app.storage import Database

FACILITATOR, COORDINATOR = "facilitateur", "coordinateur"
TEAM_ROLES = (FACILITATOR, COORDINATOR)
# Tables with a person's identity, birth date, address, criteria or decisions about them.
# Employments and hours carry no identity (only the participant's UUID): every member reads
# them, so that the figures of every authority are the territory's (docs/team.md).
PERSONAL_TABLES = ("participant", "participant_criterion", "retention_hold")
# Views the members only read, with the owner's rights (row-level security does not
# restrict the owner): criterion_validation (migration 0016) shows every validated
# criterion's person, date and evidence flag, not the criterion, so that pending hours are
# the same for everybody (figures/pending.py).
READ_ONLY_VIEWS = ("criterion_validation",)
# Alert kinds whose record is a participant (services/alerts, AlertRecord.PARTICIPANT): the
# kind tells the person's eligibility and the mark's comment is free text (migration 0017).
PERSON_ALERT_KINDS = ("eligibility_expiring", "eligibility_unvalidated")
TERRITORY_FUNCTION = "clauses_territory_people"
TRANSFER_FUNCTION = "clauses_transfer_participant"
_ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


class TeamError(Exception):
    """A team operation refused; the message is one French sentence."""


@dataclass(frozen=True)
class TeamRoles:
    """The group roles of one database."""

    database: str
    owner: str
    facilitator: str
    coordinator: str

    @classmethod
    def of(cls, database_name: str) -> TeamRoles:
        base = re.sub(r"[^a-z0-9_]", "_", database_name.lower())[:45]
        return cls(
            database_name,
            f"{base}_proprietaire",
            f"{base}_facilitateur",
            f"{base}_coordinateur",
        )

    def group(self, role: str) -> str:
        return self.facilitator if role == FACILITATOR else self.coordinator


@dataclass(frozen=True)
class TeamInitReport:
    roles: TeamRoles
    created_roles: tuple[str, ...]
    protected_tables: tuple[str, ...]


def is_postgres(database: Database) -> bool:
    return database.engine.dialect.name == "postgresql"


def _require_postgres(database: Database) -> None:
    if not is_postgres(database):
        raise TeamError(
            "Cette commande concerne une base d'équipe PostgreSQL ; une base SQLite (un "
            "fichier) n'a qu'un utilisateur et n'a pas de rôles."
        )


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def _literal(connection: Connection, value: str) -> str:
    processor = String().literal_processor(connection.dialect)
    assert processor is not None
    return str(processor(value))


def _role_exists(connection: Connection, name: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    return found.first() is not None


def roles_of(connection: Connection) -> TeamRoles:
    return TeamRoles.of(str(connection.execute(text("SELECT current_database()")).scalar()))


def _visible_participant(roles: TeamRoles, alias: str, who: str = "current_user") -> str:
    """The policies' rule: may role ``who`` (SQL) see participant ``alias``?"""
    coordinator = roles.coordinator.replace("'", "''")
    return (
        f"{alias}.follower = {who} "
        f"OR pg_has_role({who}, '{coordinator}', 'MEMBER') "
        "OR EXISTS (SELECT 1 FROM employment e "
        "JOIN award a ON a.uuid = e.award_uuid "
        "JOIN lot l ON l.uuid = a.lot_uuid "
        "JOIN public_contract c ON c.uuid = l.contract_uuid "
        "JOIN authority_facilitator f ON f.authority_uuid = c.authority_uuid "
        f"WHERE e.participant_uuid = {alias}.uuid AND f.facilitator = {who})"
    )


def _policies(roles: TeamRoles) -> dict[str, list[str]]:
    """Each personal table's policies (CREATE POLICY bodies after « ON table »)."""
    visible = _visible_participant(roles, "participant")
    through_participant = (
        "EXISTS (SELECT 1 FROM participant p WHERE p.uuid = {table}.participant_uuid)"
    )
    policies = {
        "participant": [
            f"clauses_read FOR SELECT USING ({visible})",
            f"clauses_insert FOR INSERT WITH CHECK ({visible})",
            f"clauses_update FOR UPDATE USING ({visible}) WITH CHECK ({visible})",
            f"clauses_delete FOR DELETE USING ({visible})",
        ]
    }
    for table in PERSONAL_TABLES[1:]:
        rule = through_participant.format(table=table)
        policies[table] = [f"clauses_portfolio FOR ALL USING ({rule}) WITH CHECK ({rule})"]
    kinds = ", ".join(f"'{kind}'" for kind in PERSON_ALERT_KINDS)
    mark = (
        f"kind NOT IN ({kinds}) "
        "OR EXISTS (SELECT 1 FROM participant p WHERE p.uuid = alert_mark.record_uuid)"
    )
    policies["alert_mark"] = [f"clauses_portfolio FOR ALL USING ({mark}) WITH CHECK ({mark})"]
    return policies


def _territory_function(roles: TeamRoles) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {TERRITORY_FUNCTION}()
RETURNS TABLE (participants bigint, women bigint, men bigint, qpv bigint, archived bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT count(*), count(*) FILTER (WHERE sex = 'F'), count(*) FILTER (WHERE sex = 'M'),
         count(*) FILTER (WHERE qpv), count(*) FILTER (WHERE archived)
  FROM participant
$$"""


def _transfer_function(roles: TeamRoles) -> str:
    """Hand a participant over: the new row is out of the caller's sight, which the policies
    refuse (an UPDATE's new row must stay readable), so the owner does it on behalf of a
    login role that may see the person. ``session_user``: the login role, unchanged inside
    a SECURITY DEFINER function."""
    visible = _visible_participant(roles, "pa", "session_user")
    return f"""
CREATE OR REPLACE FUNCTION {TRANSFER_FUNCTION}(person uuid, new_follower text)
RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE previous text;
BEGIN
  SELECT pa.follower INTO previous FROM participant pa WHERE pa.uuid = person AND ({visible});
  IF NOT FOUND THEN
    RAISE EXCEPTION 'participant %% not in the portfolio of %%', person, session_user
      USING ERRCODE = '42501';
  END IF;
  UPDATE participant SET follower = new_follower, version = version + 1, updated_at = now()
    WHERE uuid = person;
  RETURN previous;
END
$$"""


def init_team(database: Database) -> TeamInitReport:
    """Create (or bring up to date) the database's group roles, grants, row-level security
    policies and territory function, in one transaction. Needs a role that owns the tables
    (or a superuser) and may create roles."""
    _require_postgres(database)
    with database.engine.connect() as connection, connection.begin():
        roles = roles_of(connection)
        q = _quote
        created = []
        for name in (roles.owner, roles.facilitator, roles.coordinator):
            if not _role_exists(connection, name):
                connection.exec_driver_sql(f"CREATE ROLE {q(connection, name)} NOLOGIN")
                created.append(name)
        me = str(connection.execute(text("SELECT current_user")).scalar())
        owner, facilitator, coordinator = (
            q(connection, n) for n in (roles.owner, roles.facilitator, roles.coordinator)
        )
        if me != roles.owner:
            connection.exec_driver_sql(f"GRANT {owner} TO {q(connection, me)}")
        database_name = q(connection, roles.database)
        run = connection.exec_driver_sql
        run(f"GRANT CONNECT ON DATABASE {database_name} TO {owner}, {facilitator}, {coordinator}")
        run(f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}")
        run(f"GRANT USAGE ON SCHEMA public TO {facilitator}, {coordinator}")
        _close_public(connection, database_name)
        tables = inspect(connection).get_table_names()
        for table in tables:
            run(f"ALTER TABLE {q(connection, table)} OWNER TO {owner}")
        present = set(inspect(connection).get_view_names())
        views = [view for view in READ_ONLY_VIEWS if view in present]
        for view in views:
            run(f"ALTER VIEW {q(connection, view)} OWNER TO {owner}")
        run(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
            f"TO {facilitator}, {coordinator}"
        )
        for view in views:  # read with the owner's rights: a write would pass the policies
            run(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {q(connection, view)} "
                f"FROM {facilitator}, {coordinator}")  # fmt: skip
            # The view's own filter first: a reader's condition never sees the other rows.
            run(f"ALTER VIEW {q(connection, view)} SET (security_barrier = true)")
        # The schema's version and who is in charge of what: read by all, changed by the
        # owner (migrations) and the coordinators (assignments) only.
        run(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {facilitator}, {coordinator}")
        run(f"REVOKE INSERT, UPDATE, DELETE ON authority_facilitator FROM {facilitator}")
        protected = []
        for table, policies in _policies(roles).items():
            if table not in tables:
                continue
            run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            for policy in policies:
                run(f"DROP POLICY IF EXISTS {policy.split()[0]} ON {table}")
                name, body = policy.split(" ", 1)
                run(f"CREATE POLICY {name} ON {table} {body}")
            protected.append(table)
        if "record_history" in tables:  # migration 0009: read-only, by person (history.py)
            _secure_history(connection, roles)
            protected.append("record_history")
        # New participants are followed by whoever creates them, even outside the application.
        run("ALTER TABLE participant ALTER COLUMN follower SET DEFAULT CURRENT_USER")
        run(_territory_function(roles))
        run(_transfer_function(roles))
        for function in (f"{TERRITORY_FUNCTION}()", f"{TRANSFER_FUNCTION}(uuid, text)"):
            run(f"ALTER FUNCTION {function} OWNER TO {owner}")
            run(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
            run(f"GRANT EXECUTE ON FUNCTION {function} TO {facilitator}, {coordinator}")
    return TeamInitReport(roles, tuple(created), tuple(protected))


def _close_public(connection: Connection, database_name: str) -> None:
    """Only the team connects (another territory's login roles on the same server do not),
    and no member creates functions or operators: in schema ``public`` (PUBLIC may, before
    PostgreSQL 15) one that a SECURITY DEFINER function or a colleague's session would pick
    instead of PostgreSQL's; temporary ones to put in a leaky condition."""
    run = connection.exec_driver_sql
    run(f"REVOKE CONNECT, TEMPORARY ON DATABASE {database_name} FROM PUBLIC")
    run("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    left = connection.execute(
        text(
            "SELECT count(*) FROM pg_namespace n, aclexplode(n.nspacl) a "
            "WHERE n.nspname = 'public' AND a.grantee = 0 AND a.privilege_type = 'CREATE'"
        )
    ).scalar()
    if left:  # granted by a superuser (PostgreSQL 13 and 14): only one may take it back
        raise TeamError(
            "Tout rôle du serveur peut créer des objets dans le schéma « public » de cette "
            "base : demandez à un superutilisateur de lancer « REVOKE CREATE ON SCHEMA "
            "public FROM PUBLIC; » dans la base, puis relancez « clauses team init »."
        )


def _secure_history(connection: Connection, roles: TeamRoles) -> None:
    from clauses_app.services import history
    from clauses_app.services.privacy import PSEUDONYM_LAST_NAME

    run = connection.exec_driver_sql
    owner, facilitator, coordinator = (
        _quote(connection, n) for n in (roles.owner, roles.facilitator, roles.coordinator)
    )
    run(f"REVOKE INSERT, UPDATE, DELETE ON record_history FROM {facilitator}, {coordinator}")
    for statement in history.team_statements(roles.coordinator, PSEUDONYM_LAST_NAME):
        run(statement)
    for function in ("clauses_record_history()", f"{history.ERASE_FUNCTION}(uuid[])"):
        run(f"ALTER FUNCTION {function} OWNER TO {owner}")
    erase = f"{history.ERASE_FUNCTION}(uuid[])"
    run(f"REVOKE ALL ON FUNCTION {erase} FROM PUBLIC")
    run(f"GRANT EXECUTE ON FUNCTION {erase} TO {facilitator}, {coordinator}")


def check_role_name(name: str) -> str:
    if not _ROLE_NAME.match(name):
        raise TeamError(
            f"Nom d'utilisateur invalide : « {name} ». Utilisez de 2 à 63 lettres minuscules "
            "sans accent, chiffres ou « _ », en commençant par une lettre."
        )
    return name


def add_user(database: Database, name: str, role: str, password: str) -> bool:
    """Create the login role ``name`` in the team (``role``: facilitateur or coordinateur),
    or change an existing one's password and group. True when the role was created.

    The password is hashed by the client (SCRAM-SHA-256, libpq's own function): the server
    and its logs never see it in clear."""
    _require_postgres(database)
    check_role_name(name)
    if role not in TEAM_ROLES:
        raise TeamError(f"Rôle inconnu : « {role} » (facilitateur ou coordinateur).")
    if not password or "\n" in password:
        raise TeamError("Le mot de passe est vide : rien n'a été créé.")
    with database.engine.connect() as connection, connection.begin():
        roles = roles_of(connection)
        if not _role_exists(connection, roles.group(role)):
            raise TeamError(
                "Les rôles d'équipe de cette base n'existent pas encore : lancez d'abord "
                "« clauses team init »."
            )
        raw = connection.connection.driver_connection
        hashed = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
            password.encode(), name.encode(), b"scram-sha-256"
        ).decode()
        exists = _role_exists(connection, name)
        verb = "ALTER" if exists else "CREATE"
        quoted = _quote(connection, name)
        connection.exec_driver_sql(
            f"{verb} ROLE {quoted} WITH LOGIN PASSWORD {_literal(connection, hashed)}"
        )
        other = roles.group(COORDINATOR if role == FACILITATOR else FACILITATOR)
        if exists:
            connection.exec_driver_sql(f"REVOKE {_quote(connection, other)} FROM {quoted}")
        connection.exec_driver_sql(f"GRANT {_quote(connection, roles.group(role))} TO {quoted}")
    return not exists


def team_members(session: Session) -> dict[str, str]:
    """Login roles of the team: name → facilitateur or coordinateur (PostgreSQL only)."""
    connection = session.connection()
    roles = roles_of(connection)
    rows = connection.execute(
        text(
            "SELECT m.rolname, g.rolname FROM pg_auth_members am "
            "JOIN pg_roles m ON m.oid = am.member JOIN pg_roles g ON g.oid = am.roleid "
            "WHERE g.rolname IN (:f, :c) AND m.rolcanlogin"
        ),
        {"f": roles.facilitator, "c": roles.coordinator},
    )
    return {
        member: COORDINATOR if group == roles.coordinator else FACILITATOR for member, group in rows
    }


def _check_member(session: Session, name: str) -> None:
    """On PostgreSQL a team's login role; on SQLite any user name (no roles there)."""
    if session.get_bind().dialect.name != "postgresql":
        if not name.strip() or len(name) > 63:
            raise TeamError(f"Nom d'utilisateur invalide : « {name} ».")
        return
    check_role_name(name)
    if name not in team_members(session):
        raise TeamError(
            f"« {name} » n'est pas un utilisateur de l'équipe de cette base (voir "
            "« clauses team add-user »)."
        )


def assign(session: Session, name: str, authority_uuid: uuid.UUID, undo: bool = False) -> bool:
    """Put ``name`` in charge of an authority (or no longer, with ``undo``). True when
    something changed."""
    if session.get(ContractingAuthority, authority_uuid) is None:
        raise TeamError(f"Aucun donneur d'ordre n'a l'identifiant {authority_uuid}.")
    key = (AuthorityFacilitator.authority_uuid == authority_uuid) & (
        AuthorityFacilitator.facilitator == name
    )
    if undo:
        return bool(session.execute(delete(AuthorityFacilitator).where(key)).rowcount)  # type: ignore[attr-defined]
    _check_member(session, name)
    if session.scalar(select(AuthorityFacilitator.facilitator).where(key)) is not None:
        return False
    session.add(AuthorityFacilitator(authority_uuid=authority_uuid, facilitator=name))
    session.flush()
    return True


def transfer_follower(session: Session, participant_uuid: uuid.UUID, name: str) -> str | None:
    """Hand a participant over to another facilitator; returns the previous follower.

    Only a participant the connected role may see can be handed over (on PostgreSQL the
    policies say which): another portfolio's person is « introuvable »."""
    current = session.execute(
        select(Participant.follower).where(Participant.uuid == participant_uuid)
    ).first()
    if current is None:
        raise TeamError(
            f"Aucun participant {participant_uuid} dans votre portefeuille (introuvable, ou "
            "suivi par un autre facilitateur)."
        )
    _check_member(session, name)
    if function_exists(session, f"{TRANSFER_FUNCTION}(uuid,text)"):
        session.execute(
            text(f"SELECT {TRANSFER_FUNCTION}(:p, :n)"), {"p": participant_uuid, "n": name}
        )
        session.expire_all()
    else:
        session.execute(
            update(Participant)
            .where(Participant.uuid == participant_uuid)
            .values(follower=name, version=Participant.version + 1)
        )
    return current[0]


def function_exists(session: Session, signature: str) -> bool:
    """Whether ``clauses team init`` made this function (PostgreSQL only)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    found = session.execute(text("SELECT to_regprocedure(:f) IS NOT NULL"), {"f": signature})
    return bool(found.scalar())
