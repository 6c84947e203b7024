#!/usr/bin/env python3
"""Batch-labelling throughput and memory: jobtag vs scikit-learn vs fastText.

    python3 benches/batch_bench.py --jobtag target/release/jobtag --rows 100000 \
        [--input real|generated] [--sklearn-tokens default|tech] [--old-jobtag BIN] \
        [--repeat N] [--million] [--workdir DIR] [--json OUT] [--keep] [--reuse]

--postings real (the default) labels real postings: the development postings
(../shared/data/postings_dev.jsonl, 908 of them, never committed) repeated to
--rows, each copy with its own id. --postings generated labels the synthetic
postings of generate() instead (the figures of sessions 2-6). scikit-learn
tokenizes as a new user would configure it: its default token pattern
(--sklearn-tokens default), or with --sklearn-tokens tech the tech-aware
pattern of benches/baselines.py (keeps c++, c#, .net; its look-behind makes
it several times slower). --old-jobtag BIN also times another jobtag build in
every round and checks that its output is byte-identical (a refactor's
side-by-side check).

1. Runs `jobtag eval --recipe training/default.toml --folds 5 --export-folds DIR --format json`
   once and takes fold0_train.jsonl + fold0_test.jsonl as the training set (the data the
   shipped model is trained on).
2. Fits, untimed: scikit-learn (title and text TF-IDF 1-2-grams, one feature pipeline shared
   by both classifiers, + LogisticRegression C=10, balanced) and fastText supervised (epoch 25, lr 0.5, wordNgrams 2, dim 100, 200k buckets),
   one model for role and one for seniority each. They are pickled / saved in the workdir.
3. Generates a synthetic CSV (id,title,description) of --rows postings, ~2.5 KB each
   (see generate()), and times on it, each as a child under `/usr/bin/time -f "%e %M"`:
   jobtag label --keep-columns id (2 threads, rayon default; and 1 thread; and once more
   with every input column kept, its default), and a scikit-learn and a fastText worker
   (this script re-invoked with --worker) that stream the CSV with the csv module in chunks
   of 10,000 rows, predict role and seniority and write id and labels. Everything each
   system does between process start and exit is counted: model loading, CSV parsing,
   labelling, writing. jobtag also tags skills; the baselines do not.
   With --repeat N, all of these run N times in turn and each system's fastest run is
   reported (every round's times are listed too).
4. With --million, also labels a 1,000,000-row file with jobtag only (output to /dev/null).
5. Prints a markdown table and writes JSON (--json).

Needs only the standard library, numpy, scikit-learn and fasttext-wheel
(pip install -r benches/requirements.txt) and GNU time at /usr/bin/time.
"""

import os

# Single-threaded native pools (sklearn predict is single-threaded anyway): set before
# numpy/scipy/sklearn are imported, here and in the workers.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
           "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_v] = "1"

import argparse
import csv
import filecmp
import itertools
import json
import pickle
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

SEED = 0
WAIT = 900  # --wait-idle
CHUNK = 10_000
TIME_BIN = "/usr/bin/time"
TASKS = ("role", "seniority")
SENIORITIES = ["intern", "junior", "mid", "senior", "lead", "executive"]

# Same tokenizer as benches/baselines.py (keeps c++, c#, .net, node.js).
TOKEN_PATTERN = r"(?u)(?<![\w.])\.?\w[\w+#]*(?:\.\w[\w+#]*)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)
FT_TITLE_REPEAT = 3
FT_DESC_TOKENS = 50


def raise_csv_limit():
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10


# ============================================================================ generator
#
# All text below was written for this benchmark. Each role has titles, duties and skills;
# descriptions are assembled from sentence templates. Bullet pools are pre-rendered once
# per seed (so generation is fast), years/company/city are filled per posting.

