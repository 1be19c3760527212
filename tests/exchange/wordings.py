"""Real-world wordings of the tracker's coded columns, with the code each must give.

Gathered from facilitators' trackers and the ways employers write back: abbreviations,
accents or none, capitals, parentheses, the old and new names of things. Each (text, code);
``None`` means "not understood: the user picks the code".
"""

from __future__ import annotations

CONTRACT_TYPES: list[tuple[str, str | None]] = [
    ("CDI", "CDI"), ("cdi", "CDI"), ("C.D.I.", "CDI"), ("CDI temps plein", "CDI"),
    ("Contrat à durée indéterminée", "CDI"), ("contrat a duree indeterminee", "CDI"),
    ("CDD", "CDD"), ("C.D.D", "CDD"), ("CDD 6 mois", "CDD"), ("CDD temps partiel", "CDD"),
    ("Contrat à durée déterminée", "CDD"), ("CDD Tremplin", "CDD"),
    ("CDD de chantier", "CDD_CHANTIER"), ("CDD chantier", "CDD_CHANTIER"),
    ("Contrat de chantier", "CDD_CHANTIER"), ("CDI de chantier", "CDD_CHANTIER"),
    ("CDI d'opération", "CDD_CHANTIER"),
    ("CDDI", "CDDI"), ("CDD Insertion (CDDI)", "CDDI"), ("CDD d'insertion", "CDDI"),
    ("cdd insertion", "CDDI"), ("Contrat à durée déterminée d'insertion", "CDDI"),
    ("CDDI ACI", "CDDI"), ("Contrat d'insertion", "CDDI"), ("CDDI EI", "CDDI"),
    ("Intérim", "INTERIM"), ("interim", "INTERIM"), ("INTERIM", "INTERIM"),
    ("Mission d'intérim", "INTERIM"), ("Travail temporaire", "INTERIM"), ("CTT", "INTERIM"),
    ("Mission ETT", "INTERIM"), ("Contrat de mission", "INTERIM"),
    ("Mission ETTI", "MISSION_ETTI"), ("ETTI", "MISSION_ETTI"), ("CTTI", "MISSION_ETTI"),
    ("contrat de travail temporaire d'insertion", "MISSION_ETTI"),
    ("Contrat de Travail Temporaire d'Insertion (CTTI)", "MISSION_ETTI"),
    ("Intérim d'insertion", "MISSION_ETTI"), ("MAD ETTI", "MISSION_ETTI"),
    ("Mission AI", "MISSION_AI"), ("MAD AI", "MISSION_AI"), ("AI", "MISSION_AI"),
    ("Association intermédiaire", "MISSION_AI"), ("Mise à disposition AI", "MISSION_AI"),
    ("GEIQ", "GEIQ"), ("Contrat GEIQ", "GEIQ"), ("Salarié GEIQ", "GEIQ"),
    ("Groupement d'employeurs (GEIQ)", "GEIQ"),
    ("Apprentissage", "APPRENTISSAGE"), ("Contrat d'apprentissage", "APPRENTISSAGE"),
    ("apprenti", "APPRENTISSAGE"), ("alternance", "APPRENTISSAGE"),
    ("Alternance - apprentissage", "APPRENTISSAGE"),
    ("Contrat de professionnalisation", "PROFESSIONNALISATION"),
    ("contrat pro", "PROFESSIONNALISATION"), ("Contrat Pro", "PROFESSIONNALISATION"),
    ("Professionnalisation", "PROFESSIONNALISATION"),
    ("Alternance (contrat de professionnalisation)", "PROFESSIONNALISATION"),
    ("Prestation SIAE", "PRESTATION_SIAE"), ("sous-traitance EI", "PRESTATION_SIAE"),
    ("Sous traitance", "PRESTATION_SIAE"), ("Sous-traitance ACI", "PRESTATION_SIAE"),
    ("Co-traitance EA", "PRESTATION_SIAE"), ("Prestation de service ESAT", "PRESTATION_SIAE"),
    ("PEC", None), ("Contrat aidé", None), ("Stage", None),
]  # fmt: skip

