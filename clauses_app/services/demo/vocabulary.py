"""French words of the demo data: regions, towns, authorities, contracts, lots, jobs.

Real town names with their postal code, grouped by region, so that a facilitator's demo stays
in one region while the national one covers the country. Everything else (people, streets,
companies' family names) comes from Faker ``fr_FR`` pools (see ``identity.py``).
"""

from __future__ import annotations

# Region → (telephone area digit, departments "code:name with article", towns "Town postal").
REGIONS: dict[str, tuple[str, str, str]] = {
    "Auvergne-Rhône-Alpes": (
        "4",
        "01:l'Ain|03:l'Allier|07:l'Ardèche|15:le Cantal|26:la Drôme|38:l'Isère|42:la Loire|"
        "43:la Haute-Loire|63:le Puy-de-Dôme|69:le Rhône|73:la Savoie|74:la Haute-Savoie",
        "Lyon 69001|Villeurbanne 69100|Vénissieux 69200|Vaulx-en-Velin 69120|"
        "Saint-Étienne 42000|Grenoble 38000|Échirolles 38130|Clermont-Ferrand 63000|"
        "Annecy 74000|Chambéry 73000|Valence 26000|Bourg-en-Bresse 01000|Roanne 42300|"
        "Vienne 38200|Montélimar 26200|Aurillac 15000|Le Puy-en-Velay 43000|Moulins 03000|"
        "Vichy 03200|Annemasse 74100",
    ),
    "Bourgogne-Franche-Comté": (
        "3",
        "21:la Côte-d'Or|25:le Doubs|39:le Jura|58:la Nièvre|70:la Haute-Saône|"
        "71:la Saône-et-Loire|89:l'Yonne|90:le Territoire de Belfort",
        "Dijon 21000|Besançon 25000|Belfort 90000|Chalon-sur-Saône 71100|Auxerre 89000|"
        "Mâcon 71000|Nevers 58000|Montbéliard 25200|Dole 39100|Sens 89100|"
        "Lons-le-Saunier 39000|Vesoul 70000|Le Creusot 71200|Beaune 21200|Pontarlier 25300|"
        "Autun 71400|Héricourt 70400|Montceau-les-Mines 71300|Audincourt 25400|Lure 70200",
    ),
    "Bretagne": (
        "2",
        "22:les Côtes-d'Armor|29:le Finistère|35:l'Ille-et-Vilaine|56:le Morbihan",
        "Rennes 35000|Brest 29200|Quimper 29000|Lorient 56100|Vannes 56000|Saint-Malo 35400|"
        "Saint-Brieuc 22000|Lanester 56600|Fougères 35300|Concarneau 29900|Lannion 22300|"
        "Vitré 35500|Morlaix 29600|Pontivy 56300|Guingamp 22200|Dinan 22100|Redon 35600|"
        "Landerneau 29800|Bruz 35170|Ploemeur 56270",
    ),
    "Centre-Val de Loire": (
        "2",
        "18:le Cher|28:l'Eure-et-Loir|36:l'Indre|37:l'Indre-et-Loire|41:le Loir-et-Cher|"
        "45:le Loiret",
        "Tours 37000|Orléans 45000|Bourges 18000|Blois 41000|Chartres 28000|"
        "Châteauroux 36000|Joué-lès-Tours 37300|Dreux 28100|Vierzon 18100|Montargis 45200|"
        "Fleury-les-Aubrais 45400|Olivet 45160|Saint-Jean-de-Braye 45800|Vendôme 41100|"
        "Romorantin-Lanthenay 41200|Saint-Cyr-sur-Loire 37540|Issoudun 36100|Amboise 37400|"
        "Lucé 28110|Gien 45500",
    ),
    "Grand Est": (
        "3",
        "08:les Ardennes|10:l'Aube|51:la Marne|52:la Haute-Marne|54:la Meurthe-et-Moselle|"
        "55:la Meuse|57:la Moselle|67:le Bas-Rhin|68:le Haut-Rhin|88:les Vosges",
        "Strasbourg 67000|Reims 51100|Metz 57000|Mulhouse 68100|Nancy 54000|Colmar 68000|"
        "Troyes 10000|Charleville-Mézières 08000|Châlons-en-Champagne 51000|Épinal 88000|"
        "Thionville 57100|Haguenau 67500|Forbach 57600|Saint-Dizier 52100|Chaumont 52000|"
        "Bar-le-Duc 55000|Verdun 55100|Schiltigheim 67300|Vandœuvre-lès-Nancy 54500|"
        "Sarreguemines 57200",
    ),
    "Hauts-de-France": (
        "3",
        "02:l'Aisne|59:le Nord|60:l'Oise|62:le Pas-de-Calais|80:la Somme",
        "Lille 59000|Amiens 80000|Roubaix 59100|Tourcoing 59200|Dunkerque 59140|Calais 62100|"
        "Villeneuve-d'Ascq 59650|Saint-Quentin 02100|Beauvais 60000|Arras 62000|"
        "Boulogne-sur-Mer 62200|Lens 62300|Douai 59500|Valenciennes 59300|Compiègne 60200|"
        "Creil 60100|Maubeuge 59600|Cambrai 59400|Laon 02000|Béthune 62400",
    ),
    "Île-de-France": (
        "1",
        "75:Paris|77:la Seine-et-Marne|78:les Yvelines|91:l'Essonne|92:les Hauts-de-Seine|"
        "93:la Seine-Saint-Denis|94:le Val-de-Marne|95:le Val-d'Oise",
        "Paris 75004|Boulogne-Billancourt 92100|Saint-Denis 93200|Argenteuil 95100|"
        "Montreuil 93100|Nanterre 92000|Créteil 94000|Vitry-sur-Seine 94400|"
        "Aubervilliers 93300|Versailles 78000|Aulnay-sous-Bois 93600|Colombes 92700|"
        "Champigny-sur-Marne 94500|Évry-Courcouronnes 91000|Cergy 95000|Meaux 77100|"
        "Sarcelles 95200|Mantes-la-Jolie 78200|Melun 77000|Bobigny 93000",
    ),
    "Normandie": (
        "2",
        "14:le Calvados|27:l'Eure|50:la Manche|61:l'Orne|76:la Seine-Maritime",
        "Le Havre 76600|Rouen 76000|Caen 14000|Cherbourg-en-Cotentin 50100|Évreux 27000|"
        "Dieppe 76200|Saint-Étienne-du-Rouvray 76800|Alençon 61000|Lisieux 14100|"
        "Saint-Lô 50000|Vernon 27200|Hérouville-Saint-Clair 14200|Sotteville-lès-Rouen 76300|"
        "Le Grand-Quevilly 76120|Fécamp 76400|Elbeuf 76500|Louviers 27400|Argentan 61200|"
        "Bayeux 14400|Flers 61100",
    ),
    "Nouvelle-Aquitaine": (
        "5",
        "16:la Charente|17:la Charente-Maritime|19:la Corrèze|23:la Creuse|24:la Dordogne|"
        "33:la Gironde|40:les Landes|47:le Lot-et-Garonne|64:les Pyrénées-Atlantiques|"
        "79:les Deux-Sèvres|86:la Vienne|87:la Haute-Vienne",
        "Bordeaux 33000|Limoges 87000|Poitiers 86000|Pau 64000|La Rochelle 17000|"
        "Mérignac 33700|Pessac 33600|Bayonne 64100|Niort 79000|Angoulême 16000|"
        "Périgueux 24000|Brive-la-Gaillarde 19100|Agen 47000|Mont-de-Marsan 40000|"
        "Châtellerault 86100|Biarritz 64200|Bergerac 24100|Tulle 19000|Guéret 23000|"
        "Rochefort 17300",
    ),
    "Occitanie": (
        "5",
        "09:l'Ariège|11:l'Aude|12:l'Aveyron|30:le Gard|31:la Haute-Garonne|32:le Gers|"
        "34:l'Hérault|46:le Lot|48:la Lozère|65:les Hautes-Pyrénées|"
        "66:les Pyrénées-Orientales|81:le Tarn|82:le Tarn-et-Garonne",
        "Toulouse 31000|Montpellier 34000|Nîmes 30000|Perpignan 66000|Béziers 34500|"
        "Narbonne 11100|Carcassonne 11000|Albi 81000|Sète 34200|Montauban 82000|Tarbes 65000|"
        "Castres 81100|Alès 30100|Rodez 12000|Cahors 46000|Auch 32000|Foix 09000|Mende 48000|"
        "Colomiers 31770|Lunel 34400",
    ),
    "Pays de la Loire": (
        "2",
        "44:la Loire-Atlantique|49:le Maine-et-Loire|53:la Mayenne|72:la Sarthe|85:la Vendée",
        "Nantes 44000|Angers 49000|Le Mans 72000|Saint-Nazaire 44600|Cholet 49300|"
        "La Roche-sur-Yon 85000|Laval 53000|Saint-Herblain 44800|Rezé 44400|Saumur 49400|"
        "Les Sables-d'Olonne 85100|Saint-Sébastien-sur-Loire 44230|Orvault 44700|"
        "Challans 85300|Château-Gontier-sur-Mayenne 53200|La Flèche 72200|"
        "Sablé-sur-Sarthe 72300|Trélazé 49800|Mayenne 53100|Fontenay-le-Comte 85200",
    ),
    "Provence-Alpes-Côte d'Azur": (
        "4",
        "04:les Alpes-de-Haute-Provence|05:les Hautes-Alpes|06:les Alpes-Maritimes|"
        "13:les Bouches-du-Rhône|83:le Var|84:le Vaucluse",
        "Marseille 13001|Nice 06000|Toulon 83000|Aix-en-Provence 13100|Avignon 84000|"
        "Antibes 06600|Cannes 06400|La Seyne-sur-Mer 83500|Hyères 83400|Arles 13200|"
        "Martigues 13500|Fréjus 83600|Gap 05000|Digne-les-Bains 04000|Aubagne 13400|"
        "Salon-de-Provence 13300|Istres 13800|Grasse 06130|Carpentras 84200|Manosque 04100",
    ),
    "Corse": (
        "4",
        "2A:la Corse-du-Sud|2B:la Haute-Corse",
        "Ajaccio 20000|Bastia 20200|Porto-Vecchio 20137|Corte 20250|Calvi 20260|"
        "Propriano 20110|Biguglia 20620|Borgo 20290|Sartène 20100|L'Île-Rousse 20220",
    ),
}