ROLES = {
    "backend-developer": dict(
        titles=["Backend Developer", "Backend Engineer", "Java Developer", "Python Engineer",
                ".NET Developer", "Go Developer", "Node.js Developer", "PHP Developer",
                "Software Engineer, Backend", "Ruby on Rails Developer", "Kotlin Backend Engineer",
                "Server-Side Engineer", "Java Software Engineer", "C# Developer"],
        area="Backend Engineering",
        skills=["Java", "Spring Boot", "Python", "Django", "FastAPI", "Go", "Node.js",
                "PostgreSQL", "MySQL", "Redis", "Kafka", "RabbitMQ", "Docker", "Kubernetes",
                "REST", "gRPC", "microservices", "C#", ".NET", "Kotlin", "PHP", "Laravel",
                "AWS", "MongoDB", "GraphQL", "Hibernate", "Elasticsearch"],
        duties=["design and implement REST APIs for our web and mobile clients",
                "build and operate microservices that process millions of requests a day",
                "model database schemas and write efficient queries",
                "integrate payment providers and other third-party services",
                "improve the latency and throughput of our backend services",
                "break a legacy monolith into well-defined services",
                "write unit and integration tests for server-side code",
                "take part in code reviews and on-call rotations",
                "design event-driven workflows on top of message queues"]),
    "frontend-developer": dict(
        titles=["Frontend Developer", "Front-End Engineer", "React Developer",
                "Angular Engineer", "UI Developer", "Vue.js Developer", "JavaScript Developer",
                "Web Developer (Frontend)", "Frontend Software Engineer", "React.js Engineer"],
        area="Frontend Engineering",
        skills=["JavaScript", "TypeScript", "React", "Redux", "Angular", "Vue.js", "HTML",
                "CSS", "Sass", "Webpack", "Vite", "Next.js", "Jest", "Cypress", "Storybook",
                "Tailwind CSS", "GraphQL", "RxJS", "web accessibility", "Figma"],
        duties=["build responsive user interfaces for our customer dashboard",
                "develop and maintain a shared component library",
                "turn designs into pixel-perfect, accessible web pages",
                "improve page load times and Core Web Vitals",
                "write unit and end-to-end tests for the browser application",
                "work with designers on the design system",
                "implement complex forms and checkout flows in the single-page app",
                "migrate legacy jQuery code to a modern framework"]),
    "fullstack-developer": dict(
        titles=["Full Stack Developer", "Fullstack Engineer", "Full-Stack Software Engineer",
                "Full Stack JavaScript Developer", "Full Stack Web Developer",
                "Full Stack Engineer (React/Node)", "Full Stack .NET Developer"],
        area="Engineering",
        skills=["JavaScript", "TypeScript", "React", "Node.js", "Express", "Python", "Django",
                "PostgreSQL", "MongoDB", "Docker", "AWS", "GraphQL", "Next.js", "Ruby on Rails",
                "Vue.js", "REST", "C#", "Angular", "Redis"],
        duties=["ship features end to end, from the database to the user interface",
                "build web applications on both the client and the server side",
                "design APIs and the front-end screens that use them",
                "own product features from idea to production",
                "maintain our web platform across the whole stack",
                "write automated tests for front-end and back-end code",
                "deploy and monitor the applications you build"]),
    "mobile-developer": dict(
        titles=["iOS Developer", "Android Engineer", "Flutter Developer",
                "React Native Developer", "Mobile Developer", "Mobile Software Engineer",
                "Android Developer", "iOS Engineer", "Mobile App Developer"],
        area="Mobile Engineering",
        skills=["Swift", "SwiftUI", "Objective-C", "Kotlin", "Jetpack Compose", "Android SDK",
                "Flutter", "Dart", "React Native", "Xcode", "Firebase", "Core Data", "RxSwift",
                "Gradle", "Combine", "Room", "Fastlane"],
        duties=["build new features for our iOS and Android apps",
                "improve app start-up time and crash-free sessions",
                "publish releases to the App Store and Google Play",
                "implement offline sync and push notifications",
                "work with designers on native mobile user experiences",
                "maintain the shared mobile component library",
                "write UI and unit tests for the mobile apps"]),
    "embedded-engineer": dict(
        titles=["Embedded Software Engineer", "Firmware Engineer", "Embedded C Developer",
                "Embedded Systems Engineer", "Embedded Linux Engineer", "Firmware Developer",
                "Embedded C++ Engineer"],
        area="Embedded Systems",
        skills=["C", "C++", "RTOS", "FreeRTOS", "Embedded Linux", "ARM Cortex-M", "SPI",
                "I2C", "UART", "CAN bus", "Yocto", "JTAG", "MISRA C", "Zephyr", "Bluetooth Low Energy",
                "Python", "oscilloscopes"],
        duties=["develop firmware for battery-powered sensor devices",
                "write low-level drivers for microcontroller peripherals",
                "bring up new hardware boards together with electronics engineers",
                "debug timing issues with oscilloscopes and logic analysers",
                "optimise memory use and power consumption on constrained devices",
                "maintain the embedded Linux build and board support packages",
                "implement over-the-air firmware updates"]),
    "game-developer": dict(
        titles=["Unity Developer", "Unreal Engineer", "Gameplay Programmer", "Game Developer",
                "Graphics Programmer", "Game Engine Programmer", "Unity Game Developer",
                "Gameplay Engineer"],
        area="Game Development",
        skills=["Unity", "C#", "Unreal Engine", "C++", "HLSL", "OpenGL", "Vulkan", "DirectX",
                "Blueprints", "Perforce", "multiplayer networking", "shaders", "Havok"],
        duties=["implement gameplay mechanics and player abilities",
                "work with game designers to prototype new features",
                "optimise frame rate and memory on consoles and mobile",
                "build tools for level designers and artists",
                "develop rendering features and shaders",
                "fix bugs reported by QA before each milestone",
                "maintain the multiplayer networking layer"]),
    "qa-engineer": dict(
        titles=["QA Engineer", "SDET", "Test Automation Engineer", "Manual Tester",
                "QA Analyst", "Software Tester", "Quality Assurance Engineer",
                "QA Automation Engineer", "Software Development Engineer in Test"],
        area="Quality Assurance",
        skills=["Selenium", "Cypress", "Playwright", "Appium", "JUnit", "TestNG", "pytest",
                "Postman", "JMeter", "Jira", "TestRail", "Cucumber", "REST Assured", "Java",
                "Python", "SQL"],
        duties=["design and execute manual and automated test cases",
                "build and maintain the test automation framework",
                "write end-to-end tests for web and mobile applications",
                "report, track and verify defects",
                "run regression, performance and load tests before releases",
                "integrate automated tests into the CI pipeline",
                "define the test strategy together with developers"]),
    "devops-engineer": dict(
        titles=["DevOps Engineer", "Site Reliability Engineer", "SRE", "Platform Engineer",
                "Cloud Engineer", "Infrastructure Engineer", "Linux System Administrator",
                "Build and Release Engineer", "Cloud Infrastructure Engineer", "DevOps Specialist"],
        area="Platform Engineering",
        skills=["Kubernetes", "Docker", "Terraform", "Ansible", "AWS", "Azure", "GCP",
                "Jenkins", "GitLab CI", "GitHub Actions", "Prometheus", "Grafana", "Helm",
                "Linux", "Bash", "Argo CD", "Python", "Nginx", "Vault"],
        duties=["build and operate our Kubernetes clusters",
                "manage cloud infrastructure as code",
                "maintain CI/CD pipelines for dozens of services",
                "set up monitoring, alerting and logging",
                "improve the reliability and cost of the platform",
                "automate server provisioning and configuration",
                "lead incident response and write post-mortems",
                "help development teams deploy safely and often"]),
    "security-engineer": dict(
        titles=["Security Engineer", "Penetration Tester", "SOC Analyst",
                "Application Security Engineer", "Cloud Security Engineer",
                "Information Security Analyst", "Cyber Security Engineer", "Security Analyst"],
        area="Information Security",
        skills=["SIEM", "Splunk", "Burp Suite", "OWASP", "penetration testing",
                "threat modeling", "IAM", "ISO 27001", "incident response", "Wireshark",
                "Metasploit", "CISSP", "OSCP", "vulnerability management", "EDR", "Python"],
        duties=["perform penetration tests of web applications and infrastructure",
                "monitor security alerts and investigate incidents",
                "run threat modelling sessions with engineering teams",
                "manage vulnerability scanning and remediation",
                "harden cloud accounts and identity and access management",
                "prepare the company for ISO 27001 and SOC 2 audits",
                "review code and architecture for security issues"]),
    "data-engineer": dict(
        titles=["Data Engineer", "Big Data Engineer", "ETL Developer", "Analytics Engineer",
                "Data Platform Engineer", "Data Pipeline Engineer", "Cloud Data Engineer",
                "Data Warehouse Engineer"],
        area="Data Engineering",
        skills=["Python", "SQL", "Spark", "Airflow", "dbt", "Kafka", "Snowflake", "BigQuery",
                "Databricks", "Redshift", "Hadoop", "Scala", "Delta Lake", "AWS Glue", "Flink",
                "Terraform", "Docker"],
        duties=["build batch and streaming data pipelines",
                "design the data warehouse and its data models",
                "orchestrate ETL jobs and keep them reliable",
                "ingest data from APIs, databases and event streams",
                "optimise Spark jobs and warehouse costs",
                "ensure data quality with tests and monitoring",
                "provide clean datasets to analysts and data scientists"]),
    "data-analyst": dict(
        titles=["Data Analyst", "BI Analyst", "Business Intelligence Developer",
                "Reporting Analyst", "Marketing Data Analyst", "Product Analyst",
                "Business Intelligence Analyst", "Data & Reporting Analyst"],
        area="Analytics",
        skills=["SQL", "Excel", "Tableau", "Power BI", "Looker", "Python", "Google Analytics",
                "DAX", "statistics", "A/B testing", "R programming", "BigQuery"],
        duties=["build dashboards and reports for the leadership team",
                "analyse customer behaviour and present recommendations",
                "define and track business KPIs",
                "answer ad-hoc questions from sales, marketing and finance",
                "analyse the results of A/B tests",
                "maintain the reporting data model in the BI tool",
                "automate recurring reports"]),
    "data-scientist": dict(
        titles=["Data Scientist", "Decision Scientist", "Statistician",
                "Applied Data Scientist", "Data Scientist, Pricing", "Product Data Scientist",
                "Data Scientist (Forecasting)"],
        area="Data Science",
        skills=["Python", "R programming", "SQL", "pandas", "scikit-learn", "statistics",
                "machine learning", "XGBoost", "A/B testing", "Bayesian statistics",
                "causal inference", "time series forecasting", "Jupyter", "NumPy"],
        duties=["build statistical and machine learning models for pricing and demand",
                "design experiments and analyse their results",
                "turn business questions into analyses and models",
                "develop forecasting models for operations planning",
                "communicate insights to non-technical stakeholders",
                "explore large datasets to find opportunities",
                "work with engineers to put models into production"]),
    "ml-engineer": dict(
        titles=["Machine Learning Engineer", "ML Engineer", "AI Engineer", "MLOps Engineer",
                "Deep Learning Engineer", "LLM Engineer", "Computer Vision Engineer",
                "Machine Learning Platform Engineer", "NLP Engineer"],
        area="Machine Learning",
        skills=["Python", "PyTorch", "TensorFlow", "MLflow", "Kubeflow", "Docker", "Kubernetes",
                "Hugging Face Transformers", "ONNX", "Ray", "feature stores", "LLMs",
                "Amazon SageMaker", "Vertex AI", "CUDA", "FastAPI"],
        duties=["take models from notebooks to production services",
                "build training and inference pipelines",
                "serve models behind low-latency APIs",
                "monitor model quality, drift and latency",
                "fine-tune and evaluate large language models",
                "build the internal machine learning platform",
                "optimise inference on GPUs"]),
    "research-scientist": dict(
        titles=["Research Scientist", "Applied Scientist", "Research Engineer",
                "Postdoctoral Researcher in Machine Learning",
                "Professor of Artificial Intelligence", "AI Research Scientist",
                "Research Scientist, NLP", "PhD Researcher"],
        area="Research",
        skills=["PyTorch", "JAX", "deep learning", "reinforcement learning", "NLP",
                "computer vision", "probabilistic modelling", "optimization", "Python", "C++",
                "LaTeX", "large-scale training"],
        duties=["conduct original research in machine learning",
                "publish at top venues such as NeurIPS, ICML and ACL",
                "design and run large-scale experiments",
                "turn research ideas into prototypes",
                "supervise PhD students and interns",
                "collaborate with product teams on applied research",
                "write grant proposals and technical reports"]),
    "data-manager": dict(
        titles=["Data Manager", "Data Governance Lead", "Data Steward",
                "Data Quality Manager", "Master Data Manager", "Data Controls Analyst",
                "Data Governance Manager", "Master Data Specialist"],
        area="Data Governance",
        skills=["data governance", "data quality", "master data management", "Collibra",
                "Informatica", "GDPR", "data lineage", "metadata management", "SQL", "SAP MDG",
                "data catalogs", "Excel"],
        duties=["define and roll out the data governance framework",
                "own data quality rules and monitor them",
                "maintain the business glossary and data catalogue",
                "manage master data for customers, products and suppliers",
                "ensure compliance with GDPR and internal policies",
                "coordinate data owners and data stewards across departments",
                "document data lineage for regulatory reporting"]),
    "product-manager": dict(
        titles=["Product Manager", "Product Owner", "Technical Product Manager",
                "Digital Product Manager", "Product Manager, Payments", "Growth Product Manager"],
        area="Product",
        skills=["product discovery", "roadmapping", "Jira", "Confluence", "user research",
                "A/B testing", "OKRs", "SQL", "Amplitude", "stakeholder management", "Agile",
                "Scrum"],
        duties=["own the product roadmap for your area",
                "run discovery with customers and turn insights into requirements",
                "prioritise the backlog with the engineering team",
                "define success metrics and track them after launch",
                "align stakeholders from sales, support and marketing",
                "write clear user stories and acceptance criteria",
                "decide what not to build"]),
    "project-manager": dict(
        titles=["Project Manager", "Scrum Master", "Delivery Manager", "IT Project Manager",
                "Agile Coach", "Technical Project Manager", "Program Manager",
                "Project Coordinator"],
        area="Delivery",
        skills=["Scrum", "Kanban", "Jira", "PRINCE2", "PMP", "MS Project", "Confluence",
                "risk management", "budgeting", "SAFe", "stakeholder management"],
        duties=["plan and deliver IT projects on time and on budget",
                "facilitate sprint planning, stand-ups and retrospectives",
                "manage risks, dependencies and project scope",
                "report project status to steering committees",
                "coordinate internal teams and external vendors",
                "coach teams in agile practices",
                "track budgets and resource plans"]),
    "business-analyst": dict(
        titles=["Business Analyst", "Systems Analyst", "IT Business Analyst",
                "Business Systems Analyst", "Requirements Engineer", "Functional Analyst"],
        area="Business Analysis",
        skills=["requirements engineering", "BPMN", "UML", "SQL", "Jira", "Confluence",
                "process modelling", "user stories", "SAP", "Visio", "stakeholder management"],
        duties=["gather and document business requirements",
                "model current and future business processes",
                "translate business needs into functional specifications",
                "act as the link between business stakeholders and IT",
                "support user acceptance testing",
                "analyse systems and propose improvements",
                "write user stories and maintain the backlog"]),
    "designer": dict(
        titles=["UX Designer", "UI/UX Designer", "Product Designer", "Graphic Designer",
                "UX Researcher", "Visual Designer", "Interaction Designer", "UI Designer"],
        area="Design",
        skills=["Figma", "Sketch", "Adobe XD", "Adobe Photoshop", "Adobe Illustrator",
                "prototyping", "user research", "design systems", "usability testing",
                "wireframing", "InVision"],
        duties=["design user flows, wireframes and high-fidelity mock-ups",
                "run user interviews and usability tests",
                "maintain and extend our design system",
                "create visual assets for marketing and product",
                "prototype new ideas and test them with customers",
                "work closely with product managers and engineers"]),
    "it-support": dict(
        titles=["IT Support Specialist", "Helpdesk Technician", "IT Administrator",
                "Service Desk Analyst", "Desktop Support Technician", "IT Support Engineer",
                "1st Level Support", "IT Technician"],
        area="IT",
        skills=["Windows", "Active Directory", "Microsoft 365", "ITIL", "Intune",
                "ServiceNow", "networking", "TCP/IP", "macOS", "Jamf", "Exchange",
                "hardware troubleshooting"],
        duties=["resolve hardware and software issues for employees",
                "set up laptops, phones and accounts for new joiners",
                "manage user accounts in Active Directory and Microsoft 365",
                "handle tickets in the service desk tool",
                "maintain printers, meeting rooms and office networks",
                "document solutions in the knowledge base",
                "support employees on site and remotely"]),
    "other": dict(
        titles=["Account Executive", "Recruiter", "Accountant", "Marketing Manager",
                "Sales Development Representative", "HR Business Partner",
                "Customer Success Manager", "Financial Controller", "Office Manager",
                "Content Writer", "Talent Acquisition Specialist", "Payroll Specialist",
                "Logistics Coordinator", "Legal Counsel", "Key Account Manager"],
        area="Operations",
        skills=["Salesforce", "HubSpot", "Excel", "SAP", "negotiation", "CRM", "Google Ads",
                "SEO", "IFRS", "payroll", "Workday", "cold calling", "copywriting"],
        duties=["manage relationships with key customers",
                "source and interview candidates",
                "prepare monthly and annual financial statements",
                "plan and run marketing campaigns",
                "generate new leads and book meetings",
                "support managers with HR processes",
                "coordinate office operations and suppliers",
                "write content for the website and newsletters"]),
}
ROLE_IDS = list(ROLES)
# relative frequency of roles in the generated data
ROLE_FREQ = {"backend-developer": 12, "frontend-developer": 7, "fullstack-developer": 6,
             "mobile-developer": 4, "embedded-engineer": 3, "game-developer": 2,
             "qa-engineer": 5, "devops-engineer": 7, "security-engineer": 3,
             "data-engineer": 6, "data-analyst": 5, "data-scientist": 5, "ml-engineer": 4,
             "research-scientist": 2, "data-manager": 2, "product-manager": 4,
             "project-manager": 4, "business-analyst": 3, "designer": 3, "it-support": 3,
             "other": 10}