CRITERIA: list[tuple[str, list[str]]] = [
    ("DELD", ["DELD"]), ("deld", ["DELD"]), ("D.E.L.D.", ["DELD"]),
    ("Demandeur d'emploi de longue durée", ["DELD"]),
    ("demandeur d'emploi longue duree", ["DELD"]), ("Chômeur longue durée", ["DELD"]),
    ("DE +12 mois", ["DELD"]), ("DE > 24 mois", ["DELD"]), ("DETLD", ["DELD"]),
    ("Inscrit à France Travail depuis 12 mois", ["DELD"]),
    ("Inscrit Pôle emploi +12 mois", ["DELD"]),
    ("RSA", ["BRSA"]), ("BRSA", ["BRSA"]), ("bRSA", ["BRSA"]), ("Bénéficiaire du RSA", ["BRSA"]),
    ("Allocataire RSA", ["BRSA"]), ("Revenu de solidarité active", ["BRSA"]),
    ("RSA socle", ["BRSA"]),
    ("ASS", ["ASS"]), ("Allocation de solidarité spécifique", ["ASS"]),
    ("Bénéficiaire ASS", ["ASS"]),
    ("AAH", ["AAH"]), ("Allocation aux adultes handicapés", ["AAH"]),
    ("RQTH", ["RQTH"]), ("TH", ["RQTH"]), ("Travailleur handicapé", ["RQTH"]),
    ("BOETH", ["RQTH"]), ("Personne en situation de handicap", ["RQTH"]),
    ("Reconnaissance MDPH", ["RQTH"]),
    ("Jeune -26 ans", ["JEUNE"]), ("Jeune de moins de 26 ans peu qualifié", ["JEUNE"]),
    ("-26 ans", ["JEUNE"]), ("Moins de 26 ans", ["JEUNE"]), ("Jeunes", ["JEUNE"]),
    ("Jeune suivi Mission Locale", ["JEUNE"]), ("CEJ", ["JEUNE"]), ("NEET", ["JEUNE"]),
    ("Senior", ["SENIOR"]), ("+50 ans", ["SENIOR"]), ("Plus de 50 ans", ["SENIOR"]),
    ("50 ans et plus", ["SENIOR"]), ("Demandeur d'emploi de plus de 50 ans", ["SENIOR"]),
    ("QPV", ["QPV"]), ("Résident QPV", ["QPV"]), ("Quartier prioritaire", ["QPV"]),
    ("Habitant quartier politique de la ville", ["QPV"]), ("ZUS", ["QPV"]),
    ("SIAE", ["SIAE"]), ("Salarié SIAE", ["SIAE"]), ("Salarié en insertion", ["SIAE"]),
    ("Pass IAE", ["SIAE"]), ("Agrément IAE", ["SIAE"]),
    ("PLIE", ["PLIE"]), ("Participant PLIE", ["PLIE"]), ("Parcours PLIE", ["PLIE"]),
    ("Avis SPE", ["AVIS_SPE"]), ("Avis motivé du service public de l'emploi", ["AVIS_SPE"]),
    ("Prescription", ["AVIS_SPE"]),
    ("DELD, RSA", ["BRSA", "DELD"]), ("RSA / QPV", ["BRSA", "QPV"]), ("RSA+QPV", ["BRSA", "QPV"]),
    ("DELD + 50 ans", ["DELD", "SENIOR"]), ("RQTH et QPV", ["QPV", "RQTH"]),
    ("Jeune -26 ans; QPV", ["JEUNE", "QPV"]),
]  # fmt: skip
UNKNOWN_CRITERIA = ["Réfugié", "Minima sociaux", "Sortant de prison"]

