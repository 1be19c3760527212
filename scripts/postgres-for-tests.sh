#!/usr/bin/env bash
# Sourced by ./test when run as root: start Debian's PostgreSQL and export
# CLAUSES_TEST_PG_URL so that the PostgreSQL tests run (they are skipped otherwise).
# Teams sharing one database use PostgreSQL: the same code must work there. The test role
# may create databases and roles (the team tests make facilitators and a coordinator).
start_test_postgres() {
  [ "$(id -u)" -eq 0 ] || return 0
  [ -n "${CLAUSES_TEST_PG_URL:-}" ] && return 0
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install_missing postgresql || return 0
  fi
  local version
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [ -n "$version" ] || return 0
  if ! pg_lsclusters -h 2>/dev/null | grep -q " main "; then
    pg_createcluster "$version" main >/dev/null 2>&1 || return 0
  fi
  pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do
    su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 0.5
  done
  su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='clauses_test'\"" \
    | grep -q 1 \
    || su postgres -c "psql -qc \"create role clauses_test login password 'clauses_test' createdb\"" \
    >/dev/null 2>&1 || return 0
  # The team tests (tests/team/) create group and login roles of their own, and drop them.
  su postgres -c "psql -qc 'alter role clauses_test createdb createrole'" >/dev/null 2>&1 || true
  # Dropping a team test's database WITH (FORCE) ends its users' sessions still open (a
  # thread's pooled connection): that needs pg_signal_backend for the users' roles.
  su postgres -c "psql -qc 'grant pg_signal_backend to clauses_test'" >/dev/null 2>&1 || true
  export CLAUSES_TEST_PG_URL="postgresql+psycopg://clauses_test:clauses_test@127.0.0.1/postgres"
  echo "PostgreSQL tests enabled ($version)"
}