SEN_FREQ = {"intern": 4, "junior": 15, "mid": 30, "senior": 30, "lead": 13, "executive": 8}
SEN_TITLE = {
    "intern": ["Intern", "Trainee", "Working Student", "Internship:", "Praktikant"],
    "junior": ["Junior", "Jr.", "Graduate", "Entry Level", "Junior"],
    "mid": ["", "", "", "", "Mid", "Mid-Level", "Regular", "Middle"],
    "senior": ["Senior", "Senior", "Sr.", "Experienced", "Senior"],
    "lead": ["Lead", "Staff", "Principal", "Team Lead", "Lead"],
}
SEN_SUFFIX = {"junior": [" I"], "mid": [" II"], "senior": [" III"]}
SEN_YEARS = {"intern": (0, 0), "junior": (1, 2), "mid": (2, 4), "senior": (5, 7),
             "lead": (7, 10), "executive": (10, 15)}
EXEC_TITLES = ["Head of {area}", "Director of {area}", "VP {area}", "VP of {area}",
               "{area} Director", "Head of {area} ({city})", "Senior Director, {area}",
               "Head of {area} & {team}"]
VAGUE_TITLES = ["Engineer", "Software Engineer", "Consultant", "Analyst", "Specialist",
                "Developer", "IT Consultant", "IT Specialist", "Technical Consultant",
                "Software Developer", "Programmer", "Team Member", "Associate"]
TITLE_DECOR = [" (m/f/d)", " - Remote", ", {city}", " | {company}", " (Hybrid)",
               " - {city} or Remote", " (Contract)", " (f/m/x)", " [Remote, EU]",
               " – Full Time", " (B2B)", ", {city} (on-site)"]

CITIES = ["Berlin", "Warsaw", "Kraków", "Amsterdam", "London", "Lisbon", "Barcelona",
          "Prague", "Vienna", "Munich", "Zurich", "Stockholm", "Dublin", "Paris", "Toronto",
          "Austin", "New York", "Wrocław", "Copenhagen", "Helsinki", "Madrid", "Tallinn"]
INDUSTRIES = ["fintech", "healthtech", "e-commerce", "logistics", "insurance", "automotive",
              "gaming", "energy", "telecommunications", "retail", "travel", "media",
              "cybersecurity", "edtech", "proptech", "biotech", "agritech", "banking",
              "consulting", "public sector", "manufacturing", "food delivery"]
CUSTOMERS = ["small businesses", "hospitals", "online retailers", "banks",
             "logistics companies", "millions of players", "students", "farmers", "insurers",
             "city governments", "airlines", "restaurants", "freelancers", "car makers"]
GOALS = ["manage their finances", "ship parcels faster", "understand their data",
         "reduce energy costs", "hire better people", "detect fraud", "serve their patients",
         "sell online", "plan their operations", "learn new skills", "stay secure",
         "cut paperwork", "make better decisions"]
ADJ = ["a fast-growing", "a profitable", "an international", "an award-winning",
       "a product-led", "a bootstrapped", "a venture-backed", "a family-owned",
       "a mission-driven", "a well-established", "a remote-first", "an independent"]
CO_A = ["Nord", "Blue", "Quant", "Apex", "Lumen", "Vertex", "Orbit", "Pixel", "Cedar",
        "Nova", "Kite", "Atlas", "Harbor", "Solid", "Bright", "Iron", "Silver", "Green",
        "Delta", "Echo", "Polar", "Swift", "Clear", "True", "Open", "Red", "Tidal"]
CO_B = ["soft", "ly", "works", " Labs", " Systems", " Analytics", " Health", " Bank",
        " Logistics", "data", " Group", " Technologies", " AI", "flow", "stack", " Digital",
        " Solutions", "io", " Games", " Energy", " Insurance", " Retail"]
PARTNERS = ["product managers", "designers", "data scientists", "the platform team",
            "stakeholders across the business", "our customers", "engineering leadership",
            "the QA team", "other engineers", "cross-functional teams", "the support team",
            "our partners"]
FIELDS = ["Computer Science", "Mathematics", "Statistics", "Physics", "Engineering",
          "Information Systems", "Economics", "a related field", "Electrical Engineering"]
LANGS = ["German", "Polish", "Dutch", "French", "Spanish", "Swedish", "Czech", "Portuguese"]
TEAMS = ["Payments", "Growth", "Core Platform", "Search", "Checkout", "Data", "Risk",
         "Customer Experience", "Marketplace", "Infrastructure", "Mobile", "Insights"]