MODALITIES: list[tuple[str, str | None]] = [
    ("Embauche", "EMBAUCHE"), ("Embauche directe", "EMBAUCHE"), ("embauche", "EMBAUCHE"),
    ("Recrutement direct", "EMBAUCHE"), ("Salarié de l'entreprise", "EMBAUCHE"),
    ("Mise à disposition", "MAD"), ("MAD", "MAD"), ("mad", "MAD"), ("Intérim", "MAD"),
    ("MAD ETTI", "MAD"), ("MAD par une AI", "MAD"), ("GEIQ", "MAD"),
    ("Sous-traitance", "SOUS_TRAITANCE"), ("Sous traitance SIAE", "SOUS_TRAITANCE"),
    ("ST", "SOUS_TRAITANCE"), ("Prestation", "SOUS_TRAITANCE"),
    ("Co-traitance", "CO_TRAITANCE"), ("Cotraitance", "CO_TRAITANCE"),
    ("Groupement momentané", "CO_TRAITANCE"),
    ("Autre", None),
]  # fmt: skip

QUALIFICATIONS: list[tuple[str, str | None]] = [
    ("Sans diplôme", "INFRA3"), ("Infra 3", "INFRA3"), ("infra niveau 3", "INFRA3"),
    ("Niveau VI", "INFRA3"), ("Niveau V bis", "INFRA3"), ("Brevet des collèges", "INFRA3"),
    ("Aucun diplôme", "INFRA3"), ("CFG", "INFRA3"),
    ("CAP", "3"), ("BEP", "3"), ("CAP maçon", "3"), ("Niveau 3", "3"), ("Niveau V", "3"),
    ("3", "3"), ("Titre professionnel", "3"),
    ("Bac", "4"), ("BAC PRO", "4"), ("Baccalauréat", "4"), ("Niveau 4", "4"),
    ("Niveau IV", "4"), ("BP", "4"), ("4", "4"),
    ("Bac+2", "5"), ("BAC + 2", "5"), ("BTS", "5"), ("DUT", "5"), ("Niveau III", "5"),
    ("Niveau 5", "5"),
    ("Bac+3", "6+"), ("Licence", "6+"), ("Master", "6+"), ("Niveau 6", "6+"), ("6+", "6+"),
    ("Niveau II", "6+"), ("Ingénieur", "6+"),
    ("Non renseigné", None),
]  # fmt: skip

SEXES: list[tuple[str, str | None]] = [
    ("H", "M"), ("M", "M"), ("Homme", "M"), ("homme", "M"), ("Masculin", "M"), ("M.", "M"),
    ("Monsieur", "M"), ("1", "M"),
    ("F", "F"), ("Femme", "F"), ("FEMME", "F"), ("Féminin", "F"), ("Mme", "F"),
    ("Madame", "F"), ("Mlle", "F"), ("2", "F"),
    ("X", None),
]  # fmt: skip

TRADES: list[tuple[str, str | None]] = [
    ("Peinture", "PEINTURE"), ("Peinture – Revêtements muraux", "PEINTURE"),
    ("Ravalement de façades", "PEINTURE"),
    ("Maçonnerie", "MACONNERIE"), ("Gros œuvre", "MACONNERIE"), ("Gros oeuvre", "MACONNERIE"),
    ("Démolition", "MACONNERIE"),
    ("Charpente métallique", "CHARPENTE_METALLIQUE"), ("Serrurerie", "CHARPENTE_METALLIQUE"),
    ("Métallerie", "CHARPENTE_METALLIQUE"),
    ("Espaces verts", "ESPACES_VERTS"), ("Aménagement paysager", "ESPACES_VERTS"),
    ("Élagage", "ESPACES_VERTS"),
    ("Nettoyage", "NETTOYAGE"), ("Propreté urbaine", "NETTOYAGE"),
    ("Entretien des locaux", "NETTOYAGE"),
    ("VRD", "VRD"), ("Voirie et réseaux divers", "VRD"), ("Terrassement", "VRD"),
    ("Assainissement", "VRD"),
    ("Bâtiment", "BATIMENT"), ("TCE", "BATIMENT"), ("Tous corps d'état", "BATIMENT"),
    ("Menuiserie", "BATIMENT"), ("Plâtrerie – cloisons", "BATIMENT"),
    ("Plomberie chauffage", "BATIMENT"), ("Électricité", "BATIMENT"),
    ("Restauration scolaire", None),
]  # fmt: skip

