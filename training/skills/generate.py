#!/usr/bin/env python3
"""Build training/skills/catalog.csv from curated.csv plus O*NET and ESCO.

Deterministic: same inputs, same output bytes. Standard library only.

    python3 training/skills/generate.py --shared ../shared/data

Output rows: every curated.csv row first (curated wins on any conflict), then
entries derived from
  (a) O*NET "Technology Skills.txt": Example names that are a Hot Technology
      or listed for >= 3 occupations, cleaned (" software" suffix, trailing or
      parenthesised acronyms, well-known vendor prefixes); descriptive names
      without a product or acronym ("Accounting software") are skipped;
  (b) ESCO skills_en.csv: short noun-phrase knowledge labels (1-3 words) that
      name a field, method or technology, plus "X (computer programming)"
      labels when the export has them. Verb-first competences ("analyse big
      data") and vague labels are skipped. Only preferredLabel and conceptUri
      are read: the trimmed skills_en.csv we have carries altLabels that belong
      to other rows, so ESCO alt labels are never used.
Every generated name is deduplicated (case- and punctuation-insensitive)
against curated names and aliases and earlier generated entries.

Last, ids for rows that lack them (never a new row, name or alias): an O*NET
name by catalog name, every O*NET name's commodity code (column onet_code),
and an ESCO URI from the reviewed esco_links.csv, else by exact preferred
label in SHARED/esco (see README.md, "Ids" and "ESCO links").
"""

import argparse
import collections
import csv
import os
import re
import sys
import unicodedata

# curated.csv has the first seven columns; the generator adds `onet_code`.
CURATED_COLUMNS = ["id", "name", "category", "aliases", "ambiguous", "onet", "esco"]
COLUMNS = CURATED_COLUMNS + ["onet_code"]
ESCO_LINK_COLUMNS = ["id", "esco", "esco_label", "how"]
ESCO_LINK_HOWS = {"label", "alt-label", "reviewed", "broader", "none"}
CATEGORIES = {
    "programming-language", "library-framework", "database", "cloud-platform",
    "devops-tool", "tool", "data-ml-method", "practice", "certification",
    "soft-skill", "domain", "operating-system", "language", "education",
}

# Common English words (lower case). A generated entry whose name is one of
# these, or is at most 2 characters long, is marked ambiguous=yes and gets an
# exact-case "=" alias. The list leans towards words that are also product,
# language or acronym names.
COMMON_WORDS = set("""
a about access account act action active ad add address after agent air all
an and any app apple arc area art as at atlas auto b back bag ball bamboo
band bank bar base basic bay be beam bee bell best big bill bird bit blink
block blue board boat body bold bond book boost box brain branch brand bread
bridge bright bring broker brush build bus business button buy c cafe call
camel camp can canvas cap capital capture car card care cargo case cash cast
cat catch cell center chain chair chance change channel chart chat check
chef chrome circle city class clean clear click climate clock close cloud
club coach code coin cold collect color come comet common compass concur
connect contact content control cook cool copy core corn count country
cover craft crane create credit crew cross crystal cube cup current cut d
dart dash data date day deal delta design desk detail dial digital direct
dish do doc docs dog door dot double down draft drag draw dream drive drop
drum e eagle early earth ease echo edge effect elm email ember empire end
energy engine epic equal event every excel exchange expert explorer express
eye f face fact fair falcon family fan farm fast feed field file film final
find fire first fish fit flag flash fleet flex flight flow flower fly focus
fog folder follow force forge form forth fortune forward frame free fresh
friend front fuel full fund fusion g game gate gear gem general get gift
give glass global glue go gold good graph gray great green grid ground group
grow guard guide h half hand harbor harvest hawk head health heart heat help
hero high hill hive hold home hook hope horizon host hot hour house hub i
ice idea ids image impact in index info ink input inside insight inspire
intelligence interact iron is it item j jade jet job join journey joy jump
just k keep key keynote kind king kit kite l lab lake lamp land language
large last launch law layer lead leaf lean learn left legend lens less level
lever library life light lime line link lion list live loan lock log logic
logo long look loom loop love luck m mac machine mail main make map maps
mark market mason master match matrix max maze meet member mercury merge
mesh message meteor metric mind mint mirror mission mix mobile mode model
money monitor moon moss motion mount move music n name native nature net
network new news next night nimble node noise north note notes number
numbers o oak object ocean office on one open opera optimize oracle orbit
order origin outlook output p pace pack page pages paint pair palm panel
paper park part pascal pass patch path pay peak pen people pilot pine pipe
pitch pivot place plan planet plant platform play plus pocket point polish
pool port post power practice premier press prime print pro process profile
program progress project proof prophet publisher pulse pure push q quest
quick r race radar rain range rapid ray reach react read ready real record
red reflex relay remote report rest result review ridge right ring rise
river road rock root rose round route ruby rule run rush rust s safari safe
sage sail salt sample san sand save scale scan scene scheme school scope
score scout screen script sea seal search season secure seed seesaw select
sense sentry serve service set shape share sharp shell shield shift ship
shop short signal silver simple site sites sky slack slate slice slide
slides smart snap snow social solar solid solo sound source space spark
speed spider spin spirit split spot spring square squeegee stack stage star
start state station status steel step sticky stone storm story stream
street stripe studio style summit sun super support sure swift switch sync
system t table tableau tag talk target task team teams tech terminal test
text the thread tide tiger time title token tool top torch touch tower
track trade trail train tree trend trust turbo twin type u unit unity up
v value vault vector venture view vision visual voice volt w wall watch
pads esprit expo bind blast etc icon com hms pms dna case galena gauss
origin harvest millennium central canvas vista spartan emerald threshold
prophet discovery advantage professional total partner arena surfer
networker blackboard
water wave way web well wheel white wide wild wind window wing wire wise
word work world x y yarn yes z zero zone zoom
""".split())

