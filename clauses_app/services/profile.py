"""Who signs the documents: the organisation (kept in the database) and the facilitator's own
contact (kept in the user's config folder, not in the database).

Several facilitators of one territory may share a database: the structure's name and address
are the database's, but the name, e-mail and phone printed on a clause or a balance report
are those of the person using the application. They live in a small JSON file of the user's
config folder (:func:`profile_path`), read by the core, so that two facilitators sharing a
database never overwrite each other's contact. :func:`signed_organisation` puts the user's
contact over the database's organisation; clause wording, balance reports and Clause exports
call it. A database written before the profile existed may carry a facilitator's contact in
its organisation setting: it is used while the user has no profile of their own.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from clauses_app import paths
from clauses_app.services.settings import Organisation, load_settings, save_settings

log = logging.getLogger(__name__)

PROFILE_FILENAME = "facilitateur.json"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_LENGTH = 200


class ProfileError(Exception):
    """A profile or an organisation that cannot be saved; one French sentence."""


@dataclass(frozen=True)
class FacilitatorProfile:
    """The facilitator's own contact, printed on the documents they write."""

    name: str = ""
    email: str = ""
    phone: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)

    def problems(self) -> list[str]:
        """What prevents saving, in French (empty when it can be saved)."""
        found = []
        if self.email and not EMAIL.match(self.email):
            found.append("Le courriel du facilitateur n'est pas une adresse valide.")
        if any(len(value) > MAX_LENGTH for value in (self.name, self.email, self.phone)):
            found.append(
                f"Le nom, le courriel et le téléphone tiennent en {MAX_LENGTH} caractères."
            )
        return found


def profile_path() -> Path:
    """The user's profile file (config folder, or CLAUSES_HOME/config)."""
    return paths.config_dir() / PROFILE_FILENAME


def load_profile(path: Path | None = None) -> FacilitatorProfile:
    """The user's contact; empty when there is no profile yet or it cannot be read (logged)."""
    path = path or profile_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return FacilitatorProfile()
    except (OSError, ValueError) as exc:
        log.warning("Facilitator profile %s ignored: %s", path, exc)
        return FacilitatorProfile()
    if not isinstance(data, dict):
        return FacilitatorProfile()
    return FacilitatorProfile(
        **{key: str(data.get(key) or "").strip() for key in ("name", "email", "phone")}
    )


def save_profile(profile: FacilitatorProfile, path: Path | None = None) -> Path:
    """Write the user's contact whole or not at all (temporary file, then renamed), readable
    by the user only. Raises :class:`ProfileError` (French) when it is invalid or cannot be
    written."""
    problems = profile.problems()
    if problems:
        raise ProfileError(" ".join(problems))
    path = path or profile_path()
    text = json.dumps(asdict(profile), ensure_ascii=False, indent=2) + "\n"
    try:
        handle, temp_name = tempfile.mkstemp(prefix=".facilitateur-", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ProfileError(
            f"Impossible d'enregistrer vos coordonnées dans « {path} » : {exc.strerror or exc}."
        ) from exc
    return path


def signed_organisation(
    organisation: Organisation, profile: FacilitatorProfile | None = None
) -> Organisation:
    """The organisation as a document prints it: the user's own contact (``profile``, by
    default the user's profile file) over the facilitator fields stored in the database."""
    profile = load_profile() if profile is None else profile
    if profile.is_empty:
        return organisation
    return replace(
        organisation,
        facilitator_name=profile.name,
        facilitator_email=profile.email,
        facilitator_phone=profile.phone,
    )


def save_organisation_identity(session: Session, name: str, address: str) -> Organisation:
    """Store the structure's name and address in the database's settings (the caller's
    transaction commits); the other settings are kept. Raises :class:`ProfileError`."""
    name, address = name.strip(), address.strip()
    if not name:
        raise ProfileError("Le nom de la structure est obligatoire.")
    if len(name) > MAX_LENGTH:
        raise ProfileError(f"Le nom de la structure tient en {MAX_LENGTH} caractères.")
    settings = load_settings(session)
    organisation = replace(settings.organisation, name=name, address=address)
    save_settings(session, replace(settings, organisation=organisation))
    return organisation