INTRO_T = [
    "@C@ is {adj} {ind} company headquartered in {city}.",
    "Founded in {year}, @C@ helps {cust} {goal}.",
    "We are @C@, a team of {n} people building software that helps {cust} {goal}.",
    "At @C@, we believe technology should help {cust} {goal}.",
    "@C@ has grown to more than {n} employees across {k} offices in Europe and North America.",
    "Our platform is used by {m} {cust} in over {k} countries.",
    "Backed by leading investors, we closed our Series {letter} round in {year}.",
    "We are {adj} {ind} scale-up with a strong engineering culture.",
    "Join @C@ - the {ind} platform trusted by {m} {cust}.",
    "@C@ is one of the leading {ind} companies in {city}, with {adj} culture and big plans.",
    "Since {year} we have helped {cust} {goal}, and we are just getting started.",
    "Our client, {adj} {ind} company based in {city}, is looking to grow its team.",
    "@C@ builds tools for {cust}. We are profitable, independent and growing every year.",
    "Our products run in {k} countries and process {m} transactions every month.",
    "We combine the stability of an established {ind} business with the pace of a start-up.",
    "Our offices in {city} are a short walk from the main station, but most of us work remotely.",
    "Last year we were named one of the best places to work in {city}.",
    "We're {adj} company of {n} people, and our mission is simple: help {cust} {goal}.",
]
ROLE_INTRO_T = [
    "We are looking for a {sen_adj}{title} to join our {team} team in {city}.",
    "As a {sen_adj}{title} at @C@, you will {duty}.",
    "You will join a team of {k} engineers and work with {partner} on everything from {duty2} to {duty3}.",
    "In this role you will {duty} and help us {duty2}.",
    "This is a {mode} position based in {city}, reporting to the {boss}.",
    "The {team} team is responsible for the systems that help our customers {goal}.",
    "Your work will directly affect how {m} {cust} use our product every day.",
    "We work in small, autonomous teams and release to production several times a day.",
    "Our \"you build it, you run it\" culture means you will own what you ship.",
    "We're hiring a {sen_adj}{title} who enjoys ownership and clear communication.",
    "The role sits in our {team} team, which is {k} people strong and growing.",
    "You will help us {duty2}, a top priority for the next twelve months.",
    "Most of the team works remotely, and we meet in {city} once a quarter.",
    "We value simple solutions, written communication and a healthy work-life balance.",
]
TEAM_T = ["The team: {k} people from {k2} countries, a product manager and a designer.",
          "We care about code reviews, documentation and sharing knowledge in weekly demos.",
          "You will have a dedicated onboarding buddy and a clear plan for your first 90 days.",
          "We use {sk} and {sk2} every day and are open to new tools when they make sense.",
          "Our engineering blog and open-source projects show how we work.",
          "Decisions are made close to the work: the team that builds a feature owns it.",
          "We plan in six-week cycles and leave time for technical improvements."]
TEAM_H = ["About the team", "How we work", "Our team", "Life at @C@"]
BOSSES = ["Head of Engineering", "CTO", "Engineering Manager", "VP of Product",
          "team lead", "Director of Data", "Head of IT", "COO"]
MODES = ["full-time", "hybrid", "fully remote", "on-site", "full-time, remote-friendly"]
SEN_SENT = {
    "intern": ["This is a {k}-month internship for students in their final years of study.",
               "As an intern you will learn from experienced mentors and work on real projects.",
               "The internship can be combined with your studies (20 hours per week)."],
    "junior": ["This is a great first role for graduates who want to learn quickly.",
               "You will be paired with a mentor and get time to grow your skills.",
               "We welcome career changers and recent bootcamp graduates."],
    "mid": ["You will work independently on features and contribute to technical decisions.",
            "You will take ownership of medium-sized projects from start to finish."],
    "senior": ["You will mentor less experienced colleagues and shape technical decisions.",
               "As a senior member of the team you will own complex projects end to end.",
               "You will set standards for quality and help the team grow."],
    "lead": ["You will lead a team of {k} people and stay hands-on.",
             "You will define the technical direction and coordinate several teams.",
             "As a lead you will mentor the team, run reviews and own the architecture."],
    "executive": ["You will build and lead the {area} department, reporting directly to the CEO.",
                  "You will own the strategy, budget and hiring for a department of {n} people.",
                  "As a member of the leadership team you will set goals for the whole organisation."],
}
RESP_H = ["What you'll do", "Responsibilities", "Your tasks", "In this role you will",
          "Your responsibilities", "What you will be doing", "Key responsibilities",
          "Your day-to-day", "The job"]
REQ_H = ["Requirements", "What you bring", "Must have", "Qualifications", "About you",
         "What we're looking for", "Your profile", "Required skills",
         "What we expect"]
NICE_H = ["Nice to have", "Bonus points", "Preferred qualifications", "It's a plus if you have",
          "Nice-to-have", "Extra points for", "Good to have"]
STACK_H = ["Our stack", "Tech stack", "Technologies we use", "Tools"]
BEN_H = ["What we offer", "Benefits", "Why join us", "We offer", "Perks", "What's in it for you"]
RESP_T = ["{Duty}", "{Duty} using {sk} and {sk2}", "{Duty}, working closely with {partner}",
          "{Duty} with {sk}", "Help {duty}", "Take ownership: {duty}",
          "Collaborate with {partner} to {duty}", "{Duty} and share what you learn with the team",
          "{Duty} in a {sk}-based environment", "Continuously improve the way we {duty}"]
REQ_T = ["Strong knowledge of {sk} and {sk2}", "Hands-on experience with {sk}",
         "Solid understanding of {sk}", "Experience with {sk}, {sk2} or {sk3}",
         "Proficiency in {sk}", "Familiarity with {sk} ({sk2} is a plus)",
         "Practical experience with {sk} in production", "Good knowledge of {sk}",
         "Degree in {field} or equivalent practical experience",
         "Fluent English; {lang} is an advantage",
         "Excellent communication skills and a collaborative mindset",
         "Ability to work independently in a fast-paced environment",
         "Experience working in agile teams", "You know how to {duty}",
         "Good command of {sk} and {sk2}", "Working knowledge of {sk}",
         "Analytical thinking and attention to detail"]
YEARS_T = ["{y}+ years of experience as a {title} or in a similar role",
           "{y}+ years of professional experience with {sk}",
           "At least {y} years of commercial experience with {sk}",
           "{sk} ({y} years)", "Minimum {y} years of relevant experience",
           "{y}+ years of hands-on {sk} experience"]
INTERN_REQ = ["Currently enrolled in a Bachelor's or Master's programme in {field}",
              "Basic knowledge of {sk}", "Eagerness to learn and ask questions",
              "Available for at least {k} months"]
NICE_T = ["Experience with {sk}", "Knowledge of {sk} is a plus", "Exposure to {sk}",
          "Contributions to open-source projects", "Experience in the {ind} industry",
          "Familiarity with {sk} or {sk2}", "You have worked with {sk} before",
          "Experience in a start-up environment", "Interest in {ind}"]
BENEFITS = ["Competitive salary and an annual bonus", "{k} days of paid vacation",
            "Flexible working hours", "Remote-first culture with an office in {city}",
            "Private health insurance for you and your family",
            "Annual learning budget of {amt} EUR", "Employee stock options",
            "A laptop of your choice and any tools you need", "Gym membership",
            "Generous parental leave", "Team offsites twice a year", "Company pension plan",
            "Free lunch & snacks in the office", "Bike leasing", "Mental health support",
            "Home office allowance of {amt2} EUR", "Public transport ticket",
            "Budget for conferences and books", "Language courses", "Relocation support",
            "Salary range: {lo} - {hi} EUR gross per year", "B2B contract: {lo2}-{hi2} PLN net/month",
            "4-day work week in summer", "Sabbatical after {k2} years", "Dog-friendly office",
            "Regular hackathons and tech talks", "Modern office in the city centre",
            "Clear career paths and regular feedback"]
CLOSING = ["@C@ is an equal opportunity employer. We value diversity and do not discriminate "
           "on the basis of race, religion, gender, sexual orientation, age or disability.",
           "Sounds interesting? Apply with your CV - no cover letter needed.",
           "Please include a link to your GitHub profile or portfolio.",
           "We look forward to hearing from you!",
           "Recruitment process: a short call with our recruiter, a technical interview, "
           "a take-home task or pair programming session, and a final meeting with the team.",
           "By applying you agree to the processing of your personal data for this recruitment.",
           "Not sure you tick every box? Apply anyway - we care more about potential than checklists.",
           "Interviews are held remotely and in English."]


def _cap(s):
    return s[:1].upper() + s[1:]