# Names that must never become catalog entries on their own: generic words
# and phrases that appear in postings in a non-skill sense.
GENERIC_NAMES = set("""
communication management design testing security support database databases
cloud analysis reporting planning development software hardware network
networking data analytics research engineering programming computing
technology technologies it ict internet email e-mail office web online
digital computer computers systems system tools tool platform platforms
applications application mobile media marketing sales finance business
operations training teaching learning language languages documentation
maintenance monitoring integration implementation performance quality
strategy administration accounting budgeting scheduling consultation
terminology spelling troubleshoot troubleshooting production procurement
logistics manufacturing construction legislation regulations policy law
economics history geography philosophy theology psychology sociology
education health safety hygiene cleaning nutrition sport sports music
chemistry biology physics mathematics statistics politics migration
literature rehabilitation resuscitation consultation ethics aesthetics
mechanics electronics spreadsheet spreadsheets disassembler""".split()) | {
    "social media", "information technology", "computer technology",
    "business processes", "business analysis",
    "project management", "quality standards", "customer service",
    "body language", "sign language", "problem solving",
    "personal development", "medical studies", "room aesthetics",
}
# Capitalised English words that make up product titles ("Oracle Application
# Server", "Epic Practice Management"): a vendor prefix is only dropped when
# what remains has a word outside these lists.
TITLE_WORDS = set("""
application applications server servers practice management human resource
resources business intelligence enterprise edition suite financials contact
manager system systems services service office desktop integrator one center
centre control processing check planning reports report portfolio asset
workforce payroll analytics studio visual professional designer document
documents content records time attendance sale exchange publisher notes
timekeeper financial solutions solution partner total information clinical
patient health healthcare medical practice engine builder manager mobile
personal data keeper standard express premium advanced basic essentials plus
library cloud web online internet network security compliance cases case
apps app advisor assistant analyzer analyser calculator estimator editor
viewer reader writer player maker composer explorer navigator monitor
commander director connect connector gateway bridge hub point portal
identity classroom painter audition presenter distiller sunrise captivate
domino maple adams vulcan payroll antivirus calendar
firewall survey tax workflow chatbot
""".split())

# Note: curated.csv may still hold some of these (e.g. Statistics,
# Mathematics, Project management) as deliberate, hand-checked entries; the
# block applies to generated names only.

# O*NET examples skipped outright: sites and services that postings mention
# as companies/channels, not as skills, and catalogue/meta entries.
ONET_SKIP = {
    "Google", "Facebook", "Twitter", "YouTube", "LinkedIn", "Instagram",
    "TikTok", "Pinterest", "Snapchat", "SmugMug Flickr", "GroupMe",
    "FaceTime", "Skype", "O*NET OnLine", "Social media sites", "WorldCat",
    "Online Computer Library Center (OCLC) databases", "IBM Middleware",
    "Microsoft operating system", "Google Chrome", "Mozilla Firefox",
    "Apple Safari", "Microsoft Internet Explorer", "Netscape Navigator",
    "SeaMonkey", "Microsoft Paint", "Google Gmail", "Google Sites",
    "Google Meet", "Google Drive", "Dropbox", "Evernote", "3M Post-it App",
    "Aeronautical charts", "Hand held spell checkers",
    "Law enforcement information databases", "Customer information databases",
    "Online databases", "Operational databases", "The General Store",
    "Common Curriculum", "Kitty Hawk", "J", "Gaussian software",
}

