"""The country's invented material: regions, stages, partner countries, names, themes, comments."""

from __future__ import annotations

#: Metropolitan regions: (relative weight, towns).
REGIONS: dict[str, tuple[int, tuple[str, ...]]] = {
    "Auvergne-Rhône-Alpes": (12, ("Lyon", "Grenoble", "Saint-Étienne", "Clermont-Ferrand", "Annecy", "Valence",
                                  "Chambéry", "Roanne")),
    "Bourgogne-Franche-Comté": (4, ("Dijon", "Besançon", "Auxerre", "Belfort", "Chalon-sur-Saône", "Nevers")),
    "Bretagne": (5, ("Rennes", "Brest", "Quimper", "Vannes", "Saint-Malo", "Lorient", "Saint-Brieuc")),
    "Centre-Val de Loire": (4, ("Orléans", "Tours", "Bourges", "Blois", "Chartres", "Châteauroux")),
    "Corse": (1, ("Ajaccio", "Bastia", "Corte", "Porto-Vecchio")),
    "Grand Est": (8, ("Strasbourg", "Reims", "Metz", "Nancy", "Mulhouse", "Colmar", "Troyes", "Épinal")),
    "Hauts-de-France": (9, ("Lille", "Amiens", "Roubaix", "Dunkerque", "Calais", "Beauvais", "Arras", "Valenciennes")),
    "Île-de-France": (18, ("Paris", "Créteil", "Versailles", "Saint-Denis", "Nanterre", "Montreuil", "Argenteuil",
                           "Évry-Courcouronnes", "Cergy", "Meaux")),
    "Normandie": (5, ("Rouen", "Caen", "Le Havre", "Cherbourg-en-Cotentin", "Évreux", "Alençon")),
    "Nouvelle-Aquitaine": (9, ("Bordeaux", "Limoges", "Poitiers", "Pau", "La Rochelle", "Bayonne", "Périgueux",
                               "Angoulême")),
    "Occitanie": (9, ("Toulouse", "Montpellier", "Nîmes", "Perpignan", "Albi", "Béziers", "Tarbes", "Rodez")),
    "Pays de la Loire": (6, ("Nantes", "Angers", "Le Mans", "Saint-Nazaire", "La Roche-sur-Yon", "Laval")),
    "Provence-Alpes-Côte d'Azur": (8, ("Marseille", "Nice", "Toulon", "Avignon", "Aix-en-Provence", "Gap", "Arles")),
}

PATRONS = (
    "Jules Ferry", "Jean Moulin", "Victor Hugo", "Marie Curie", "Jean Jaurès", "Louis Pasteur", "Jacques Prévert",
    "Simone Veil", "Albert Camus", "Paul Éluard", "Anne Frank", "Condorcet", "Voltaire", "Jean de La Fontaine",
    "Colette", "George Sand", "Antoine de Saint-Exupéry", "Molière", "Émile Zola", "Louise Michel",
    "Olympe de Gouges", "Aimé Césaire", "Marcel Pagnol", "Jean Monnet", "Robert Schuman", "Montesquieu",
    "René Descartes", "Camille Claudel", "Frédéric Mistral", "Joséphine Baker", "Gustave Eiffel", "Jean Zay",
    "Les Tilleuls", "Les Coquelicots", "Le Petit Prince", "Les Marronniers", "La Fontaine aux Roses",
    "Pierre Mendès France", "Lucie Aubrac", "Germaine Tillion", "Alexandre Dumas", "Claude Monet",
)

#: French schools: (kind, weight, age range of its pupils, subjects: codes of assess.domain.project_choices,
#: a code twice when two of the school's subjects are one in the list).
STAGES: tuple[tuple[str, int, tuple[int, int], tuple[str, ...]], ...] = (
    ("École maternelle", 10, (3, 5), ("language_literature", "pre_school", "art", "music",
                                      "physical_education")),
    ("École élémentaire", 22, (6, 10), ("french", "mathematics", "foreign_languages", "science",
                                        "science", "history", "art",
                                        "music", "citizenship", "physical_education")),
    ("École primaire", 8, (3, 10), ("french", "foreign_languages", "pre_school", "art",
                                    "mathematics", "music")),
    ("Collège", 30, (11, 15), ("french", "mathematics", "english", "spanish", "german", "italian",
                               "history", "biology", "physics", "technology", "art",
                               "music", "physical_education", "media_education", "classical_languages")),
    ("Lycée", 17, (15, 18), ("french", "philosophy", "english", "spanish", "german", "history",
                             "economics", "biology", "physics", "mathematics", "computer_science", "science")),
    ("Lycée professionnel", 10, (15, 20), ("vocational", "economics", "vocational",
                                           "health", "technology", "english",
                                           "environment", "language_literature", "economics")),
    ("Lycée agricole", 3, (15, 21), ("vocational", "biology", "vocational", "english",
                                     "sustainability")),
)
CROSS_SUBJECTS = ("sustainability", "european_citizenship", "media_education", "digital_skills")

