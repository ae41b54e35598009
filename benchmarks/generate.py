"""Write a realistic synthetic fact base of N facts, for benchmarks and scale tests.

    python benchmarks/generate.py 100000 /tmp/base-100k      # a folder of TOML files
    cqfacts --facts /tmp/base-100k check                      # it is valid

The base looks like a newsroom's after years of articles: many sources (one per article), thousands of
entities with real-looking names, printed variants and aliases (Latin and Chinese), statements and
verbatim quotes built from a varied vocabulary whose words are common or rare as in real text (Zipf),
figures with units, comparators, scale and baselines, speakers, notes, periods and dates; split over a
file of sources and entities and several files of facts. The same size and seed give the same files.

``QUERIES`` are the benchmark's queries (single word, several words, a typo, numbers): the generator
makes sure every base has facts they find.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

# The benchmark's queries, by kind; every generated base has facts each of them finds.
QUERIES = {
    "single-word": "hydrogen",
    "multi-word": "semiconductor exports Vietnam 2023",
    "typo": "semiconducter",
    "number": "76.9 billion",
    "number-grouped": "500,000",
}


def _words(text: str) -> list[str]:
    return text.split()


_TOPIC_WORDS = _words("""
automobile battery semiconductor hydrogen satellite constellation laboratory corridor logistics customs
railway freight container port airport highway bridge tunnel metro steel aluminium titanium alloy chip
display panel sensor robot drone software cloud computing algorithm data centre network broadband fibre
photovoltaic wind turbine grid storage charging station vehicle truck bus motorcycle engine motor
gearbox lidar camera smartphone laptop tablet server wafer foundry packaging testing pharmaceutical
vaccine biotech hospital university college research patent standard incubator park zone district county
village farm tea citrus pepper hotpot tourism cruise heritage museum festival exhibition fair forum
summit agreement investment loan bond fund subsidy tax tariff export import trade order contract revenue
output profit employment talent engineer worker startup enterprise company group cluster chain supplier
platform
""")
_COMMON_WORDS = _words("""
new development industry production capacity growth project city province national international
technology innovation manufacturing digital green intelligent advanced high quality modern key major
annual total value scale level first largest leading global regional local public private service system
market demand supply base centre program plan target result record share rate increase
""")
_VERBS = ("produced", "exported", "delivered", "built", "invested", "recorded", "reached", "launched", "shipped",
          "attracted", "completed", "opened", "signed", "registered", "handled", "trained")
_VERBS_FUTURE = ("will produce", "will export", "will deliver", "will build", "will invest", "will record",
                 "will reach", "will launch", "will ship", "will attract", "will complete", "will open",
                 "will sign", "will register", "will handle", "will train")
_PLACES = ("Vietnam", "Laos", "Thailand", "Malaysia", "Singapore", "Indonesia", "Brazil", "Hungary", "Germany",
           "Kazakhstan", "Uzbekistan", "Russia", "Poland", "Chile", "Peru", "Egypt", "Saudi Arabia", "Pakistan",
           "Sichuan", "Guangxi", "Yunnan", "Guizhou", "Shaanxi", "Hubei", "Chengdu", "Hanoi", "Vientiane")
_UNITS = ("vehicles", "yuan", "percent", "tonnes", "satellites", "enterprises", "projects", "TEU", "trains",
          "people", "patents", "units", "kilometres", "megawatts", "chips", "panels", "flights", "hectares")
_MEASURES = ("output", "exports", "investment", "revenue", "capacity", "production and sales", "shipments",
             "orders", "employment", "market share", "freight volume", "installed capacity")
_COMPARATORS = ("exactly", "about", "more-than", "at-least", "less-than", "up-to")
_KINDS = ("result", "result", "result", "status", "target", "forecast", "event", "opinion")
_TAGS = ("nev", "electronics", "satellites", "labs", "logistics", "customs", "overseas-projects", "steel",
         "finance", "trade", "exports", "policy", "research", "manufacturing", "industrial-clusters",
         "infrastructure", "belt-and-road", "aerospace", "productivity", "rankings", "energy", "hydrogen",
         "semiconductors", "biotech", "agriculture", "tourism", "digital-economy", "talent", "ports", "rail")
_ENTITY_SUFFIXES = {"organization": ("Motors", "Electronics", "Group", "Technology", "Logistics", "Holdings",
                                     "Semiconductor", "New Energy", "Port Authority", "Research Institute"),
                    "place": ("District", "Port", "Industrial Park", "New Area", "Free Trade Zone", "County"),
                    "product": ("EV", "X1", "Pro", "Max", "One"),
                    "project": ("Railway", "Bridge", "Metro Line", "Expressway", "Power Station"),
                    "program": ("Initiative", "Plan", "Action Program"),
                    "person": ("",), "concept": ("Model", "Approach")}
_SYLLABLES = ("an", "bai", "bei", "chang", "chen", "cheng", "da", "dong", "fang", "feng", "fu", "gao", "guang",
              "hai", "hang", "he", "hong", "hua", "huang", "jia", "jiang", "jin", "jing", "kai", "kang", "lan",
              "li", "liang", "lin", "long", "lu", "ming", "nan", "ning", "peng", "qi", "qian", "qing", "rong",
              "rui", "sheng", "shi", "shu", "tai", "tian", "tong", "wan", "wei", "wen", "xi", "xiang", "xin",
              "xing", "yang", "yi", "yong", "yu", "yuan", "yun", "ze", "zhao", "zhi", "zhong", "zhou")
_FAMILY = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu")
_CJK = "金龙华新天长安重庆川渝汽车电子科技集团港口铁路半导体氢能卫星实验室走廊物流海关钢铁光伏储能智能制造"
_ROUND_VALUES = (500000, 76900000000, 1500000, 30, 50, 13, 4.6, 2.5, 1000, 12000, 33618)


class Generator:
    """Builds one base; every choice comes from one seeded random generator, so output is reproducible."""

    def __init__(self, size: int, seed: int = 2024):
        self.size = size
        self.rnd = random.Random(seed)
        # A vocabulary that grows with the base: topic words, plus invented technical terms and place names,
        # used with Zipf frequencies (a few words everywhere, most words in a handful of facts).
        invented = {self._word() for _ in range(max(200, size // 4))}
        self.vocabulary = _TOPIC_WORDS + sorted(invented - set(_TOPIC_WORDS))
        self.rnd.shuffle(self.vocabulary)
        self.zipf = list(_zipf_weights(len(self.vocabulary)))
        self.sources = [self._source(n) for n in range(max(3, size // 100))]
        self.entities = self._entities(max(20, size // 20))

    def _word(self) -> str:
        return "".join(self.rnd.choice(_SYLLABLES) for _ in range(self.rnd.choice((2, 2, 3, 3, 4))))

    def _name(self) -> str:
        return " ".join(self._word().capitalize() for _ in range(self.rnd.choice((1, 1, 2))))

    def _source(self, n: int) -> dict[str, object]:
        r = self.rnd
        year, month, day = r.randint(2015, 2025), r.randint(1, 12), r.randint(1, 28)
        topic = r.choice(_TOPIC_WORDS)
        person = r.random() < 0.3
        source: dict[str, object] = {
            "title": f"{self._name()} bets on {topic}: how {r.choice(_PLACES)} and Chongqing build a "
                     f"“new” {r.choice(_COMMON_WORDS)} {r.choice(_TOPIC_WORDS)} chain (part {n + 1})",
            "short_title": f"{self._name()} Bets on {topic.capitalize()}",
            "site": r.choice(("Chongqing Daily", "iChongqing", "Chongqing Municipal People’s Government Website",
                              "Xinhua", "China Daily", "The Paper")),
            "publisher": r.choice(("Chongqing Daily Newspaper Group", "Chongqing Municipal People’s Government",
                                   "Xinhua News Agency", "China Daily")),
            "authors": [{"family": r.choice(_FAMILY), "given": self._word().capitalize()}] if person
            else [{"organization": "Chongqing Municipal People’s Government"}],
            "published": f"{year:04d}-{month:02d}-{day:02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00",
            "language": "en",
        }
        if r.random() < 0.6:
            source["original_language"] = "zh"
        if r.random() < 0.3:
            source["url"] = f"https://www.example.gov.cn/news/{year}/{n:06d}.html"
            source["accessed"] = f"{min(year + 1, 2025):04d}-{month:02d}-{day:02d}"
        return source

    def _entities(self, count: int) -> dict[str, dict[str, object]]:
        r = self.rnd
        entities: dict[str, dict[str, object]] = {}
        anchors = [("Vietnam", "place", ["越南", "Viet Nam"]), ("Chongqing", "place", ["重庆", "Chungking"]),
                   ("Hydrogen Valley", "project", ["氢谷"]),
                   ("Zhongxin Semiconductor", "organization", ["ZXS", "中芯半导体"])]
        for name, kind, aliases in anchors:
            entities[_slug(name)] = {"name": name, "aliases": aliases, "type": kind}
        while len(entities) < count:
            kind = r.choice(("organization", "organization", "organization", "place", "product", "project",
                             "program", "person", "concept"))
            if kind == "person":
                name = f"{r.choice(_FAMILY)} {self._word().capitalize()}"
            else:
                name = f"{self._name()} {r.choice(_ENTITY_SUFFIXES[kind])}".strip()
            entity_id = _slug(name)
            if entity_id in entities:
                continue
            entity: dict[str, object] = {"name": name}
            if r.random() < 0.25:  # the machine translation's garbled name
                entity["printed"] = name.replace(name.split()[0], self._word().capitalize(), 1)
            aliases = []
            if len(name.split()) > 1 and r.random() < 0.5:
                aliases.append("".join(w[0] for w in name.split()).upper())
            if r.random() < 0.6:
                aliases.append("".join(r.choice(_CJK) for _ in range(r.randint(2, 5))))
            if aliases:
                entity["aliases"] = aliases
            entity["type"] = kind
            if r.random() < 0.1:
                entity["note"] = f"Known locally as the {r.choice(_COMMON_WORDS)} {r.choice(_TOPIC_WORDS)} maker."
            entities[entity_id] = entity
        return entities

    def words(self, k: int) -> list[str]:
        return self.rnd.choices(self.vocabulary, cum_weights=self.zipf, k=k)

    def fact(self, n: int, entity_ids: list[str]) -> tuple[str, dict[str, object]]:
        r = self.rnd
        chosen = r.sample(entity_ids, r.choice((1, 1, 2, 3)))
        lead = self.entities[chosen[0]]
        year = r.randint(2015, 2026)
        unit, measure = r.choice(_UNITS), r.choice(_MEASURES)
        value = r.choice(_ROUND_VALUES) if r.random() < 0.05 else _figure_value(r)
        comparator = r.choice(_COMPARATORS)
        topic = self.words(3)
        place = r.choice(_PLACES)
        verb = r.randrange(len(_VERBS))
        amount = _spoken(value, unit)
        common = r.sample(_COMMON_WORDS, 2)
        statement = (f"In {year}, {lead['name']} {_VERBS[verb]} {_COMPARATOR_TEXT[comparator]}{amount} of "
                     f"{topic[0]} {topic[1]} for {place}, {common[0]} {topic[2]} {common[1]} "
                     f"{' '.join(self.words(r.randint(2, 8)))}.")
        quote = (f"In {year}, the {lead.get('printed', lead['name'])} {_VERBS_FUTURE[verb]} "
                 f"{_COMPARATOR_TEXT[comparator]}{amount} of “{topic[0]} {topic[1]}” for {place}, "
                 f"{' '.join(self.words(r.randint(4, 16)))}.")
        fact_id = f"{_slug(lead['name'])}-{topic[0]}-{measure.split()[0]}-{year}-{n}"
        body: dict[str, object] = {
            "statement": statement, "quote": quote,
            "source": f"src-{r.randrange(len(self.sources)):05d}",
            "paragraph": r.randint(1, 60), "kind": r.choice(_KINDS),
        }
        if r.random() < 0.15:
            body["speaker"] = {"name": f"{r.choice(_FAMILY)} {self._word().capitalize()}",
                               "role": r.choice(("mayor", "director", "chairman", "researcher", "chief engineer")),
                               "organization": self.entities[r.choice(entity_ids)]["name"]}
        if body["kind"] == "event" and r.random() < 0.7:
            body["date"] = f"{year:04d}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        else:
            body["period"] = str(year) if r.random() < 0.8 else f"{year}/{year + r.randint(1, 5)}"
        figure: dict[str, object] = {"value": value, "unit": unit, "comparator": comparator, "measure": measure}
        if r.random() < 0.1:
            figure["baseline"] = {"value": _figure_value(r), "comparator": "about", "period": str(year - 1)}
        body["figures"] = [figure]
        body["tags"] = sorted(set(r.sample(_TAGS, r.choice((1, 2, 2, 3)))))
        body["entities"] = chosen
        if r.random() < 0.1:
            body["note"] = f"The {' '.join(self.words(3))} figure is read from the chart; {' '.join(self.words(4))}."
        return fact_id, body


_COMPARATOR_TEXT = {"exactly": "", "about": "about ", "more-than": "more than ", "at-least": "at least ",
                    "less-than": "less than ", "up-to": "up to "}


def _zipf_weights(n: int) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank**1.07
        out.append(total)
    return out


def _slug(name: str) -> str:
    return "-".join("".join(c for c in word.lower() if c.isalnum() and c.isascii()) for word in name.split()
                    if any(c.isalnum() and c.isascii() for c in word)) or "entity"


def _figure_value(r: random.Random) -> float | int:
    magnitude = r.randint(0, 11)
    digits = r.choice((1, 2, 3))
    mantissa = round(r.uniform(1, 10), digits - 1)
    value = mantissa * 10**magnitude
    return round(value) if magnitude >= digits - 1 else round(value, 4)


def _spoken(value: float | int, unit: str) -> str:
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if value >= size:
            return f"{value / size:,.4f}".rstrip("0").rstrip(".") + f" {word} {unit}"
    return f"{value:,}" + f" {unit}"


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def _table(header: str, body: dict[str, object]) -> str:
    lines = [f"[{header}]"]
    for key, value in body.items():
        # Dates are TOML dates, not strings.
        raw = value if key in ("published", "accessed", "date") and isinstance(value, str) else _toml_value(value)
        lines.append(f"{key} = {raw}")
    return "\n".join(lines) + "\n\n"


def _ensure_queries_match(gen: Generator, facts: dict[str, dict[str, object]]) -> None:
    """Give a few facts the words and figures of QUERIES, so every query finds something at any size."""
    ids = list(facts)
    step = max(1, len(ids) // 7)
    anchors = ["vietnam", "chongqing", "hydrogen-valley", "zhongxin-semiconductor"]
    for i, fact_id in enumerate(ids[::step][:7]):
        body = facts[fact_id]
        body["statement"] = (f"In 2023, Zhongxin Semiconductor exported semiconductor wafers to Vietnam worth "
                             f"76.9 billion yuan, and Hydrogen Valley produced hydrogen for 500,000 vehicles "
                             f"(case {i}).")
        body["figures"] = [{"value": 76900000000, "unit": "yuan", "comparator": "about", "measure": "exports"},
                           {"value": 500000, "unit": "vehicles", "comparator": "more-than"}]
        body["entities"] = anchors[: 2 + i % 3]
        body.pop("date", None)
        body["period"] = "2023"


def generate(size: int, out: Path, seed: int = 2024, files: int | None = None) -> list[Path]:
    """Write a base of ``size`` facts into the folder ``out``; the files written."""
    gen = Generator(size, seed)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.toml"):
        old.unlink()
    header = "schema_version = 1\n\n"
    written = []
    meta = out / "sources-and-entities.toml"
    with meta.open("w", encoding="utf-8") as f:
        f.write("# Generated by benchmarks/generate.py: sources and entities.\n" + header)
        for n, source in enumerate(gen.sources):
            f.write(_table(f"sources.src-{n:05d}", source))
        for entity_id, entity in gen.entities.items():
            f.write(_table(f"entities.{entity_id}", entity))
    written.append(meta)
    entity_ids = list(gen.entities)
    facts = dict(gen.fact(n, entity_ids) for n in range(size))
    _ensure_queries_match(gen, facts)
    parts = files or max(2, min(20, math.ceil(size / 5000)))
    items = list(facts.items())
    per = math.ceil(len(items) / parts)
    for part in range(parts):
        path = out / f"facts-{part + 1:03d}.toml"
        with path.open("w", encoding="utf-8") as f:
            f.write(f"# Generated by benchmarks/generate.py: facts, part {part + 1} of {parts}.\n" + header)
            for fact_id, body in items[part * per:(part + 1) * per]:
                f.write(_table(f"facts.{fact_id}", body))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, help="number of facts")
    parser.add_argument("out", type=Path, help="folder to write the TOML files into (its *.toml are replaced)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--files", type=int, default=None, help="number of fact files [default: one per 5,000]")
    args = parser.parse_args()
    written = generate(args.size, args.out, args.seed, args.files)
    total = sum(p.stat().st_size for p in written)
    print(f"{args.size:,} facts in {len(written)} files, {total / 2**20:.1f} MB: {args.out}")


if __name__ == "__main__":
    main()