# Vendor prefixes: "Vendor Product" becomes name "Product", alias the full
# name, when the product part is distinctive (not a common word, >= 3 chars,
# not descriptive lower-case words).
VENDORS = sorted("""
Adobe|Microsoft|Apple|Google|IBM|Oracle|Autodesk|Atlassian|Amazon|ESRI|
Dassault Systemes|Bentley Systems|Bentley|Corel|SAP|Red Hat|Salesforce|
Intuit|Cisco Systems|Cisco|Hewlett Packard|Hewlett-Packard|Trimble|Siemens|
PTC|The MathWorks|MathWorks|TIBCO|Tibco|Avid Technology|Avid|Infor|Epicor|
Cerner|Allscripts|GE Healthcare|Symantec|Quest|Embarcadero|Perforce|
Qlik Tech|StataCorp|Systat Software|Wolfram Research|National Instruments|
Informatica Corporation|Mentor Graphics|Cadence|OriginLab|Golden Software|
GraphPad Software|Maplesoft|Mathsoft|MSC Software|Leica Geosystems|
Landmark Graphics|Schlumberger|Rockwell Automation|Rockwell|Pixologic|Maxon|
McNeel|Graphisoft|Kronos|Deltek|Blackbaud|Instructure|Thomson Reuters|
LogMeIn|TechSmith|Vero Software|Veritas|EMC|Hyland Software|Hyland|
Yardi Systems|Ultimate Software|Ceridian|Sun Microsystems|MicroFocus|
Micro Focus|Nuance|Palisade|Guidance Software|AccessData|Portswigger|
Tenable|NCR|Pix4D|Aptech Systems|Econometric Software|
Quantitative Micro Software|Muthen & Muthen|Scientific Software International|
Synergy Software|Decisioneering|Business Forecast Systems|Caliper|Delcam|
DP Technology|Geometric|Eos Systems|Gene Codes|ITT Visual Information Solutions|
RSI|Maptek|HCSS|Sage|Cloudera|Teradata|Unity Technologies|Unreal Technology|
Atlassian|VMWare|VMware|Citrix|Apache|Sparta Systems|Landmark|Lawson|
Henry Schein|Patterson Dental Supply|athenahealth|
Bloomberg|LexisNexis|Ansys|BMC Software|Emerald Software Group|Grafana Labs|
Quest Software|Netsmart|Kodak Dental Systems|Open Text|OpenText
""".replace("\n", "").split("|"), key=lambda v: (-len(v), v))

# O*NET commodity title -> category (first matching substring wins).
COMMODITY_CATEGORY = [
    ("operating system", "operating-system"),
    ("data base management", "database"),
    ("data base user interface", "database"),
    ("object oriented data base", "database"),
    ("cloud-based", "cloud-platform"),
    ("development environment", "library-framework"),
    ("object or component oriented development", "library-framework"),
    ("web platform development", "library-framework"),
    ("graphical user interface development", "library-framework"),
    ("compiler", "library-framework"),
    ("program testing", "devops-tool"),
    ("configuration management", "devops-tool"),
    ("network monitoring", "devops-tool"),
    ("application server", "devops-tool"),
    ("transaction server", "devops-tool"),
    ("web server", "devops-tool"),
    ("enterprise application integration", "devops-tool"),
    ("clustering", "devops-tool"),
    ("backup or archival", "devops-tool"),
    ("storage", "devops-tool"),
    ("filesystem", "devops-tool"),
    ("file versioning", "devops-tool"),
]

# ESCO: first words that make a label a verb phrase (a competence, not a
# nameable piece of knowledge).
ESCO_VERBS = set("""
accept acclimatise accommodate achieve act adapt add address adhere adjust
administer adopt advertise advise advocate age align allocate alter analyse
answer anticipate apply appraise appreciate approach approve archive arrange
assemble assess assist assume attach attend audit authenticate avoid ban be
bend bind blast blow boil bolt brainstorm brief browse, budget build buffing
calculate calibrate call capture care carry carve cast chair check choose
clean clear climb coach collaborate collect colour communicate compare
compile complete comply comprehend compute conclude conduct conform consider
construct consult contact contribute control convert cooperate coordinate
cope count counsel create creatively critically critique customise cut
de-rig deal decide decode decorate define delegate deliver demonstrate
describe design detain detect determine develop devise diagnose
differentiate digitise dip direct disaggregate disassemble discharge discuss
disinfect dismantle dispense dispose disseminate distinguish document draft
draw drive dry dump dust dye educate empathise encourage enforce engage
enhance ensure entertain escort establish estimate evacuate evaluate examine
execute exercise exert explain export express extinguish extract fabricate
facilitate fasten feed fell file fill find finish fit fix focus follow
forecast form formulate galvanise gather give grade greet grind guarantee
guide handle have hear help hire hold identify impart implement imprint
improve increase influence inform initiate innovate inspect inspire install
instruct integrate interact interpret interrogate interview introduce
investigate involve issue join keep lacquer launching lay lead liaise lift
listen load lubricate maintain make manage manipulate manoeuvre manufacture
map mark match maximise measure meet melt memorise mentor minimise mitigate
mix model moderate monitor moor motivate mount move negotiate observe
obtain offer officiate operate optimise order organise oversee pack paint
participate pass patrol perform persuade place plan play polish pose
position practise prepare present preserve press prevent prioritise process
procure produce program promote propose protect provide publish pump
purchase quote raise react read rebuff receive recognise recommend
reconstruct record recruit reduce register regulate rehearse reinforce
relate remove render renew repackage repair replace report represent rescue
research resolve respect respond restrain review revise rewire ride rig
rinse run safeguard safely sand satisfy schedule screen screw seal search
secure seek select sell send set sew shape share show simulate smooth
solder solicit solve sort source speak specialise splice spot stack stain
stand stay stimulate stop store strip strive structure study stuff style
supervise supply support survey survive synthesise tabulate tackle take
teach tend test think tolerate trace track trade train transfer translate
transport treat trim troubleshoot tune tutor type understand undertake
unload update upgrade upsell use utilise validate value verify watch wax
wear work write accurately effective park practice proofread iron wet
cross-matching
""".split())

