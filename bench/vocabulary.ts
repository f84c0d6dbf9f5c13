/**
 * Word lists for the generated records: names from many languages (diacritics, particles,
 * a few non-Latin scripts), the language of abstracts, journals, publishers and places.
 * Made up for the benchmark; any resemblance to real people is the nature of common names.
 */

export const FAMILY_NAMES = [
  // English and common international names
  "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts", "Johnson",
  "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
  "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Turner", "Hill", "Scott", "Cooper", "Morris",
  "Ward", "Moore", "King", "Watson", "Baker", "Harrison", "Morgan", "Patel", "Young", "Allen",
  "Mitchell", "Anderson", "Phillips", "Bell", "Parker", "Davies", "Chen", "Wang", "Li", "Zhang",
  "Liu", "Kim", "Park", "Singh", "Kumar", "Sato", "Suzuki", "Tanaka", "Okafor", "Mensah",
  "O'Brien", "McDonald", "MacLeod", "van der Berg", "de Vries", "von Neumann", "da Silva", "di Stefano",
  // with diacritics
  "Müller", "Schröder", "Weiß", "Göbel", "Köhler", "Ó Súilleabháin", "Ní Bhriain", "Ó Conchúir",
  "Kowalski", "Wójcik", "Łukaszewicz", "Żółkiewski", "Dvořák", "Novák", "Černý", "Horváth", "Szabó",
  "Kovačević", "Šimić", "Đukić", "Jiménez", "Núñez", "García Márquez", "Peña", "Gonçalves", "Conceição",
  "Ramírez", "Østergaard", "Søndergaard", "Þórsdóttir", "Guðmundsson", "Åberg", "Lindström", "Ångström",
  "Nguyễn", "Trần", "Lê", "Phạm", "Çelik", "Yılmaz", "Öztürk", "Doğan", "Papadopoulos", "Brontë",
  "Zoë", "Lefèvre", "Bérénger", "Dupré", "Citroën", "Ibáñez", "Mäkinen", "Järvinen", "Väisänen",
  "Ştefănescu", "Țăranu", "Kalniņš", "Šulcs", "Jankauskaitė",
  // non-Latin scripts
  "Иванов", "Петрова", "王", "李", "山田", "Δημητρίου", "כהן", "محمد",
] as const;

export const GIVEN_NAMES = [
  "John", "Mary", "David", "Sarah", "James", "Emma", "Michael", "Laura", "Robert", "Helen",
  "Peter", "Anna", "Thomas", "Claire", "Richard", "Rachel", "Daniel", "Sophie", "Mark", "Emily",
  "Wei", "Jing", "Hiroshi", "Yuki", "Priya", "Arjun", "Chinedu", "Ama", "Kwame", "Fatima",
  "A.", "J. R.", "M.-L.", "K.",
  "Jürgen", "Seán", "Anaïs", "Zoë", "Łukasz", "José", "María José", "François", "Søren", "Åsa",
  "Björn", "Jiří", "Ştefan", "Ioana", "Małgorzata", "Agnieszka", "Chloé", "Hélène", "Inês", "João",
  "Renée", "Noémie", "Ümit", "Çağla", "Đorđe", "Žarko", "Ľubomír", "Guðrún", "Þór", "Hồng",
  "Minh", "Élodie", "Raphaël", "Joël", "Mireille", "Sigríður", "Örjan", "Dörte", "Tomáš", "Zsófia",
  "Андрей", "Ольга", "小明", "Ελένη",
] as const;

export const LINEAGES = ["Jr", "Sr", "III", "II"] as const;
export const HONOURIFICS = ["Dr", "Prof", "Sir", "Dame"] as const;

/** Topics: the nouns searches look for, and the keywords records carry. */
export const TOPICS = [
  "climate change", "social care", "machine learning", "public health", "migration", "urban design",
  "renewable energy", "gene expression", "protein folding", "labour markets", "monetary policy",
  "medieval literature", "early modern drama", "cognitive development", "language acquisition",
  "quantum computing", "graph theory", "software engineering", "cybersecurity", "water quality",
  "biodiversity", "soil microbiology", "antimicrobial resistance", "mental health", "dementia care",
  "criminal justice", "human rights", "international trade", "supply chains", "corporate governance",
  "digital humanities", "archaeology", "museum studies", "music performance", "film history",
  "religious history", "political theory", "electoral behaviour", "welfare regimes", "housing policy",
  "education policy", "teacher training", "sports science", "nutrition", "cancer screening",
  "vaccine uptake", "epidemiology", "tissue engineering", "robotics", "computer vision",
  "natural language processing", "data protection", "sustainability", "tourism", "coastal erosion",
  "volcanology", "astrophysics", "dark matter", "materials science", "nanotechnology",
] as const;

/** One-word search terms that occur in titles and abstracts. */
export const SEARCH_TERMS = [
  "climate", "care", "learning", "health", "migration", "energy", "protein", "policy", "literature",
  "development", "language", "quantum", "software", "biodiversity", "resistance", "dementia", "justice",
  "trade", "governance", "archaeology", "music", "history", "housing", "education", "nutrition",
  "cancer", "vaccine", "robotics", "vision", "sustainability", "tourism", "erosion", "materials",
] as const;

export const ADJECTIVES = [
  "comparative", "longitudinal", "qualitative", "quantitative", "empirical", "theoretical", "systematic",
  "critical", "historical", "experimental", "computational", "interdisciplinary", "participatory",
  "mixed-methods", "cross-sectional", "regional", "transnational", "sustainable", "robust", "novel",
  "scalable", "ethical", "spatial", "temporal", "structural", "institutional", "clinical", "digital",
] as const;