COMPANY_KINDS: list[tuple[str, str | None]] = [
    ("Entreprise classique", "CLASSIQUE"), ("Classique", "CLASSIQUE"), ("SARL", "CLASSIQUE"),
    ("SAS", "CLASSIQUE"), ("Entreprise de droit commun", "CLASSIQUE"), ("PME", "CLASSIQUE"),
    ("ETTI", "ETTI"), ("Entreprise de travail temporaire d'insertion", "ETTI"),
    ("EI", "EI"), ("Entreprise d'insertion", "EI"),
    ("ACI", "ACI"), ("Atelier chantier d'insertion", "ACI"), ("Chantier d'insertion", "ACI"),
    ("Ateliers et chantiers d'insertion (ACI)", "ACI"),
    ("AI", "AI"), ("Association intermédiaire", "AI"),
    ("GEIQ", "GEIQ"), ("EA", "EA"), ("Entreprise adaptée", "EA"), ("ESAT", "ESAT"),
    ("Régie de quartier", "REGIE"), ("Régie", "REGIE"),
    ("ETT", "ETT"), ("Agence d'intérim", "ETT"), ("Entreprise de travail temporaire", "ETT"),
    ("Association", None),
]  # fmt: skip

OUTCOMES: list[tuple[str, str | None]] = [
    ("CDI", "CDI"), ("Embauche en CDI", "CDI"), ("Contrat à durée indéterminée", "CDI"),
    ("CDD > 6 mois", "CDD_PLUS_6"), ("CDD de plus de 6 mois", "CDD_PLUS_6"),
    ("CDD 12 mois", "CDD_PLUS_6"), ("CDD +6 mois", "CDD_PLUS_6"),
    ("CDD < 6 mois", "CDD_MOINS_6"), ("CDD de moins de 6 mois", "CDD_MOINS_6"),
    ("CDD 3 mois", "CDD_MOINS_6"),
    ("Intérim", "INTERIM"), ("Missions d'intérim", "INTERIM"),
    ("Contrat aidé", "CONTRAT_AIDE"), ("PEC", "CONTRAT_AIDE"), ("CDDI", "CONTRAT_AIDE"),
    ("Poursuite en SIAE", "CONTRAT_AIDE"),
    ("Formation qualifiante", "FORMATION"), ("Entrée en formation", "FORMATION"),
    ("Apprentissage", "FORMATION"),
    ("Création d'entreprise", "CREATION"), ("Auto-entrepreneur", "CREATION"),
    ("En recherche d'emploi", "RECHERCHE"), ("Demandeur d'emploi", "RECHERCHE"),
    ("Chômage", "RECHERCHE"),
    ("Autre", "AUTRE"), ("Abandon", "AUTRE"), ("Déménagement", "AUTRE"),
    ("Retraite", "AUTRE"),
    ("?", None),
]  # fmt: skip