# ESCO labels ending in these words are descriptions of a topic rather than
# names that appear in postings ("accounting techniques", "types of wood").
ESCO_BAD_LAST = set("""
techniques technique principles principle processes process methods method
types products product regulations regulation legislation procedures
procedure industry standards standard materials material equipment
characteristics activities requirements needs rules practices policies
components systems tools machines machinery devices parts trends issues
sources concepts theory theories options services service items goods
features properties elements operations
""".split())
ESCO_BAD_FIRST = set("""
types characteristics principles kinds range sorts categories
""".split())


def norm_key(text):
    """Case-, accent- and punctuation-insensitive key ('+' and '#' kept)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.lstrip("=")
    return re.sub(r"[^0-9a-z+#]+", "", text)


def kebab(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("c++", "c-plus-plus").replace("c#", "c-sharp")
    text = text.replace("+", "-plus").replace("#", "-sharp").replace("&", "-and-")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return re.sub(r"-{2,}", "-", text) or "skill"


def split_aliases(field):
    return [a.strip() for a in field.split("|") if a.strip()]


class Catalog:
    def __init__(self):
        self.rows = []
        self.keys = {}          # norm key -> row id
        self.ids = set()
        self.onet = set()
        self.esco = set()
        self.source = {}        # id -> source tag

    def claim(self, row, source):
        self.rows.append(row)
        self.ids.add(row["id"])
        self.source[row["id"]] = source
        for form in [row["name"]] + split_aliases(row["aliases"]):
            self.keys.setdefault(norm_key(form), row["id"])
        if row["onet"]:
            self.onet.add(row["onet"])
        if row["esco"]:
            self.esco.add(row["esco"])

    def taken(self, forms):
        return any(norm_key(f) in self.keys for f in forms if norm_key(f))

    def new_id(self, name):
        base = kebab(name)
        cand, n = base, 2
        while cand in self.ids:
            cand = f"{base}-{n}"
            n += 1
        return cand


def is_acronym(tok):
    """'XML', 'J2EE', 'PL/I', 'VoIP'; not 'FoxPro' or 'SaaS'."""
    if not re.fullmatch(r"[A-Z][A-Za-z0-9/&.+-]{1,7}", tok):
        return False
    upper = sum(ch.isupper() for ch in tok)
    lower = sum(ch.islower() for ch in tok)
    return upper >= 2 and upper > lower and lower <= 1


def expands(acr, words):
    """True when acronym `acr` abbreviates a run of words ending at the end
    of `words`: 'XML' <- 'Extensible markup language', 'VHDL' <- '... VHSIC
    hardware description language'; 'HR' is not expanded by 'ADP Enterprise'."""
    letters = re.sub(r"[^a-z]", "", acr.lower())
    if not letters:
        return False
    for i in range(len(words) - 1, max(-1, len(words) - len(letters) - 4), -1):
        if not words[i] or words[i][0].lower() != letters[0]:
            continue
        text = " ".join(words[i:]).lower()
        pos, ok = 0, True
        for ch in letters:
            pos = text.find(ch, pos)
            if pos < 0:
                ok = False
                break
            pos += 1
        if ok and len(words) - i <= len(letters) + 1:
            return True
    return False


def distinctive(words):
    """A product name on its own: not only common or title words."""
    for w in words:
        core = re.sub(r"[^A-Za-z0-9]", "", w)
        if not core:
            continue
        if re.search(r"[a-z][A-Z]|[0-9]", core) or core.isupper() and len(core) > 4:
            return True
        if core.lower() not in COMMON_WORDS and core.lower() not in GENERIC_NAMES \
                and core.lower() not in TITLE_WORDS:
            return True
    return False