def _build_pools(seed):
    """Pre-render bullet pools (deterministic for the seed)."""
    r = random.Random(seed * 7919 + 17)
    ch = r.choice

    def fill(t, role):
        spec = ROLES[role]
        sk = r.sample(spec["skills"], 3)
        duty = ch(spec["duties"])
        return t.format(Duty=_cap(duty), duty=duty, duty2=ch(spec["duties"]),
                        duty3=ch(spec["duties"]), sk=sk[0], sk2=sk[1], sk3=sk[2],
                        partner=ch(PARTNERS), field=ch(FIELDS), lang=ch(LANGS),
                        ind=ch(INDUSTRIES), k=r.randint(3, 12), title="@T@", team=ch(TEAMS),
                        city=ch(CITIES), mode=ch(MODES), boss=ch(BOSSES), goal=ch(GOALS),
                        m=f"{r.randint(2, 900)},000", cust=ch(CUSTOMERS), sen_adj="@S@",
                        area=spec["area"], n=r.randint(20, 3000))

    pools = {}
    for role in ROLE_IDS:
        pools[role] = {
            "resp": sorted({fill(ch(RESP_T), role) for _ in range(600)}),
            "req": sorted({fill(ch(REQ_T), role) for _ in range(600)}),
            "nice": sorted({fill(ch(NICE_T), role) for _ in range(300)}),
            "intern": sorted({fill(ch(INTERN_REQ), role) for _ in range(60)}),
            "sen": {s: sorted({fill(ch(SEN_SENT[s]), role) for _ in range(40)})
                    for s in SENIORITIES},
        }
    return pools


def _make_title(r, role, sen, company, city):
    spec = ROLES[role]
    rnd = r.random
    x = rnd()
    if x < 0.07:
        base, kind = r.choice(VAGUE_TITLES), "vague"
    elif x < 0.10 and role != "other":
        other = ROLE_IDS[int(rnd() * 20)]
        base = f"{r.choice(spec['titles'])} / {r.choice(ROLES[other]['titles'])}"
        kind = "mixed"
    else:
        base, kind = r.choice(spec["titles"]), "clear"
    if sen == "executive":
        title = r.choice(EXEC_TITLES).format(area=spec["area"], city=city,
                                             team=r.choice(TEAMS))
        if kind != "clear":
            kind = "exec-" + kind
    else:
        y = rnd()
        if sen in SEN_SUFFIX and y < 0.06:
            title = base + SEN_SUFFIX[sen][0]
        else:
            word = r.choice(SEN_TITLE[sen])
            if not word:
                title = base
            elif y < 0.75:
                title = f"{word} {base}"
            else:
                title = f"{base} ({word.rstrip(':')})"
    if rnd() < 0.3:
        title += r.choice(TITLE_DECOR).format(city=city, company=company)
    return title, kind


def _html_escape(s):
    return s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;")


def _render(sections, style, r):
    """sections: list of (heading or None, [paragraph lines] or None, [bullets] or None)."""
    if style == "html":
        out = []
        for head, paras, bullets in sections:
            if head:
                out.append(r.choice(["<h3>{}</h3>", "<p><strong>{}:</strong></p>",
                                     "<p><b>{}</b></p>"]).format(_html_escape(head)))
            if paras:
                out.append("<p>" + " ".join(_html_escape(p) for p in paras) + "</p>")
            if bullets:
                out.append("<ul>" + "".join(f"<li>{_html_escape(b)}</li>" for b in bullets)
                           + "</ul>")
        sep = "\n" if r.random() < 0.7 else ""
        text = sep.join(out)
        if r.random() < 0.3:
            text = text.replace(" years", "&nbsp;years").replace(" - ", " &ndash; ")
        return "<div>" + text + "</div>" if r.random() < 0.5 else text
    if style == "pipe":
        parts = []
        for head, paras, bullets in sections:
            if head:
                parts.append(head + ":")
            if paras:
                parts.extend(paras)
            if bullets:
                parts.extend("- " + b for b in bullets)
        return " | ".join(parts)
    mark = r.choice(["- ", "• ", "* ", "– ", "· "])
    out = []
    for head, paras, bullets in sections:
        block = []
        if head:
            block.append(head + ":" if r.random() < 0.6 else head)
        if paras:
            block.append(" ".join(paras))
        if bullets:
            block.extend(mark + b for b in bullets)
        out.append("\n".join(block))
    return "\n\n".join(out)


def generate(n, path, seed=SEED, truth_path=None):
    """Write n synthetic postings (id,title,description) to `path`, deterministic for `seed`.

    Titles: 20 roles + other, seniority words and forms, ~7% vague and ~3% mixed titles,
    some decorations. Descriptions (~2.5 KB): company intro, role paragraph, seniority
    sentence, responsibilities, requirements with "N+ years" matching the seniority, optional
    nice-to-have and stack, benefits, closing; ~20% HTML (with entities), ~5% "|"-separated.
    With truth_path, also writes id,role,seniority,title_kind (the generator's intent).
    """
    pools = _build_pools(seed)
    r = random.Random(seed)
    rnd, ch, sample, randint = r.random, r.choice, r.sample, r.randint
    role_tab = [k for k, v in ROLE_FREQ.items() for _ in range(v)]
    sen_tab = [k for k, v in SEN_FREQ.items() for _ in range(v)]
    tmp = path + ".part"
    tf = open(truth_path, "w", newline="", encoding="utf-8") if truth_path else None
    tw = csv.writer(tf, lineterminator="\n") if tf else None
    if tw:
        tw.writerow(["id", "role", "seniority", "title_kind"])
    with open(tmp, "w", newline="", encoding="utf-8", buffering=1 << 20) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "title", "description"])
        batch, tbatch = [], []
        for i in range(n):
            role = role_tab[int(rnd() * len(role_tab))]
            sen = sen_tab[int(rnd() * len(sen_tab))]
            spec, pool = ROLES[role], pools[role]
            company = ch(CO_A) + ch(CO_B)
            city = ch(CITIES)
            title, kind = _make_title(r, role, sen, company, city)
            base_title = ch(spec["titles"])
            sen_adj = {"intern": "", "junior": "junior ", "mid": "", "senior": "senior ",
                       "lead": "lead ", "executive": ""}[sen]
            skills = spec["skills"]
            lo, hi = SEN_YEARS[sen]

            # per-posting facts, so that the prose of one posting is consistent
            v = dict(adj=ch(ADJ), ind=ch(INDUSTRIES), city=city, year=randint(1995, 2023),
                     cust=ch(CUSTOMERS), goal=ch(GOALS), n=randint(15, 5000),
                     k=randint(3, 40), k2=randint(2, 12), m=f"{randint(2, 900)},000",
                     letter=ch("ABCD"), team=ch(TEAMS), mode=ch(MODES), boss=ch(BOSSES),
                     partner=ch(PARTNERS), duty=ch(spec["duties"]),
                     duty2=ch(spec["duties"]), duty3=ch(spec["duties"]),
                     sk=ch(skills), sk2=ch(skills), sen_adj="@S@", title="@T@",
                     area=spec["area"])
            intro = [t.format(**v) for t in sample(INTRO_T, randint(2, 4))]
            role_par = [t.format(**v) for t in sample(ROLE_INTRO_T, randint(2, 4))]
            role_par.append(ch(pool["sen"][sen]))
            resp = sample(pool["resp"], randint(7, 10))
            if sen == "intern":
                req = sample(pool["intern"], 2) + sample(pool["req"], randint(4, 6))
            else:
                yb = [ch(YEARS_T).format(y=randint(lo, hi), sk=ch(skills),
                                         title=base_title)]
                if rnd() < 0.4:
                    yb.append(f"{randint(1, max(1, hi - 1))}+ years with {ch(skills)}")
                req = yb + sample(pool["req"], randint(6, 8))
                if rnd() < 0.5:
                    r.shuffle(req)
            sections = [(None, intro, None), ("About the role" if rnd() < 0.5 else None,
                                              role_par, None),
                        (ch(RESP_H), None, resp), (ch(REQ_H), None, req)]
            if rnd() < 0.5:
                sections.insert(2, (ch(TEAM_H) if rnd() < 0.6 else None,
                                    [t.format(**v) for t in sample(TEAM_T, randint(2, 3))],
                                    None))
            if rnd() < 0.7:
                sections.append((ch(NICE_H), None, sample(pool["nice"], randint(3, 5))))
            if rnd() < 0.3:
                sections.append((ch(STACK_H), [", ".join(sample(skills, randint(4, 7)))],
                                 None))
            ben = sample(BENEFITS, randint(5, 8))
            bv = dict(k=randint(24, 32), city=city, amt=ch((500, 1000, 1500, 2000, 3000)),
                      amt2=ch((300, 500, 800)), lo=randint(40, 90) * 1000,
                      hi=randint(91, 160) * 1000, lo2=randint(8, 20) * 1000,
                      hi2=randint(21, 38) * 1000, k2=randint(3, 7))
            sections.append((ch(BEN_H), None, [b.format(**bv) for b in ben]))
            sections.append((None, sample(CLOSING, randint(1, 3)), None))
            if rnd() < 0.3:
                sections[0] = (ch(["About us", "Who we are", "About @C@"]), intro, None)

            x = rnd()
            style = "html" if x < 0.20 else ("pipe" if x < 0.25 else "plain")
            desc = _render(sections, style, r)
            desc = (desc.replace("@C@", company).replace("@T@", base_title.lower()
                                                         if rnd() < 0.5 else base_title)
                    .replace("@S@", sen_adj))
            pid = f"p{i:07d}"
            batch.append((pid, title, desc))
            if tw:
                tbatch.append((pid, role, sen, kind))
            if len(batch) >= 2000:
                w.writerows(batch)
                batch.clear()
                if tw:
                    tw.writerows(tbatch)
                    tbatch.clear()
        w.writerows(batch)
        if tw:
            tw.writerows(tbatch)
    if tf:
        tf.close()
    os.replace(tmp, path)


