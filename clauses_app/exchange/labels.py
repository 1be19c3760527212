"""French names of the exchanged entities, for whatever a person reads: the import and export
summaries of the window and of the ``clauses`` command, and the progress messages."""

from __future__ import annotations

# In the order of the format (parents first).
ENTITY_LABELS: dict[str, str] = {
    "reference_item": "Listes de référence",
    "contracting_authority": "Donneurs d'ordre",
    "contact": "Contacts",
    "company": "Entreprises",
    "operation": "Opérations",
    "public_contract": "Marchés",
    "lot": "Lots",
    "award": "Attributions",
    "invoice": "Montants facturés",
    "participant": "Participants",
    "participant_criterion": "Critères d'éligibilité",
    "employment": "Contrats et missions",
    "hours_record": "Relevés d'heures",
}


def entity_label(name: str) -> str:
    """``employment`` → ``Contrats et missions`` (an unknown name is returned as it is)."""
    return ENTITY_LABELS.get(name, name)


def french_step(message: str) -> str:
    """A service's progress message with the entity's French name (``Import : employment``
    → ``Import : Contrats et missions``)."""
    head, separator, entity = message.rpartition(" : ")
    if separator and entity in ENTITY_LABELS:
        return f"{head} : {ENTITY_LABELS[entity]}"
    return message