GENERIC_SUFFIX = re.compile(r"(ing|tion|sion|ics|ory|ry|al|ware|ment|ion|ive|ic)$")


def descriptive(words):
    """True when the words read as a plain description (lower-case words,
    an initial capital at most): 'Data analysis', 'Computer aided design',
    'Accounting'. A lone capitalised word counts only when it looks like an
    ordinary word ('Accounting', 'Payroll'), not a brand ('Alteryx')."""
    if len(words) == 1:
        core = re.sub(r"[^A-Za-z]", "", words[0])
        if not core:
            return False
        if core.islower():
            return True
        low = core.lower()
        return (core[0].isupper() and core[1:].islower()
                and (low in COMMON_WORDS or low in GENERIC_NAMES
                     or low in TITLE_WORDS or bool(GENERIC_SUFFIX.search(low))))
    for i, w in enumerate(words):
        core = re.sub(r"[^A-Za-z]", "", w)
        if not core:
            continue
        if core.islower():
            continue
        if i == 0 and core[0].isupper() and (len(core) == 1 or core[1:].islower()):
            continue
        return False
    return True


def ambiguous_name(name):
    low = name.lower()
    return len(re.sub(r"\s+", "", name)) <= 2 or low in COMMON_WORDS


def exact_alias(form):
    """'=' alias for short or word-like forms."""
    if len(form) <= 3 or form.lower() in COMMON_WORDS:
        return "=" + form
    return form


def make_row(cat, name, category, aliases, onet="", esco=""):
    amb = ambiguous_name(name)
    als = []
    if amb:
        als.append("=" + name)
    for a in aliases:
        if norm_key(a) == norm_key(name) and not a.startswith("="):
            continue
        if a not in als:
            als.append(a)
    if not amb:
        amb = any(a.lstrip("=").lower() in COMMON_WORDS or
                  len(a.lstrip("=")) <= 2 for a in als)
    return {
        "id": cat.new_id(name), "name": name, "category": category,
        "aliases": "|".join(als), "ambiguous": "yes" if amb else "no",
        "onet": onet, "esco": esco,
    }


# ---------------------------------------------------------------- O*NET --

def onet_category(commodity):
    low = commodity.lower()
    for needle, cat in COMMODITY_CATEGORY:
        if needle in low:
            return cat
    return "tool"


def clean_onet(example):
    """-> (name, aliases) or None when the example is generic."""
    name = example.strip()
    aliases = []
    # parenthesised acronym: "Human resource information system (HRIS)"
    m = re.match(r"^(.*?)\s*\(([^()]+)\)\s*(.*)$", name)
    if m:
        inner = m.group(2).strip()
        name = (m.group(1) + " " + m.group(3)).strip()
        if is_acronym(inner):
            aliases.append(inner)
        else:
            return None
    name = re.sub(r"\s+(software|software suite)$", "", name, flags=re.I).strip()
    words = name.split()
    if not words:
        return None
    if descriptive(words):
        # "Accounting software", "Data analysis": no product, no acronym
        if len(aliases) == 1:
            return aliases[0], [] if words[0].lower() in ("a", "an", "the") else [name]
        return None
    # trailing lower-case description after a product: "QuickBase business
    # management" -> "QuickBase"
    while len(words) > 1 and words[-1].islower() and not descriptive(words):
        words = words[:-1]
    # trailing acronym: "Extensible markup language XML" (the acronym becomes
    # the name), "Apache Subversion SVN" (the acronym becomes an alias)
    if len(words) >= 2 and is_acronym(words[-1]):
        acr, rest = words[-1], words[:-1]
        if descriptive(rest):
            long_form = " ".join(rest)
            if rest[0].lower() in ("a", "an", "the"):
                return acr, aliases      # "A programming language APL"
            return acr, [long_form] + aliases
        if expands(acr, rest):
            words = rest
            aliases.append(acr)
    name = " ".join(words)
    if name in VENDORS:
        return None
    # vendor prefix: keep the product name when it stands on its own
    for vendor in VENDORS:
        if name.startswith(vendor + " "):
            rest = name[len(vendor) + 1:].strip()
            rest_words = rest.split()
            if (len(rest) >= 3 and rest[0].isalnum() and distinctive(rest_words)
                    and not (len(rest_words) == 1 and is_acronym(rest) and len(rest) <= 4)):
                return rest, [name] + aliases
            break
    return name, aliases