export const NOUNS = [
  "analysis", "framework", "model", "approach", "evaluation", "study", "review", "perspective",
  "intervention", "outcomes", "evidence", "practice", "capacity", "networks", "dynamics", "effects",
  "factors", "patterns", "mechanisms", "implications", "methods", "data", "policy", "communities",
  "stakeholders", "participants", "institutions", "regulation", "inequality", "resilience", "risk",
  "variation", "performance", "design", "identity", "memory", "narratives", "markets", "behaviour",
] as const;

export const VERBS = [
  "examines", "investigates", "explores", "evaluates", "compares", "assesses", "describes", "analyses",
  "develops", "proposes", "tests", "reconsiders", "maps", "documents", "quantifies", "models",
] as const;

export const FILLER = [
  "the", "of", "and", "in", "to", "a", "for", "with", "on", "that", "by", "from", "as", "across",
  "between", "within", "their", "these", "its", "which", "while", "under", "over", "through",
] as const;

export const PLACES = [
  "Łódź", "São Paulo", "Zürich", "Kraków", "Reykjavík", "Malmö", "Île-de-France", "Bogotá", "Córdoba",
  "Kent", "Manchester", "Glasgow", "Cardiff", "Belfast", "Nairobi", "Lagos", "Accra", "Mumbai",
  "Kyōto", "Seoul", "Hà Nội", "İstanbul", "Göteborg", "Brno", "Tromsø", "Cluj-Napoca", "Montréal",
] as const;

export const SENTENCE_OPENERS = [
  "This {kind} {verb} the {adj} {noun} of {topic} in {place}.",
  "We {verb2} {topic} using {adj} {noun} drawn from {n} {participants}.",
  "Drawing on {adj} {noun}, the {kind} {verb} how {topic} shapes {noun2}.",
  "Results show that {topic} is associated with {noun2} (p < 0.05) across {n} sites.",
  "The findings have {adj} implications for {topic} & {topic2} policy.",
  "Data were collected between {year} and {year2} from {n} {participants} in {place}.",
  "Previous work on {topic} has largely ignored the {adj} {noun} of {noun2}.",
  "We conclude that {adj} {noun} of {topic} should inform future {noun2}.",
] as const;

export const PARTICIPANTS = ["participants", "households", "schools", "hospitals", "firms", "respondents", "archives", "samples", "sites", "patients"] as const;
export const KINDS = ["paper", "article", "study", "chapter", "report", "thesis"] as const;
export const VERBS_PLURAL = ["examine", "investigate", "explore", "evaluate", "compare", "assess", "model", "map"] as const;

export const JOURNALS = [
  "Journal of Social Policy", "Nature Communications", "PLOS ONE", "The Lancet Public Health", "BMJ Open",
  "Journal of Applied Ecology", "Physical Review Letters", "Journal of Software Engineering Research", "Urban Studies",
  "British Journal of Sociology", "Past & Present", "Music Analysis", "Journal of Archaeological Science",
  "Computers & Education", "Energy Policy", "Global Environmental Change", "European Journal of Political Research",
  "Revue française de sociologie", "Zeitschrift für Soziologie", "Acta Physica Polonica", "Studia Linguistica",
  "Journal of Health Economics", "Ageing & Society", "Health & Social Care in the Community", "Antibiotics",
  "IEEE Transactions on Robotics", "Pattern Recognition", "Journal of Materials Chemistry A", "Astrophysical Journal",
  "Tourism Management", "Coastal Engineering", "Criminology & Criminal Justice", "Human Rights Quarterly",
] as const;

export const PUBLISHERS = [
  "Edward Elgar", "Routledge", "Springer", "Elsevier", "Wiley-Blackwell", "Oxford University Press",
  "Cambridge University Press", "Palgrave Macmillan", "Policy Press", "Bloomsbury Academic", "De Gruyter",
  "MIT Press", "IEEE", "ACM", "Presses universitaires de France", "Éditions du Seuil", "Suhrkamp",
] as const;

export const PUBLISHER_PLACES = ["London", "Oxford", "Cambridge", "Cheltenham", "Berlin", "New York", "Bristol", "Paris", "Amsterdam", "Boston"] as const;

export const INSTITUTIONS = [
  "University of Kent", "University of Oxford", "Université de Montréal", "Universität Zürich",
  "Uniwersytet Jagielloński", "Universidad de Córdoba", "Háskóli Íslands", "University of Nairobi",
] as const;

export const DEPARTMENTS = [
  "School of Social Policy, Sociology and Social Research", "School of Computing", "School of Biosciences",
  "Department of History", "School of Physics and Astronomy", "Kent Business School", "School of Psychology",
] as const;

export const FUNDERS = [
  "Economic and Social Research Council", "National Institute for Health and Care Research", "Wellcome Trust",
  "European Research Council", "Leverhulme Trust", "Engineering and Physical Sciences Research Council",
  "Deutsche Forschungsgemeinschaft", "Narodowe Centrum Nauki",
] as const;

export const EVENTS = [
  "International Conference on Software Engineering", "European Conference on Computer Vision",
  "Annual Meeting of the Social Policy Association", "International Congress on Medieval Studies",
  "Conference on Neural Information Processing Systems", "World Congress of Sociology",
  "Colloque international de linguistique", "Nordic Conference on Human-Computer Interaction",
] as const;

export const DOI_PREFIXES = ["10.1016", "10.1007", "10.1111", "10.1002", "10.1080", "10.1093", "10.1177", "10.1109", "10.3390", "10.1371", "10.1186", "10.1038", "10.1145", "10.3310"] as const;