# Authorities named after a town: (kind, name template). "{de}" is "de Lyon", "du Havre"...
TOWN_AUTHORITIES: list[tuple[str, str, int]] = [
    ("Commune", "Ville {de}", 6),
    ("EPCI", "Communauté d'agglomération {de}", 3),  # the region's bigger towns only
    ("EPCI", "Communauté de communes {de}", 2),  # the smaller ones only
    ("Bailleur social", "{town} Habitat", 3),
    ("Bailleur social", "Office public de l'habitat {de}", 2),
    ("Établissement public de santé", "Centre hospitalier {de}", 1),
    ("Établissement public", "Centre communal d'action sociale {de}", 1),
    ("EPCI", "Syndicat intercommunal des eaux {de}", 1),
    ("Établissement public", "Syndicat mixte de traitement des déchets {de}", 1),
    ("Société publique locale", "SPL {town} Aménagement", 1),
    ("Société d'économie mixte", "SEM {town} Développement", 1),
    ("Établissement public local d'enseignement", "Lycée professionnel {de}", 1),
    ("Établissement public", "Régie des transports {de}", 1),
]
DEPARTMENT_AUTHORITIES: list[tuple[str, str, int]] = [
    ("Département", "Département {de}", 3),
    ("Service de l'État", "Direction départementale des territoires {de}", 1),
]
REGION_AUTHORITY = ("Région", "Région {region}", 2)