# ======================================================================= baseline models

def ft_tokens(s):
    return TOKEN_RE.findall((s or "").lower())


def ft_line_fast(title, text):
    """Same string as baselines.ft_line: t_-prefixed title tokens x3 + first 50 description
    tokens; the description is only tokenised as far as needed."""
    t = ["t_" + x for x in ft_tokens(title)]
    d = [m.group(0) for m in itertools.islice(TOKEN_RE.finditer((text or "").lower()),
                                              FT_DESC_TOKENS)]
    return " ".join(t * FT_TITLE_REPEAT + d)


# scikit-learn's own default (TfidfVectorizer's token_pattern).
SKLEARN_DEFAULT_PATTERN = r"(?u)\b\w\w+\b"
SKLEARN_PATTERN = SKLEARN_DEFAULT_PATTERN


def make_sklearn_pipeline():
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    def vec():
        return TfidfVectorizer(lowercase=True, token_pattern=SKLEARN_PATTERN,
                               ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                               max_df=0.9, dtype=np.float32)
    # As in benches/baselines.py (title block weighted x2), with C fixed at 10.
    features = ColumnTransformer([("title", vec(), 0), ("text", vec(), 1)],
                                 transformer_weights={"title": 2.0, "text": 1.0})
    clf = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000,
                             random_state=SEED)
    return Pipeline([("features", features), ("clf", clf)])


