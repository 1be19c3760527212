"""Finding a spreadsheet's person among the participants: by identifier, else by last name,
first name and birth date (accents, case, hyphens ignored), with the uncertain cases listed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.exchange.sheets.values import normalise
from clauses_app.models import Participant


@dataclass(frozen=True, slots=True)  # one per participant of the database and the file
class Person:
    uuid: uuid.UUID
    external_id: str | None
    last_name: str
    first_name: str
    birth_date: date | None

    @property
    def label(self) -> str:
        born = f", né(e) le {self.birth_date:%d/%m/%Y}" if self.birth_date else ""
        return f"{self.last_name.upper()} {self.first_name}{born}"


@dataclass(frozen=True)
class Match:
    person: Person
    uncertain: str | None = None  # why the match is not certain (French), None when it is


def _names(last: str, first: str) -> tuple[str, str]:
    return normalise(last), normalise(first)


class PeopleIndex:
    """Participants of the database (and those created by the import), searchable."""

    def __init__(self, session: Session) -> None:
        self._by_external: dict[str, Person] = {}
        # Tuples, not lists: most keys hold one person, and a large import adds one per row.
        self._by_names: dict[tuple[str, str], tuple[Person, ...]] = {}
        self._by_last_birth: dict[tuple[str, date], tuple[Person, ...]] = {}
        rows = session.execute(
            select(
                Participant.uuid,
                Participant.external_id,
                Participant.last_name,
                Participant.first_name,
                Participant.birth_date,
            )
        )
        for row in rows:
            self.add(Person(*row))

    def add(self, person: Person) -> None:
        if person.external_id:
            self._by_external[person.external_id.strip().upper()] = person
        last, first = _names(person.last_name, person.first_name)
        self._by_names[(last, first)] = (*self._by_names.get((last, first), ()), person)
        if person.birth_date:
            key = (last, person.birth_date)
            self._by_last_birth[key] = (*self._by_last_birth.get(key, ()), person)

    def match(
        self, external_id: str | None, last: str, first: str, birth: date | None
    ) -> Match | None:
        if external_id and external_id.strip().upper() in self._by_external:
            return Match(self._by_external[external_id.strip().upper()])
        key = _names(last, first)
        same_names = self._by_names.get(key, ())
        if birth is not None:
            exact = [p for p in same_names if p.birth_date == birth]
            if exact:
                reason = "homonymes de même date de naissance" if len(exact) > 1 else None
                return Match(exact[0], reason)
        undated = [p for p in same_names if birth is None or p.birth_date is None]
        if undated:
            return Match(undated[0], "même nom et prénom, date de naissance absente d'un côté")
        if birth is not None:
            return self._close_match(key, birth)
        return None

    def _close_match(self, key: tuple[str, str], birth: date) -> Match | None:
        last, first = key
        for person in self._by_last_birth.get((last, birth), ()):
            other = normalise(person.first_name)
            compact, other_compact = first.replace(" ", ""), other.replace(" ", "")
            if compact == other_compact or other.startswith(first) or first.startswith(other):
                return Match(person, "prénom proche, même nom et même date de naissance")
        for person in self._by_last_birth.get((first, birth), ()):
            if normalise(person.first_name) == last:
                return Match(person, "nom et prénom inversés, même date de naissance")
        return None