CONTACT_ROLES = [
    "Responsable de la commande publique",
    "Chargée d'opérations",
    "Chargé d'opérations",
    "Directeur des services techniques",
    "Directrice de l'aménagement",
    "Référent clause sociale",
]

PROCEDURES = [
    "Appel d'offres ouvert",
    "Procédure adaptée",
    "Procédure adaptée",
    "Procédure avec négociation",
    "Accord-cadre à bons de commande",
]

SCHOOLS = [
    "Jules Ferry", "Jean Jaurès", "Louis Pasteur", "Victor Hugo", "Jean Moulin", "Marie Curie",
    "Jacques Prévert", "Paul Langevin", "Simone Veil", "Lucie Aubrac", "Pablo Picasso",
    "Jean de La Fontaine", "Condorcet", "Paul Éluard", "Louise Michel", "Albert Camus",
]  # fmt: skip
RESIDENCES = [
    "Les Tilleuls", "Les Érables", "Les Peupliers", "Le Clos fleuri", "Les Glycines", "Le Parc",
    "Les Lilas", "Bellevue", "Les Acacias", "La Roseraie", "Le Hameau", "Les Marronniers",
]  # fmt: skip
NEIGHBOURHOODS = [
    "quartier Nord", "quartier des Provinces", "quartier du Val", "quartier Bellevue",
    "quartier des Pyramides", "quartier du Mail", "quartier Saint-Jacques", "quartier de la Gare",
    "quartier des Hauts", "quartier du Plateau",
]  # fmt: skip