def load_training(folds_dir):
    rows = []
    for name in ("fold0_train.jsonl", "fold0_test.jsonl"):
        with open(os.path.join(folds_dir, name), encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    return rows


def fit_models(rows, models_dir):
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    import fasttext
    info = {}
    os.makedirs(models_dir, exist_ok=True)
    # One feature pipeline for both classifiers, as jobtag has one featurizer
    # for its two heads (and as a user would write it): fitted with the role
    # classifier, then reused to fit the seniority classifier. Each posting
    # is vectorized once.
    pipes = {}
    features = None
    for task in TASKS:
        tr = [r for r in rows if r.get(task) is not None]
        X = np.array([[r.get("title") or "", r.get("text") or ""] for r in tr], dtype=object)
        y = np.array([r[task] for r in tr])
        wts = np.array([1.0 if r.get("weight") is None else float(r["weight"]) for r in tr])
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if features is None:
                pipe = make_sklearn_pipeline()
                pipe.fit(X, y, clf__sample_weight=wts)
                features = pipe.named_steps["features"]
                clf = pipe.named_steps["clf"]
            else:
                clf = make_sklearn_pipeline().named_steps["clf"]
                clf.fit(features.transform(X), y, sample_weight=wts)
        pipes[task] = clf
        info[f"sklearn_{task}"] = {"rows": len(tr), "classes": len(set(y)),
                                   "fit_seconds": round(time.perf_counter() - t0, 2)}
        print(f"  sklearn {task}: {len(tr)} rows, {time.perf_counter() - t0:.1f}s",
              file=sys.stderr)
    pipes["features"] = features
    with open(os.path.join(models_dir, "sklearn.pkl"), "wb") as f:
        pickle.dump(pipes, f, protocol=pickle.HIGHEST_PROTOCOL)
    for task in TASKS:
        tr = [r for r in rows if r.get(task) is not None]
        path = os.path.join(models_dir, f"ft_{task}.txt")
        with open(path, "w", encoding="utf-8") as f:
            for r in tr:
                w = 1.0 if r.get("weight") is None else float(r["weight"])
                reps = int(w) if float(w).is_integer() and w > 1 else 1
                line = f"__label__{r[task]} {ft_line_fast(r.get('title'), r.get('text'))}\n"
                f.write(line * reps)
        t0 = time.perf_counter()
        m = fasttext.train_supervised(input=path, epoch=25, lr=0.5, wordNgrams=2, dim=100,
                                      bucket=200000, loss="softmax", minCount=1, thread=1,
                                      seed=SEED, verbose=0)
        m.save_model(os.path.join(models_dir, f"ft_{task}.bin"))
        os.remove(path)
        info[f"fasttext_{task}"] = {"rows": len(tr),
                                    "fit_seconds": round(time.perf_counter() - t0, 2)}
        print(f"  fastText {task}: {len(tr)} rows, {time.perf_counter() - t0:.1f}s",
              file=sys.stderr)
    return info


# ================================================================================ workers

def worker(kind, input_path, models_dir, out_path, stats_path):
    """Child process: load models, stream the CSV in chunks, predict role + seniority, write
    id,role,seniority. Writes timing stats (read/predict split) as JSON to stats_path."""
    t_start = time.perf_counter()
    raise_csv_limit()
    if kind == "sklearn":
        import numpy as np
        with open(os.path.join(models_dir, "sklearn.pkl"), "rb") as f:
            pipes = pickle.load(f)

        def predict(chunk):
            X = np.array([(r[1], r[2]) for r in chunk], dtype=object).reshape(len(chunk), 2)
            F = pipes["features"].transform(X)
            return pipes["role"].predict(F), pipes["seniority"].predict(F)
    elif kind == "fasttext":
        import fasttext
        models = {t: fasttext.load_model(os.path.join(models_dir, f"ft_{t}.bin"))
                  for t in TASKS}

        def predict(chunk):
            lines = [ft_line_fast(r[1], r[2]) for r in chunk]
            out = []
            for t in TASKS:
                labels, _ = models[t].predict(lines, k=1)  # list input (numpy-2 safe)
                out.append([l[0][9:] for l in labels])     # strip "__label__"
            return out
    else:
        raise SystemExit(f"unknown worker {kind}")
    load_s = time.perf_counter() - t_start
    read_s = pred_s = write_s = 0.0
    rows = 0
    with open(input_path, newline="", encoding="utf-8") as f, \
            open(out_path, "w", newline="", encoding="utf-8") as fo:
        reader = csv.reader(f)
        header = next(reader)
        ix = [header.index(c) for c in ("id", "title", "description")]
        w = csv.writer(fo, lineterminator="\n")
        w.writerow(["id", "role", "seniority"])
        while True:
            t0 = time.perf_counter()
            chunk = [(r[ix[0]], r[ix[1]], r[ix[2]])
                     for r in itertools.islice(reader, CHUNK)]
            t1 = time.perf_counter()
            read_s += t1 - t0
            if not chunk:
                break
            roles, sens = predict(chunk)
            t2 = time.perf_counter()
            pred_s += t2 - t1
            w.writerows(zip((r[0] for r in chunk), roles, sens))
            write_s += time.perf_counter() - t2
            rows += len(chunk)
    with open(stats_path, "w") as f:
        json.dump({"rows": rows, "load_seconds": load_s, "read_seconds": read_s,
                   "predict_seconds": pred_s, "write_seconds": write_s,
                   "total_seconds": time.perf_counter() - t_start}, f)


# ============================================================================ timed runs

def _cpu_snapshot():
    """(total, busy) jiffies over all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    total = sum(v[:8])  # guest time is already counted in user
    return total, total - v[3] - v[4]  # minus idle and iowait


def cpu_busy(seconds=1.0):
    """Fraction of all CPUs busy over `seconds`."""
    t0, b0 = _cpu_snapshot()
    time.sleep(seconds)
    t1, b1 = _cpu_snapshot()
    return (b1 - b0) / max(1, t1 - t0)


IDLE_BELOW = 0.15      # a CPU-busy fraction below this counts as idle
OTHER_LOAD_MAX = 0.10  # a run with more foreign CPU use than this (of wall x CPUs) is redone


def wait_idle(max_wait):
    """Wait (up to max_wait s) until the machine is idle for two consecutive 2 s windows.
    Returns the seconds waited."""
    t0 = time.perf_counter()
    quiet = 0
    warned = False
    while time.perf_counter() - t0 < max_wait:
        if cpu_busy(2.0) < IDLE_BELOW:
            quiet += 1
            if quiet >= 2:
                break
        else:
            quiet = 0
            if not warned:
                print("  waiting for other CPU load to stop ...", file=sys.stderr)
                warned = True
    return round(time.perf_counter() - t0, 1)


def timed(cmd, workdir, tag, env=None, max_wait=900, retries=2):
    """Run cmd under GNU time on an idle machine. Returns (dict with wall seconds, time's
    %e, max RSS KB, the child's user+sys CPU seconds and the share of CPU used by other
    processes during the run; proc). A run disturbed by other load is retried."""
    tfile = os.path.join(workdir, f"time_{tag}.txt")
    full = [TIME_BIN, "-f", "%e %M %U %S", "-o", tfile] + cmd
    ncpu = os.cpu_count() or 1
    hz = os.sysconf("SC_CLK_TCK")
    for attempt in range(retries + 1):
        waited = wait_idle(max_wait)
        print("running: " + " ".join(cmd), file=sys.stderr)
        c0 = _cpu_snapshot()
        t0 = time.perf_counter()
        proc = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
        wall = time.perf_counter() - t0
        c1 = _cpu_snapshot()
        with open(tfile) as f:
            last = [l for l in f.read().splitlines() if l.strip()][-1]
        e, m, u, sy = last.split()
        cpu = float(u) + float(sy)
        other = max(0.0, (c1[1] - c0[1]) / hz - cpu) / (wall * ncpu)
        res = {"seconds": wall, "time_e": float(e), "max_rss_kb": int(m),
               "cpu_seconds": round(cpu, 2), "other_load": round(other, 3),
               "waited_for_idle_s": waited, "attempts": attempt + 1}
        if proc.returncode not in (0,) or other <= OTHER_LOAD_MAX:
            break
        print(f"  other processes used {other:.0%} of the CPUs during the run"
              + ("; running it again" if attempt < retries else ""), file=sys.stderr)
    return res, proc


def count_csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


SUMMARY_RE = re.compile(r"(\d+) rows read, (\d+) labelled, (\d+) errors")


# Like the baselines' workers, which write id, role and seniority, jobtag writes the id
# and its labels, not the posting text again (`run_jobtag(..., keep=None)` keeps it all).
KEEP_ID = ["--keep-columns", "id"]


def run_jobtag(jobtag, inp, out, workdir, tag, threads=None, keep=KEEP_ID):
    env = dict(os.environ)
    env.pop("RAYON_NUM_THREADS", None)
    if threads:
        env["RAYON_NUM_THREADS"] = str(threads)
    cmd = [jobtag, "label", inp, "-o", out] + (keep or [])
    res, proc = timed(cmd, workdir, tag, env, WAIT)
    if proc.returncode != 0:
        sys.exit(f"error: jobtag label exited with {proc.returncode}: {proc.stderr[-2000:]}")
    m = SUMMARY_RE.search(proc.stderr)
    if not m:
        sys.exit(f"error: no summary line in jobtag's stderr: {proc.stderr[-500:]!r}")
    res.update({"rows_read": int(m.group(1)), "labelled": int(m.group(2)),
            "errors": int(m.group(3)), "summary": proc.stderr.strip().splitlines()[-1],
            "threads": threads or os.cpu_count()})
    return res


def run_worker(kind, inp, models_dir, workdir):
    out = os.path.join(workdir, f"out_{kind}.csv")
    stats = os.path.join(workdir, f"stats_{kind}.json")
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", kind, "--input", inp,
           "--models", models_dir, "--output", out, "--stats", stats]
    res, proc = timed(cmd, workdir, kind, None, WAIT)
    if proc.returncode != 0:
        sys.exit(f"error: {kind} worker exited with {proc.returncode}: {proc.stderr[-3000:]}")
    with open(stats) as f:
        st = json.load(f)
    res.update({"labelled": st["rows"], "worker": st, "output": out, "threads": 1})
    return res


def agreement(truth_path, preds):
    """Share of rows where each system's role/seniority equals the generator's intent
    (role only over clear titles). A sanity check of the data and the runs, not accuracy."""
    truth = {}
    with open(truth_path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            truth[r["id"]] = r
    out = {}
    for name, path in preds.items():
        n = nr = okr = oks = 0
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                t = truth.get(r["id"])
                if t is None:
                    continue
                n += 1
                oks += r["seniority"] == t["seniority"]
                if t["title_kind"] == "clear":
                    nr += 1
                    okr += r["role"] == t["role"]
        out[name] = {"rows": n, "role_clear_titles": okr / max(1, nr),
                     "seniority": oks / max(1, n)}
    return out


def fmt_row(name, res, ref_rate):
    rate = res["labelled"] / res["seconds"]
    ratio = "n/a" if ref_rate is None else f"{ref_rate / rate:.2f}×"
    return (f"| {name} | {res['labelled']:,} | {res['seconds']:.1f} | {rate:,.0f} | "
            f"{res['max_rss_kb'] / 1024:.0f} | {ratio} |")


def real_postings(source, n, path):
    """The postings of `source` (JSONL) repeated to n rows of id,title,description."""
    rows = []
    with open(source, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                rows.append((r.get("id") or "", r.get("title") or "",
                             r.get("description") or r.get("text") or ""))
    if not rows:
        sys.exit(f"error: no postings in {source}")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "title", "description"])
        for i in range(n):
            pid, title, desc = rows[i % len(rows)]
            w.writerow([f"{pid}#{i // len(rows)}", title, desc])
    return len(rows)


def main():
    global WAIT, SKLEARN_PATTERN
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobtag", default="target/release/jobtag")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--million", action="store_true",
                    help="also label a 1,000,000-row file with jobtag (memory at scale)")
    ap.add_argument("--workdir", default=None, help="default: a temp dir, deleted unless --keep")
    ap.add_argument("--million-rows", type=int, default=1_000_000, help=argparse.SUPPRESS)
    ap.add_argument("--json", default=None, help="write results here")
    ap.add_argument("--keep", action="store_true", help="keep the workdir")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse folds, fitted models and generated files already in --workdir")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of timed runs; each system's fastest round is reported")
    ap.add_argument("--recipe", default="training/default.toml")
    ap.add_argument("--postings", dest="input_kind", choices=["real", "generated"],
                    default="real",
                    help="real development postings repeated to --rows (default), or "
                         "generated ones")
    ap.add_argument("--real-source", default=None,
                    help="JSONL of real postings (default: ../shared/data/postings_dev.jsonl)")
    ap.add_argument("--sklearn-tokens", choices=["default", "tech"], default="default",
                    help="scikit-learn's default token pattern, or the tech-aware one")
    ap.add_argument("--old-jobtag", default=None,
                    help="another jobtag binary to time side by side (output must match)")
    ap.add_argument("--wait-idle", type=float, default=WAIT,
                    help="before each timed run wait up to this many seconds for the CPUs "
                         "to be idle (default %(default)s)")
    ap.add_argument("--no-single-thread", action="store_true",
                    help="skip the extra jobtag run with RAYON_NUM_THREADS=1")
    # internal: worker mode
    ap.add_argument("--worker", choices=["sklearn", "fasttext"], help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--models", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    ap.add_argument("--stats", help=argparse.SUPPRESS)
    args = ap.parse_args()

    WAIT = args.wait_idle
    if args.sklearn_tokens == "tech":
        SKLEARN_PATTERN = TOKEN_PATTERN
    if args.worker:
        worker(args.worker, args.input, args.models, args.output, args.stats)
        return

    t_all = time.perf_counter()
    if not os.path.exists(TIME_BIN):
        sys.exit(f"error: {TIME_BIN} (GNU time) not found")
    jobtag = os.path.abspath(args.jobtag)
    if not os.access(jobtag, os.X_OK):
        sys.exit(f"error: jobtag binary {jobtag} not found or not executable")
    made_tmp = args.workdir is None
    workdir = os.path.abspath(args.workdir or tempfile.mkdtemp(prefix="jobtag-batch-"))
    os.makedirs(workdir, exist_ok=True)
    raise_csv_limit()
    results = {"rows": args.rows, "seed": args.seed, "workdir": workdir,
               "input": args.input_kind, "sklearn_tokens": args.sklearn_tokens,
               "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()},
               "runs": {}}
    try:
        import numpy, sklearn  # noqa: E401
        results["machine"]["versions"] = {"numpy": numpy.__version__,
                                          "scikit-learn": sklearn.__version__}
        try:
            with open("/proc/cpuinfo") as f:
                results["machine"]["cpu"] = next(
                    (l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
        except OSError:
            pass

        import hashlib
        with open(jobtag, "rb") as f:
            results["jobtag_binary"] = {
                "path": jobtag, "sha256": hashlib.sha256(f.read()).hexdigest(),
                "mtime": time.strftime("%Y-%m-%dT%H:%M:%S",
                                       time.localtime(os.path.getmtime(jobtag)))}

        # 1. training data: jobtag's exported folds (fold0 train + test = all rows)
        folds = os.path.join(workdir, "folds")
        if not (args.reuse and os.path.exists(os.path.join(folds, "fold0_test.jsonl"))):
            cmd = [jobtag, "eval", "--recipe", args.recipe, "--folds", "5",
                   "--export-folds", folds, "--format", "json"]
            print("running: " + " ".join(cmd), file=sys.stderr)
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
            if proc.returncode != 0:
                sys.exit(f"error: jobtag eval exited with {proc.returncode}")
            results["eval_seconds"] = round(time.perf_counter() - t0, 1)
        rows = load_training(folds)
        results["training_rows"] = len(rows)

        # 2. fit baselines (untimed)
        models = os.path.join(workdir, f"models_shared_{args.sklearn_tokens}_tokens")
        if not (args.reuse and os.path.exists(os.path.join(models, "ft_seniority.bin"))):
            print(f"fitting baselines on {len(rows)} rows", file=sys.stderr)
            t0 = time.perf_counter()
            results["fit"] = fit_models(rows, models)
            results["fit_seconds"] = round(time.perf_counter() - t0, 1)
        del rows

        # 3. data
        def data_file(n, kind="generated"):
            if kind == "real":
                src = args.real_source or os.path.join(
                    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data",
                    "postings_dev.jsonl")
                p = os.path.join(workdir, f"real_{n}.csv")
                if not (args.reuse and os.path.exists(p)):
                    distinct = real_postings(src, n, p)
                    results["real_distinct_postings"] = distinct
                size = os.path.getsize(p)
                results.setdefault("files", {})[str(n)] = {
                    "path": p, "bytes": size, "mean_bytes_per_row": round(size / n)}
                print(f"  {size / 1e6:,.0f} MB, {size / n:,.0f} bytes/row", file=sys.stderr)
                return p, None
            p = os.path.join(workdir, f"postings_{n}_s{args.seed}.csv")
            truth = p[:-4] + ".truth.csv"
            if not (args.reuse and os.path.exists(p) and os.path.exists(truth)):
                print(f"generating {n:,} postings -> {p}", file=sys.stderr)
                t0 = time.perf_counter()
                generate(n, p, args.seed, truth)
                results.setdefault("generate", {})[str(n)] = {
                    "seconds": round(time.perf_counter() - t0, 1)}
            size = os.path.getsize(p)
            results.setdefault("files", {})[str(n)] = {
                "path": p, "bytes": size, "mean_bytes_per_row": round(size / n)}
            print(f"  {size / 1e6:,.0f} MB, {size / n:,.0f} bytes/row", file=sys.stderr)
            return p, truth

        inp, truth = data_file(args.rows, args.input_kind)
        # warm the page cache so that no system pays for the first read from disk
        with open(inp, "rb") as f:
            while f.read(1 << 24):
                pass

        runs = results["runs"]
        out_j = os.path.join(workdir, "out_jobtag.csv")
        out_j1 = os.path.join(workdir, "out_jobtag_1t.csv")
        out_ja = os.path.join(workdir, "out_jobtag_all_columns.csv")
        out_jo = os.path.join(workdir, "out_jobtag_old.csv")
        # With --repeat, every system runs once per round and its fastest round is
        # reported: this machine's speed drifts from minute to minute, and the rounds
        # interleave the systems so that each meets the same drift.
        rounds = results["rounds"] = []
        for rnd in range(max(1, args.repeat)):
            r = {"jobtag": run_jobtag(jobtag, inp, out_j, workdir, "jobtag")}
            if args.old_jobtag:
                r["jobtag_old"] = run_jobtag(os.path.abspath(args.old_jobtag), inp, out_jo,
                                             workdir, "jobtag_old")
            if not args.no_single_thread:
                r["jobtag_1t"] = run_jobtag(jobtag, inp, out_j1, workdir, "jobtag_1t",
                                            threads=1)
            r["jobtag_all_columns"] = run_jobtag(jobtag, inp, out_ja, workdir,
                                                 "jobtag_all_columns", keep=None)
            os.remove(out_ja)
            r["sklearn"] = run_worker("sklearn", inp, models, workdir)
            r["fasttext"] = run_worker("fasttext", inp, models, workdir)
            for k, v in r.items():
                v["round"] = rnd + 1
                if k not in runs or v["seconds"] < runs[k]["seconds"]:
                    runs[k] = v
            rounds.append({k: round(v["seconds"], 2) for k, v in r.items()})

        # checks (untimed): every system produced N rows
        n_out = count_csv_rows(out_j)
        runs["jobtag"]["output_rows"] = n_out
        problems = []
        if n_out != args.rows or runs["jobtag"]["labelled"] != args.rows:
            problems.append(f"jobtag: {n_out} output rows, summary "
                            f"{runs['jobtag']['summary']!r}, expected {args.rows}")
        if "jobtag_1t" in runs:
            same = filecmp.cmp(out_j, out_j1, shallow=False)
            runs["jobtag_1t"]["output_identical_to_2_threads"] = same
            if not same:
                problems.append("jobtag: 1-thread output differs from 2-thread output")
            os.remove(out_j1)
        if "jobtag_old" in runs:
            same = filecmp.cmp(out_j, out_jo, shallow=False)
            runs["jobtag_old"]["output_identical"] = same
            if not same:
                problems.append("jobtag: the old binary's output differs")
        for k in ("sklearn", "fasttext"):
            n_k = count_csv_rows(runs[k]["output"])
            runs[k]["output_rows"] = n_k
            if n_k != args.rows:
                problems.append(f"{k}: {n_k} output rows, expected {args.rows}")
        if truth:
            results["agreement_with_generator"] = agreement(
                truth, {"jobtag": out_j, "scikit-learn": runs["sklearn"]["output"],
                        "fastText": runs["fasttext"]["output"]})

        # 4. one million rows, jobtag only
        if args.million:
            big, _ = data_file(args.million_rows)
            with open(big, "rb") as f:
                while f.read(1 << 24):
                    pass
            runs["jobtag_1m"] = run_jobtag(jobtag, big, "/dev/null", workdir, "jobtag_1m",
                                           keep=None)
            if runs["jobtag_1m"]["labelled"] != args.million_rows:
                problems.append(f"jobtag 1M: {runs['jobtag_1m']['summary']!r}")

        # 5. report
        ref = runs["jobtag"]["labelled"] / runs["jobtag"]["seconds"]
        lines = ["| system | postings | seconds | postings/s | peak RSS MB | "
                 "ratio jobtag/system (postings/s) |",
                 "|---|---:|---:|---:|---:|---:|",
                 fmt_row("jobtag label (2 threads)", runs["jobtag"], ref)]
        if "jobtag_old" in runs:
            lines.append(fmt_row(f"jobtag label, {os.path.basename(args.old_jobtag)} "
                                 "(2 threads)", runs["jobtag_old"], ref))
        if "jobtag_1t" in runs:
            lines.append(fmt_row("jobtag label (1 thread)", runs["jobtag_1t"], ref))
        lines.append(fmt_row("jobtag label, every input column kept (2 threads)",
                             runs["jobtag_all_columns"], ref))
        lines.append(fmt_row(f"scikit-learn (n_jobs=1, {args.sklearn_tokens} tokens)",
                             runs["sklearn"], ref))
        lines.append(fmt_row("fastText (1 thread)", runs["fasttext"], ref))
        if "jobtag_1m" in runs:
            lines.append(fmt_row(f"jobtag label, {args.million_rows:,} rows (2 threads)",
                                 runs["jobtag_1m"], None))
        table = "\n".join(lines)
        notes = []
        for k, name in (("sklearn", "scikit-learn"), ("fasttext", "fastText")):
            st = runs[k]["worker"]
            notes.append(f"{name}: model load {st['load_seconds']:.1f}s, CSV parsing "
                         f"{st['read_seconds']:.1f}s, predict {st['predict_seconds']:.1f}s, "
                         f"write {st['write_seconds']:.1f}s")
        ag = results.get("agreement_with_generator")
        if ag:
            notes.append("agreement with the generator's intent (role on clear titles / "
                         "seniority): " + ", ".join(
                             f"{k} {v['role_clear_titles']:.3f}/{v['seniority']:.3f}"
                             for k, v in ag.items()))
        busy = {k: v["other_load"] for k, v in runs.items()}
        if any(b > OTHER_LOAD_MAX for b in busy.values()):
            notes.append(f"WARNING: other processes used the CPUs during some runs "
                         f"(share of wall x CPUs): {busy}")
        notes.append("CPU seconds (user+sys): " + ", ".join(
            f"{k} {v['cpu_seconds']:.1f}" for k, v in runs.items()))
        if len(rounds) > 1:
            notes.append("rounds (seconds; jobtag ÷ scikit-learn, ÷ fastText in postings/s): "
                         + "; ".join(
                             f"{i + 1}: jobtag {r['jobtag']:.1f}, scikit-learn "
                             f"{r['sklearn']:.1f}, fastText {r['fasttext']:.1f} "
                             f"({r['sklearn'] / r['jobtag']:.1f}×, "
                             f"{r['fasttext'] / r['jobtag']:.2f}×)"
                             for i, r in enumerate(rounds)))
        results["table_markdown"] = table
        results["notes"] = notes
        results["problems"] = problems
        results["total_seconds"] = round(time.perf_counter() - t_all, 1)
        fi = results["files"][str(args.rows)]
        kind = ("real postings (the development postings repeated)"
                if args.input_kind == "real" else "synthetic postings")
        print(f"\n{args.rows:,} {kind}, {fi['bytes'] / 1e6:,.0f} MB "
              f"({fi['mean_bytes_per_row']:,} bytes/row); {os.cpu_count()} CPUs\n")
        print(table)
        print()
        for n in notes:
            print("- " + n)
        for p in problems:
            print("PROBLEM: " + p)
        print(f"\ntotal run time {results['total_seconds']:.0f}s", file=sys.stderr)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(results, f, indent=2)
            print(f"results written to {args.json}", file=sys.stderr)
        if problems:
            sys.exit(1)
    finally:
        if made_tmp and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep or not made_tmp:
            print(f"workdir: {workdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