# The 2026 rule's columns (services/compliance.py).
NATURES: list[tuple[str, str | None]] = [
    ("Travaux", "WORKS"), ("travaux", "WORKS"), ("TX", "WORKS"), ("T", "WORKS"),
    ("Marché de travaux", "WORKS"), ("Travaux (BTP)", "WORKS"), ("Bâtiment", "WORKS"),
    ("Génie civil", "WORKS"),
    ("Fournitures", "SUPPLIES"), ("Fourniture", "SUPPLIES"), ("F", "SUPPLIES"),
    ("FCS", "SUPPLIES"), ("Fournitures courantes et services", "SUPPLIES"),
    ("Achat de matériel", "SUPPLIES"),
    ("Services", "SERVICES"), ("Service", "SERVICES"), ("S", "SERVICES"),
    ("Prestations de services", "SERVICES"), ("Prestations intellectuelles", "SERVICES"),
    ("PI", "SERVICES"),
    ("Concession de travaux", "WORKS_CONCESSION"), ("Travaux en concession", "WORKS_CONCESSION"),
    ("Concession de services", "SERVICES_CONCESSION"), ("DSP", "SERVICES_CONCESSION"),
    ("Délégation de service public", "SERVICES_CONCESSION"), ("Concession", "SERVICES_CONCESSION"),
    ("Défense ou sécurité", "DEFENCE"), ("Défense", "DEFENCE"), ("Sécurité", "DEFENCE"),
    ("Marché de défense et de sécurité", "DEFENCE"),
    ("Accord-cadre", None), ("Mixte", None),
]  # fmt: skip
CONSIDERATIONS: list[tuple[str, str | None]] = [
    ("Clause d'insertion", "INSERTION_CLAUSE"), ("clause insertion", "INSERTION_CLAUSE"),
    ("Clause sociale d'insertion", "INSERTION_CLAUSE"), ("Oui", "INSERTION_CLAUSE"),
    ("X", "INSERTION_CLAUSE"), ("Condition d'exécution", "INSERTION_CLAUSE"),
    ("Art. L2112-2", "INSERTION_CLAUSE"), ("Heures d'insertion", "INSERTION_CLAUSE"),
    ("Clause d'insertion (condition d'exécution)", "INSERTION_CLAUSE"),
    ("Marché réservé", "RESERVED"), ("Réservé SIAE", "RESERVED"), ("réservé EA/ESAT", "RESERVED"),
    ("L2113-13", "RESERVED"), ("Marché réservé (L2113-12 à L2113-15)", "RESERVED"),
    ("ESAT", "RESERVED"),
    ("Autre", "OTHER"), ("Critère social d'attribution", "OTHER"), ("L2152-7", "OTHER"),
    ("Critère d'insertion professionnelle", "OTHER"),
    ("Égalité femmes-hommes", "OTHER"), ("Emploi de personnes handicapées", "OTHER"),
    ("Autre considération sociale ou d'emploi", "OTHER"),
    ("Aucune", "NONE"), ("aucune", "NONE"), ("Non", "NONE"), ("Néant", "NONE"),
    ("Sans clause", "NONE"), ("Pas de clause sociale", "NONE"),
    ("Pas de clause d'insertion", "NONE"), ("0", "NONE"),
    ("À voir", None), ("?", None),
]  # fmt: skip
EXCEPTIONS: list[tuple[str, str | None]] = [
    ("Solution immédiatement disponible", "IMMEDIATE_SOLUTION"),
    ("Produit sur étagère", "IMMEDIATE_SOLUTION"),
    ("Immédiatement disponible", "IMMEDIATE_SOLUTION"),
    ("Pas de lien avec l'objet du marché", "NO_LINK"), ("Absence de lien", "NO_LINK"),
    ("Sans rapport avec l'objet", "NO_LINK"),
    ("Restriction de la concurrence", "COMPETITION"), ("Concurrence", "COMPETITION"),
    ("Difficulté technique", "COMPETITION"), ("Difficultés économiques d'exécution", "COMPETITION"),
    ("Autre", "OTHER"), ("Autre exception", "OTHER"),
    ("Urgence", None), ("Marché négocié", None),
]  # fmt: skip
# « Aucune », « Non »: no exception at all (not a code to pick).
NO_EXCEPTION = ["Aucune", "Non", "Néant", "Sans objet", "-", "Pas d'exception"]
BUYER_TYPES: list[tuple[str, str | None]] = [
    ("État", "STATE"), ("Etat", "STATE"), ("Ministère", "STATE"), ("Préfecture", "STATE"),
    ("Services déconcentrés de l'État", "STATE"), ("Autorité publique centrale", "STATE"),
    ("Collectivité territoriale", "LOCAL"), ("Collectivité", "LOCAL"), ("Commune", "LOCAL"),
    ("Ville", "LOCAL"), ("Département", "LOCAL"), ("Région", "LOCAL"), ("EPCI", "LOCAL"),
    ("Intercommunalité", "LOCAL"), ("Métropole", "LOCAL"), ("Bailleur social", "LOCAL"),
    ("Office public de l'habitat", "LOCAL"), ("Centre hospitalier", "LOCAL"), ("Hôpital", "LOCAL"),
    ("Autre acheteur", "LOCAL"), ("Association", None),
]  # fmt: skip