# Multi-lot building works: the clause's object, then lots (trade code, title) in order.
BUILDING_OBJECTS = [
    "Réhabilitation du groupe scolaire {school}",
    "Construction d'une crèche de {n} berceaux",
    "Extension de la médiathèque {school}",
    "Rénovation énergétique de l'hôtel de ville",
    "Construction d'un gymnase",
    "Réhabilitation de {n} logements, résidence {residence}",
    "Construction d'une maison de santé pluriprofessionnelle",
    "Restructuration du collège {school}",
    "Aménagement d'un centre social",
]
BUILDING_LOTS: list[tuple[str, str]] = [
    ("MACONNERIE", "Gros œuvre – Maçonnerie"),
    ("CHARPENTE_METALLIQUE", "Charpente métallique – Bardage"),
    ("BATIMENT", "Menuiseries extérieures"),
    ("BATIMENT", "Plâtrerie – Isolation"),
    ("PEINTURE", "Peinture – Revêtements muraux"),
    ("BATIMENT", "Plomberie – Chauffage – Ventilation"),
    ("VRD", "VRD – Aménagements extérieurs"),
    ("ESPACES_VERTS", "Espaces verts"),
    ("NETTOYAGE", "Nettoyage de fin de chantier"),
]
# Single-lot works and services, by trade.
SINGLE_OBJECTS: dict[str, list[str]] = {
    "NETTOYAGE": [
        "Nettoyage des locaux administratifs",
        "Nettoyage des bâtiments scolaires",
        "Entretien ménager des équipements sportifs",
        "Nettoyage des parties communes, résidence {residence}",
    ],
    "ESPACES_VERTS": [
        "Entretien des espaces verts communaux",
        "Aménagement paysager du parc {school}",
        "Élagage et entretien des arbres d'alignement",
    ],
    "VRD": [
        "Travaux de voirie – programme annuel",
        "Requalification des espaces publics du {neighbourhood}",
        "Renouvellement des réseaux d'eau potable",
    ],
    "PEINTURE": [
        "Travaux de peinture dans les écoles",
        "Remise en peinture des cages d'escalier, résidence {residence}",
    ],
    "MACONNERIE": [
        "Réfection des murs de clôture du cimetière",
        "Travaux de maçonnerie sur le patrimoine communal",
    ],
    "CHARPENTE_METALLIQUE": [
        "Construction d'un préau métallique au groupe scolaire {school}",
        "Construction d'une halle de marché",
    ],
    "BATIMENT": [
        "Travaux d'entretien et de grosses réparations des bâtiments",
        "Réhabilitation des vestiaires du stade",
    ],
}
SINGLE_LOT_TITLE = "Lot unique – {label}"
TRADE_LABELS = {
    "PEINTURE": "Peinture",
    "MACONNERIE": "Maçonnerie",
    "CHARPENTE_METALLIQUE": "Charpente métallique",
    "BATIMENT": "Bâtiment tous corps d'état",
    "ESPACES_VERTS": "Espaces verts",
    "NETTOYAGE": "Nettoyage",
    "VRD": "Voirie et réseaux divers",
}

OPERATIONS = [
    ("Projet de renouvellement urbain du {neighbourhood}", True),
    ("Programme de rénovation des écoles", False),
    ("Plan de rénovation énergétique du patrimoine", False),
    ("Requalification du centre-ville", False),
    ("Construction du pôle culturel et sportif", False),
]

JOB_TITLES: dict[str, list[str]] = {
    "BATIMENT": ["Ouvrier polyvalent du bâtiment", "Manœuvre", "Plaquiste", "Aide-plombier",
                 "Menuisier poseur", "Aide-électricien"],
    "MACONNERIE": ["Maçon", "Aide-maçon", "Coffreur-boiseur", "Manœuvre gros œuvre"],
    "PEINTURE": ["Peintre en bâtiment", "Aide-peintre", "Applicateur de revêtements"],
    "CHARPENTE_METALLIQUE": ["Monteur en charpente métallique", "Soudeur", "Bardeur"],
    "ESPACES_VERTS": ["Ouvrier paysagiste", "Jardinier", "Agent d'entretien des espaces verts"],
    "NETTOYAGE": ["Agent de propreté", "Agent d'entretien", "Laveur de vitres"],
    "VRD": ["Ouvrier VRD", "Canalisateur", "Manœuvre TP", "Constructeur de routes"],
}  # fmt: skip