#: Partner countries: (weight, language (ISO 639-1, assess.domain.project_choices), school name patterns, towns).
COUNTRIES: dict[str, tuple[int, str, tuple[str, ...], tuple[str, ...]]] = {
    "ES": (12, "es", ("IES {town} {n}", "CEIP {town} {n}", "Colegio Público {town} {n}"),
           ("Madrid", "Sevilla", "Valencia", "Zaragoza", "Málaga", "Bilbao", "Murcia", "Granada")),
    "IT": (12, "it", ("Istituto Comprensivo {town} {n}", "Liceo Scientifico {town} {n}",
                           "Scuola Primaria {town} {n}", "Istituto Tecnico {town} {n}"),
           ("Torino", "Milano", "Napoli", "Bologna", "Firenze", "Bari", "Palermo", "Verona")),
    "PL": (10, "pl", ("Szkoła Podstawowa nr {n} w {town}", "Liceum Ogólnokształcące nr {n} w {town}",
                            "Zespół Szkół nr {n} w {town}"),
           ("Kraków", "Warszawa", "Gdańsk", "Poznań", "Wrocław", "Lublin", "Łódź")),
    "RO": (7, "ro", ("Școala Gimnazială nr. {n} {town}", "Colegiul Național nr. {n} {town}",
                          "Liceul Tehnologic nr. {n} {town}"),
           ("Iași", "Cluj-Napoca", "Timișoara", "Brașov", "Constanța", "Craiova")),
    "TR": (8, "tr", ("{town} {n} Ortaokulu", "{town} Anadolu Lisesi {n}", "{town} İlkokulu {n}"),
           ("İzmir", "Ankara", "Bursa", "Antalya", "Konya", "Eskişehir")),
    "GR": (7, "el", ("{n}o Dimotiko Scholeio {town}", "{n}o Gymnasio {town}", "{n}o Geniko Lykeio {town}"),
           ("Thessaloniki", "Athina", "Patra", "Irakleio", "Larisa", "Volos")),
    "PT": (6, "pt", ("Agrupamento de Escolas {town} {n}", "Escola Secundária {town} {n}",
                            "Escola Básica {town} {n}"),
           ("Porto", "Lisboa", "Braga", "Coimbra", "Aveiro", "Faro")),
    "DE": (6, "de", ("Grundschule {town} {n}", "Gymnasium {town} {n}", "Realschule {town} {n}",
                           "Berufsschule {town} {n}"),
           ("Freiburg", "Köln", "Leipzig", "Hamburg", "Stuttgart", "Saarbrücken", "Dresden")),
    "AT": (2, "de", ("Volksschule {town} {n}", "BG/BRG {town} {n}", "HTL {town} {n}"),
           ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck")),
    "BE": (3, "nl", ("Athénée royal {town} {n}", "Sint-Jozefcollege {town} {n}",
                              "École communale {town} {n}"),
           ("Liège", "Namur", "Gent", "Brugge", "Charleroi", "Leuven")),
    "NL": (2, "nl", ("Openbare Basisschool {town} {n}", "Stedelijk Gymnasium {town} {n}",
                              "ROC {town} {n}"),
           ("Utrecht", "Rotterdam", "Groningen", "Eindhoven", "Leiden")),
    "LU": (1, "lb", ("Lycée {town} {n}", "École fondamentale {town} {n}"),
           ("Luxembourg", "Esch-sur-Alzette", "Differdange", "Ettelbruck")),
    "PT_": (0, "", (), ()),  # placeholder removed below
    "CZ": (3, "cs", ("Základní škola {town} {n}", "Gymnázium {town} {n}", "Střední odborná škola {town} {n}"),
           ("Brno", "Praha", "Ostrava", "Plzeň", "Olomouc")),
    "SK": (3, "sk", ("Základná škola {town} {n}", "Gymnázium {town} {n}", "Stredná odborná škola {town} {n}"),
           ("Bratislava", "Košice", "Žilina", "Nitra", "Prešov")),
    "HR": (4, "hr", ("Osnovna škola {town} {n}", "Gimnazija {town} {n}", "Strukovna škola {town} {n}"),
           ("Zagreb", "Split", "Rijeka", "Osijek", "Zadar")),
    "SI": (2, "sl", ("Osnovna šola {town} {n}", "Gimnazija {town} {n}"),
           ("Ljubljana", "Maribor", "Celje", "Koper")),
    "HU": (2, "hu", ("{town} {n}. sz. Általános Iskola", "{town} {n}. Gimnázium"),
           ("Budapest", "Debrecen", "Szeged", "Pécs", "Győr")),
    "BG": (3, "bg", ("Osnovno uchilishte {n} {town}", "Profilirana gimnaziya {n} {town}"),
           ("Sofia", "Plovdiv", "Varna", "Burgas", "Ruse")),
    "LT": (3, "lt", ("{town} {n}-oji pradinė mokykla", "{town} {n}-oji gimnazija"),
           ("Vilnius", "Kaunas", "Klaipėda", "Šiauliai")),
    "LV": (2, "lv", ("{town} {n}. vidusskola", "{town} {n}. pamatskola"),
           ("Rīga", "Daugavpils", "Liepāja", "Jelgava")),
    "EE": (1, "et", ("{town} {n}. Põhikool", "{town} {n}. Gümnaasium"),
           ("Tallinn", "Tartu", "Pärnu", "Narva")),
    "FI": (3, "fi", ("Peruskoulu {town} {n}", "Lukio {town} {n}"),
           ("Helsinki", "Tampere", "Turku", "Oulu", "Jyväskylä")),
    "SE": (2, "sv", ("{town} skola {n}", "{town} gymnasium {n}"),
           ("Göteborg", "Malmö", "Uppsala", "Västerås", "Umeå")),
    "DK": (1, "da", ("{town} Skole {n}", "{town} Gymnasium {n}"),
           ("Aarhus", "Odense", "Aalborg", "Esbjerg")),
    "NO": (1, "no", ("{town} skole {n}", "{town} videregående skole {n}"),
           ("Bergen", "Trondheim", "Stavanger", "Tromsø")),
    "IE": (2, "en", ("Scoil {town} {n}", "{town} Community School {n}"),
           ("Cork", "Galway", "Limerick", "Dublin", "Waterford")),
    "MT": (1, "en", ("{town} Primary School {n}", "{town} Secondary School {n}"),
           ("Birkirkara", "Mosta", "Qormi", "Żabbar", "Sliema")),
    "CY": (1, "el", ("Dimotiko Scholeio {town} {n}", "Lykeio {town} {n}"),
           ("Lefkosia", "Lemesos", "Larnaka", "Pafos")),
    "UA": (3, "uk", ("Lyceum No {n}, {town}", "Gymnasium No {n}, {town}"),
           ("Lviv", "Kyiv", "Odesa", "Vinnytsia", "Chernivtsi")),
    "RS": (2, "sr", ("Osnovna škola {town} {n}", "Gimnazija {town} {n}"),
           ("Beograd", "Novi Sad", "Niš", "Kragujevac")),
    "MK": (1, "mk", ("OOU {town} {n}", "SOU Gimnazija {town} {n}"),
           ("Skopje", "Bitola", "Ohrid", "Kumanovo")),
    "TN": (2, "ar", ("École primaire {town} {n}", "Lycée {town} {n}"),
           ("Tunis", "Sfax", "Sousse", "Bizerte", "Gabès")),
    "MA": (2, "ar", ("École {town} {n}", "Lycée qualifiant {town} {n}"),
           ("Rabat", "Casablanca", "Fès", "Marrakech", "Tanger")),
    "GE": (1, "ka", ("Public School No {n}, {town}",), ("Tbilisi", "Kutaisi", "Batumi")),
}
del COUNTRIES["PT_"]
#: Partners where French is a language of the project.
FRENCH_SPEAKING = {"BE", "LU", "TN", "MA"}

FIRST_NAMES = (
    "Camille", "Claire", "Julien", "Nadia", "Sophie", "Marc", "Isabelle", "Nicolas", "Céline", "Thomas", "Aurélie",
    "Laurent", "Émilie", "Sébastien", "Sandrine", "Mathieu", "Nathalie", "Olivier", "Caroline", "Pierre", "Julie",
    "Stéphane", "Anne", "Vincent", "Hélène", "François", "Virginie", "David", "Karine", "Guillaume", "Valérie",
    "Antoine", "Delphine", "Yann", "Fatima", "Karim", "Leïla", "Mehdi", "Amandine", "Romain", "Élodie", "Benoît",
    "Agnès", "Cédric", "Laure", "Fabien", "Marion", "Jérôme", "Pauline", "Christophe", "Audrey", "Samir", "Inès",
    "Hugo", "Léa", "Bruno", "Magali", "Gaëlle", "Yasmine", "Arnaud",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin",
    "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
    "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël",
    "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand", "Dufour", "Blanchard", "Marie", "Barbier", "Brun",
    "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Benali", "Haddad", "Le Gall", "Le Goff", "Kerboriou",
)

THEMES = (
    "Le tour d'Europe de nos mascottes", "Contes et légendes d'Europe", "Nos villes de demain",
    "L'eau, un bien commun", "Jardins partagés", "Climat : agir ici et là-bas", "Recettes de nos grands-mères",
    "Patrimoine en partage", "Les sciences en jeu", "Mathématiques au quotidien", "Journal des jeunes Européens",
    "Radio sans frontières", "Les droits de l'enfant", "Un arbre, une école", "Les oiseaux de nos régions",
    "Musiques du monde", "Théâtre à plusieurs voix", "Objectif zéro déchet", "Énergies renouvelables",
    "Mon quartier, ton quartier", "Sport et santé", "Les métiers de demain", "Art et architecture",
    "Correspondances européennes", "Escape game européen", "Petits reporters", "Démêler le vrai du faux",
    "Bien vivre ensemble", "Mémoire et citoyenneté", "Biodiversité de nos écoles", "Lire ensemble",
    "Codage et robotique", "Notre alimentation", "Les fêtes de l'année", "Voyage dans le temps",
    "Cartes postales d'Europe", "Inventeurs d'Europe", "Jeux de cour de récréation", "La mer et ses trésors",
    "Nos héros du quotidien", "Des nombres et des mots", "Le goût des langues",
)
ENGLISH_TITLES = (
    "Green Schools Together", "Europe in Our Pockets", "Coding Without Borders", "Healthy Minds, Healthy Bodies",
    "Our Shared Heritage", "Water for Life", "Young Reporters for Europe", "STEAM Challenges", "Kindness Matters",
    "Digital Citizens", "Tales From Our Towns", "Future Jobs, Future Skills",
)
TITLE_ENDINGS = ("", "", "", "", " : regards croisés", " en Europe", " entre nos écoles", " à l'heure européenne")
ACTIVITIES = (
    "échanges de vidéos, carnet de bord commun et production finale co-écrite",
    "équipes internationales mixtes, visioconférences mensuelles et exposition partagée",
    "enquêtes croisées, cartes interactives et livre numérique commun",
    "défis hebdomadaires, forum sur le TwinSpace et présentation aux familles",
    "correspondance, jeux collaboratifs et podcast en plusieurs langues",
    "observations de terrain, données partagées et analyse commune",
)

#: Short, generic survey comments (never a name).
COMMENTS = {
    "pupils": ("J'ai adoré travailler avec les autres classes.", "Les visioconférences étaient trop courtes.",
               "On a appris plein de mots dans d'autres langues.", "Super projet !",
               "Great project, I want to do it again."),
    "families": ("Mon enfant parlait du projet tous les soirs.", "Super idée, à refaire l'an prochain !",
                 "Un peu difficile de suivre sur le site, mais très positif.", "Merci aux enseignants.",
                 "Great project, my daughter learned a lot."),
    "teachers": ("Partenariat très riche, planning parfois serré.", "Des élèves très motivés.",
                 "Nous continuons l'an prochain.", "Communication excellente entre les équipes."),
}
CONSENSUS_NOTE = ("Le jury a relu ensemble le dossier et le TwinSpace après l'avis du troisième juré ; "
                  "les niveaux moyens sont retenus.")
RECHECK_NOTE = "Nouvelles productions communes et page d'évaluation ajoutées au TwinSpace."
SCALES = {"pupils": 1.6, "families": 1.0}
#: How many projects apply to rounds (0,), (2,), (0, 1), (1, 2), (0, 1, 2), per 1,500: about 1,000
#: applications per round when about a third are refused (a refused project applies once
#: more at most, so some of the three-round projects stop early).
SPAN_WEIGHTS = (171, 329, 60, 171, 769)
#: Harsh (negative) and lenient jurors' biases, on the 0-5 scale.
STRONG_BIASES = (-1.1, 1.0, -0.7, 0.8, -0.9, 0.9)
TWINSPACE = "https://school-education.ec.europa.eu/fr/etwinning/projects"