def add_onet(cat, shared, counts):
    path = os.path.join(shared, "onet", "Technology Skills.txt")
    occ = collections.defaultdict(set)
    hot = set()
    commodity = collections.defaultdict(collections.Counter)
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            ex = r["Example"].strip()
            occ[ex].add(r["O*NET-SOC Code"])
            if r["Hot Technology"].strip().upper() == "Y":
                hot.add(ex)
            commodity[ex][r["Commodity Title"].strip()] += 1
    selected = sorted(e for e in occ if e in hot or len(occ[e]) >= 3)
    # hot technologies first, then by number of occupations, then by name
    selected.sort(key=lambda e: (e not in hot, -len(occ[e]), e))
    for ex in selected:
        if ex in ONET_SKIP or ex in cat.onet:
            counts["onet: skipped (listed or already curated)"] += 1
            continue
        cleaned = clean_onet(ex)
        if cleaned is None:
            counts["onet: skipped (generic)"] += 1
            continue
        name, aliases = cleaned
        aliases = [exact_alias(a) if is_acronym(a) else a for a in aliases]
        if name.lower() in GENERIC_NAMES or len(name) < 2:
            counts["onet: skipped (generic)"] += 1
            continue
        if cat.taken([name] + [a.lstrip("=") for a in aliases]):
            counts["onet: skipped (duplicate)"] += 1
            continue
        top = sorted(commodity[ex].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        category = onet_category(top)
        if re.search(r"\blanguage\b", ex, re.I) and category != "database":
            category = "programming-language"
        row = make_row(cat, name, category, aliases, onet=ex)
        cat.claim(row, "onet")
        counts["onet: added"] += 1


# ----------------------------------------------------------------- ESCO --

# Last words that make a 2-3 word ESCO label the name of a field or method
# ("civil engineering", "contract law", "market research").
ESCO_FIELD_LAST = set("""
engineering science sciences law medicine management marketing analysis
design technology technologies planning research studies modelling modeling
programming informatics development accounting auditing finance learning
intelligence vision reality computing economy energy trade relations surgery
care statistics analytics mining networks
""".split())
ESCO_FIELD_SUFFIX = re.compile(r"(ics|ology|ogy|graphy|nomy|istry|try|tecture|"
                               r"culture|ism)$")
ESCO_DATA_WORDS = ("data", "statistic", "machine learning", "deep learning",
                   "analytics", "mining", "neural", "algorithm",
                   "computer vision", "modelling")


def esco_candidate(label, language_names, ict_labels):
    """-> (name, category, ambiguous_hint) or None."""
    label = re.sub(r"\s+", " ", label).strip()
    m = re.fullmatch(r"(.+?) \(computer programming\)", label)
    if m:
        return m.group(1), "programming-language", False
    words = label.split()
    if not 1 <= len(words) <= 3:
        return None
    low = label.lower()
    lows = low.split()
    first, last = lows[0], lows[-1]
    if label in language_names:
        # a language is also a nationality adjective ("Danish universities")
        return label, "language", True
    if first in ESCO_VERBS or first in ESCO_BAD_FIRST or last in ESCO_BAD_LAST:
        return None
    if low in GENERIC_NAMES or "ict" in lows:
        return None
    if any(w in ("of", "and", "or", "with", "for", "in", "on", "to", "the")
           for w in lows):
        return None
    category = "data-ml-method" if any(k in low for k in ESCO_DATA_WORDS) else "domain"
    if label in ict_labels:
        return label, category, False
    if len(words) == 1:
        # one word: only names of fields ("acoustics", "toxicology",
        # "biotechnology", "journalism"), never plain nouns ("cameras")
        if not ESCO_FIELD_SUFFIX.search(low):
            return None
        return label, category, False
    if last in ESCO_FIELD_LAST or ESCO_FIELD_SUFFIX.search(last):
        return label, category, False
    return None


def add_esco(cat, shared, counts):
    path = os.path.join(shared, "esco", "skills_en.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = [(r["preferredLabel"].strip(), r["conceptUri"].strip())
                for r in csv.DictReader(f)]
    labels = {lab for lab, _ in rows}
    # language names: "X" where "understand spoken X" exists
    language_names = {l[len("understand spoken "):] for l in labels
                      if l.startswith("understand spoken ")}
    ict_labels = set()
    ict_path = os.path.join(shared, "esco", "ictSkillsCollection_en.csv")
    if os.path.exists(ict_path):
        with open(ict_path, encoding="utf-8", newline="") as f:
            ict_labels = {r["preferredLabel"].strip() for r in csv.DictReader(f)}
    for label, uri in sorted(rows, key=lambda r: (r[0].lower(), r[1])):
        if uri in cat.esco:
            counts["esco: skipped (already curated)"] += 1
            continue
        cand = esco_candidate(label, language_names, ict_labels)
        if cand is None:
            counts["esco: skipped (competence or vague label)"] += 1
            continue
        name, category, amb_hint = cand
        if cat.taken([name]):
            counts["esco: skipped (duplicate)"] += 1
            continue
        row = make_row(cat, name, category, [], esco=uri)
        if amb_hint and row["ambiguous"] != "yes":
            row["ambiguous"] = "yes"
        cat.claim(row, "esco")
        counts["esco: added"] += 1


# ---------------------------------------------------------------- links --
#
# After every row is in place, ids are attached to rows that lack them. This
# never adds, removes or renames a row or an alias, so which skills are tagged
# does not change; only the ids they carry.

def onet_commodities(shared):
    """Example name -> its commodity code (the code it is listed under most
    often; ties to the smaller code)."""
    path = os.path.join(shared, "onet", "Technology Skills.txt")
    codes = collections.defaultdict(collections.Counter)
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            codes[r["Example"].strip()][r["Commodity Code"].strip()] += 1
    return {ex: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            for ex, c in codes.items()}


def row_forms(row):
    """The name and every alias, without their '=' and '?' marks."""
    return [row["name"]] + [a.lstrip("?=").lstrip("=?").strip()
                            for a in split_aliases(row["aliases"])]


def link_onet(cat, commodities, counts):
    """O*NET name for rows without one: the catalog name equals an Example
    name, or the name an Example is cleaned to (`clean_onet`), ignoring case
    and punctuation, and no other Example claims the same key. Aliases are
    not used: short aliases ("R", "Go") name too many products."""
    by_key = collections.defaultdict(set)
    for ex in commodities:
        by_key[norm_key(ex)].add(ex)
        cleaned = clean_onet(ex)
        if cleaned is not None:
            by_key[norm_key(cleaned[0])].add(ex)
    taken = {r["onet"] for r in cat.rows if r["onet"]}
    for row in cat.rows:
        if row["onet"]:
            continue
        if row["ambiguous"] == "yes" or descriptive(row["name"].split()):
            # "Risk management" would find "Thomson Reuters Risk Management"
            continue
        found = by_key.get(norm_key(row["name"]), set()) - taken
        if len(found) == 1:
            row["onet"] = found.pop()
            taken.add(row["onet"])
            counts["links: onet name by catalog name"] += 1
    for row in cat.rows:
        row["onet_code"] = commodities.get(row["onet"], "") if row["onet"] else ""
        if row["onet"] and not row["onet_code"]:
            sys.exit(f"O*NET example {row['onet']!r} of {row['id']} is not in "
                     f"Technology Skills.txt")


def esco_preferred_labels(shared):
    """norm key -> set of (uri, label) over the ESCO files in SHARED/esco:
    preferred labels of skills_en.csv (its altLabels column is misaligned
    and is not read), and preferred and alternative labels of the ICT and
    transversal collections (whose altLabels are aligned). A trailing
    qualifier ("Python (computer programming)") also gives the bare name."""
    index = collections.defaultdict(set)

    def add(label, uri):
        label = re.sub(r"\s+", " ", label).strip()
        if not label:
            return
        index[norm_key(label)].add((uri, label))
        bare = re.sub(r"\s*\([^()]*\)$", "", label)
        if bare != label:
            index[norm_key(bare)].add((uri, label))

    labels = {}
    with open(os.path.join(shared, "esco", "skills_en.csv"), encoding="utf-8",
              newline="") as f:
        for r in csv.DictReader(f):
            add(r["preferredLabel"], r["conceptUri"].strip())
            labels[r["conceptUri"].strip()] = r["preferredLabel"].strip()
    for name in ("ictSkillsCollection_en.csv", "transversalSkillsCollection_en.csv"):
        path = os.path.join(shared, "esco", name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                uri = r["conceptUri"].strip()
                add(r["preferredLabel"], uri)
                labels[uri] = r["preferredLabel"].strip()
                for alt in r["altLabels"].split("|"):
                    # an alternative label names the concept only as a
                    # whole phrase: at least two words
                    if len(alt.split()) >= 2:
                        index[norm_key(alt)].add((uri, r["preferredLabel"].strip()))
    return index, labels


def load_esco_links(path):
    """The reviewed links: id -> (uri, label, how)."""
    links = {}
    if not os.path.exists(path):
        return links
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ESCO_LINK_COLUMNS:
            sys.exit(f"{path}: columns must be exactly {','.join(ESCO_LINK_COLUMNS)}")
        for n, r in enumerate(reader, start=2):
            r = {k: (r[k] or "").strip() for k in ESCO_LINK_COLUMNS}
            if r["how"] not in ESCO_LINK_HOWS:
                sys.exit(f"{path}:{n}: how must be one of {sorted(ESCO_LINK_HOWS)}")
            if (r["how"] == "none") != (r["esco"] == ""):
                sys.exit(f"{path}:{n}: a link needs a URI, and `none` has none")
            if r["esco"] and not r["esco"].startswith("http://data.europa.eu/esco/skill/"):
                sys.exit(f"{path}:{n}: not an ESCO skill URI: {r['esco']}")
            if r["id"] in links:
                sys.exit(f"{path}:{n}: duplicate id {r['id']}")
            links[r["id"]] = (r["esco"], r["esco_label"], r["how"])
    return links


def link_esco(cat, shared, links, counts):
    """ESCO URI for rows without one, in this order:
    1. esco_links.csv (reviewed; `none` keeps a row unlinked);
    2. the catalog name, or else one of its aliases of 4+ characters, equals
       the preferred label of exactly one concept in SHARED/esco
       (case- and punctuation-insensitive, qualifier ignored), or a 2+ word
       alternative label in the ICT or transversal collections."""
    index, labels = esco_preferred_labels(shared)
    known = {r["id"] for r in cat.rows}
    for skill_id in sorted(links):
        if skill_id not in known:
            sys.exit(f"esco_links.csv: no catalog row has id {skill_id}")
    for row in cat.rows:
        if row["esco"] and row["id"] in links:
            sys.exit(f"esco_links.csv: {row['id']} already has an ESCO URI in curated.csv")
        if row["esco"]:
            continue
        link = links.get(row["id"])
        if link is not None:
            uri, label, how = link
            if uri in labels and labels[uri] != label:
                sys.exit(f"esco_links.csv: {row['id']}: {uri} is {labels[uri]!r} "
                         f"in ESCO, not {label!r}")
            row["esco"] = uri
            counts[f"links: esco by esco_links.csv ({how})"] += 1
            continue
        forms = [row["name"]] + [f for f in row_forms(row)[1:] if len(f) >= 4]
        for k, form in enumerate(forms):
            found = {uri for uri, _ in index.get(norm_key(form), ())}
            if len(found) == 1:
                row["esco"] = found.pop()
                counts["links: esco by " + ("name" if k == 0 else "alias")
                       + " = ESCO label"] += 1
                break


# ----------------------------------------------------------------- main --

def load_curated(path, cat):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != CURATED_COLUMNS:
            sys.exit(f"{path}: columns must be exactly {','.join(CURATED_COLUMNS)}")
        for n, r in enumerate(reader, start=2):
            r = {k: (r[k] or "").strip() for k in CURATED_COLUMNS}
            if r["id"] in cat.ids:
                sys.exit(f"{path}:{n}: duplicate id {r['id']}")
            if r["category"] not in CATEGORIES:
                sys.exit(f"{path}:{n}: unknown category {r['category']}")
            if r["ambiguous"] not in ("yes", "no"):
                sys.exit(f"{path}:{n}: ambiguous must be yes or no")
            cat.claim(r, "curated")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(repo, "..", "shared", "data"),
                    help="folder holding onet/ and esco/ (default: ../shared/data "
                         "relative to the repo root)")
    ap.add_argument("--curated", default=os.path.join(here, "curated.csv"))
    ap.add_argument("--out", default=os.path.join(here, "catalog.csv"))
    ap.add_argument("--esco-links", default=os.path.join(here, "esco_links.csv"),
                    help="reviewed ESCO links (id,esco,esco_label,how)")
    ap.add_argument("--no-onet", action="store_true")
    ap.add_argument("--no-esco", action="store_true")
    args = ap.parse_args()

    cat = Catalog()
    counts = collections.Counter()
    load_curated(args.curated, cat)
    if not args.no_onet:
        add_onet(cat, args.shared, counts)
    if not args.no_esco:
        add_esco(cat, args.shared, counts)
    for row in cat.rows:
        row.setdefault("onet_code", "")
    if not args.no_onet:
        link_onet(cat, onet_commodities(args.shared), counts)
    if not args.no_esco:
        link_esco(cat, args.shared, load_esco_links(args.esco_links), counts)

    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(cat.rows)
    os.replace(tmp, args.out)

    by_source = collections.Counter(cat.source[r["id"]] for r in cat.rows)
    by_cat = collections.Counter(r["category"] for r in cat.rows)
    amb = sum(r["ambiguous"] == "yes" for r in cat.rows)
    print(f"wrote {len(cat.rows)} rows to {args.out} ({amb} ambiguous)")
    print(f"ids: {sum(bool(r['esco']) for r in cat.rows)} with an ESCO URI, "
          f"{sum(bool(r['onet']) for r in cat.rows)} with an O*NET name")
    print("by source:")
    for k in ("curated", "onet", "esco"):
        print(f"  {k:10s} {by_source[k]:5d}")
    print("by category:")
    for k, v in sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {k:22s} {v:5d}")
    print("generator decisions:")
    for k, v in sorted(counts.items()):
        print(f"  {k:45s} {v:5d}")


if __name__ == "__main__":
    main()