# Company names: classic companies by trade, then insertion structures and others by kind.
CLASSIC_COMPANIES: dict[str, list[str]] = {
    "BATIMENT": ["{name} Bâtiment", "Entreprise {name}", "{name} et Fils",
                 "SAS {name} Construction"],
    "MACONNERIE": ["{name} Maçonnerie", "Maçonnerie {name}", "SARL {name} Gros Œuvre"],
    "PEINTURE": ["{name} Peinture", "Peintures {name}", "SARL {name} Décoration"],
    "CHARPENTE_METALLIQUE": ["{name} Métallerie", "Charpentes {name}", "{name} Structures"],
    "ESPACES_VERTS": ["{name} Paysages", "Jardins {name}", "{name} Espaces Verts"],
    "NETTOYAGE": ["{town} Propreté", "{name} Nettoyage", "Net'{name} Services"],
    "VRD": ["{name} TP", "{name} Travaux Publics", "Routes et Réseaux {name}"],
}  # fmt: skip
OTHER_COMPANIES: dict[str, list[str]] = {
    "ETTI": ["ETTI Tremplin {town}", "ETTI Impulsion {town}", "ETTI Passerelle {town}"],
    "AI": ["AI Coup de main {town}", "Association Trait d'union {town}", "AI Relais {town}"],
    "GEIQ": ["GEIQ BTP {dept}", "GEIQ Propreté {dept}", "GEIQ Espaces verts {dept}"],
    "ETT": ["{name} Intérim", "Intérim {town}", "{name} Travail Temporaire"],
    "EI": ["EI Bâti Solidaire {town}", "Entreprise d'insertion Le Chantier {town}",
           "EI Rénov'{town}"],
    "ACI": ["ACI Les Jardins {de}", "Chantier d'insertion {town} Environnement",
            "ACI Patrimoine {de}"],
    "EA": ["EA Les Ateliers {de}", "Entreprise adaptée {town} Services"],
    "ESAT": ["ESAT Les Iris {de}", "ESAT {town} Espaces verts"],
    "REGIE": ["Régie de quartier {de}", "Régie de quartier {town} Nord",
              "Régie de quartier {town} Centre"],
}  # fmt: skip
# Share of each company kind (the rest are classic companies).
COMPANY_KIND_SHARES = {
    "ETTI": 0.05, "AI": 0.03, "GEIQ": 0.02, "ETT": 0.04, "EI": 0.05, "ACI": 0.04,
    "EA": 0.02, "ESAT": 0.015, "REGIE": 0.015,
}  # fmt: skip

EVIDENCE = {
    "DELD": "Attestation d'inscription France Travail",
    "BRSA": "Attestation CAF (RSA)",
    "ASS": "Notification de l'ASS",
    "AAH": "Notification CAF (AAH)",
    "RQTH": "Notification MDPH",
    "JEUNE": "Pièce d'identité et attestation de niveau de formation",
    "SENIOR": "Pièce d'identité",
    "QPV": "Justificatif de domicile",
    "SIAE": "Attestation de l'employeur SIAE",
    "PLIE": "Fiche d'entrée en parcours PLIE",
    "AVIS_SPE": "Avis motivé du conseiller France Travail",
}
ORGANISATIONS = [
    "PLIE {de}",
    "Maison de l'emploi {de}",
    "Maison de l'emploi et de la formation {de}",
]


def de(name: str) -> str:
    """French "de" before a name: « de Lyon », « d'Angers », « du Havre », « des Sables »."""
    lowered = name[:4].lower()
    if lowered.startswith("le "):
        return f"du {name[3:]}"
    if lowered.startswith("les "):
        return f"des {name[4:]}"
    if name[:1].lower() in "aeiouyhéèêîôâœ":
        return f"d'{name}"
    return f"de {name}"


def parse_towns(region: str) -> list[tuple[str, str]]:
    """(town, postal code) of a region."""
    towns = []
    for entry in REGIONS[region][2].split("|"):
        town, postal = entry.rsplit(" ", 1)
        towns.append((town, postal))
    return towns


def parse_departments(region: str) -> list[tuple[str, str]]:
    """(code, name with its article, e.g. « la Gironde ») of a region."""
    return [tuple(entry.split(":", 1)) for entry in REGIONS[region][1].split("|")]  # type: ignore[misc]
