"""Person names without NER: a first-name/surname gazetteer and a rule for name-bearing fields."""

from __future__ import annotations

import functools

import regex
from faker.providers.person import en_US, sv_SE
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)

from muniscan.privacy.detection.recognizers import LANGUAGE

FULL_NAME_SCORE = 0.85
LIKELY_NAME_SCORE = 0.5  # a known first name followed by an unknown capitalised word, or a name after a cue
FIRST_NAME_SCORE = 0.3
SURNAME_SCORE = 0.15
NAME_FIELD_CONTEXT = [
    "owner",
    "contact",
    "resident",
    "patient",
    "firstname",
    "lastname",
    "fullname",
    "surname",
    "givenname",
    "förnamn",
    "efternamn",
    "namn",
    "ägare",
    "boende",
    "brukare",
    "driver",
    "förare",
    "customer",
    "kund",
    "username",
    "user",
    "person",
    "tenant",
    "hyresgäst",
    "caregiver",
    "vårdtagare",
    "name",
    "holder",
    "innehavare",
    "kortinnehavare",
    "anmälare",
    "reporter",
    "kontaktperson",
    "anhörig",
]
# Words that make a name-like value a place or a thing: `Central Station north entrance`, `Carl Johans kyrka`.
PLACE_WORDS = frozenset(
    {
        "torg",
        "torget",
        "gata",
        "gatan",
        "väg",
        "vägen",
        "kyrka",
        "kyrkan",
        "park",
        "parken",
        "plats",
        "platsen",
        "station",
        "stationen",
        "centralstation",
        "entrance",
        "entré",
        "entrén",
        "ingång",
        "hall",
        "hallen",
        "hus",
        "skola",
        "skolan",
        "förskola",
        "bibliotek",
        "brygga",
        "kaj",
        "hållplats",
        "centrum",
        "teater",
        "teatern",
        "simhall",
        "bad",
        "badet",
        "gymnasium",
        "north",
        "south",
        "east",
        "west",
        "norra",
        "södra",
        "östra",
        "västra",
        "plan",
        "p-hus",
        "square",
        "street",
        "road",
        "church",
        "school",
        "library",
        "stadium",
        "sjukhus",
        "vårdcentral",
        "pumpstation",
        "motionscentrum",
        "gateway",
        "sensor",
        "counter",
        "meter",
        "device",
        "larm",
        "kommun",
        "stad",
        "ab",
        "hb",
        "kb",
        "förråd",
        "kök",
        "serverrum",
        "omklädningsrum",
        "personalingång",
        "dörr",
        "door",
        "rum",
        "room",
        "våning",
        "floor",
        "bro",
        "bron",
        "tunnel",
        "allé",
        "allén",
        "backe",
        "backen",
    }
)
# First words that make a place of what follows: `Lilla Bommen`, `Stora Teatern`, `Norra Älvstranden`.
PLACE_PREFIXES = frozenset(
    {"lilla", "stora", "gamla", "nya", "norra", "södra", "östra", "västra", "övre", "nedre", "sankt", "st"}
)
PLACE_SUFFIXES = (
    "gatan",
    "vägen",
    "platsen",
    "torget",
    "gata",
    "stigen",
    "backen",
    "allén",
    "parken",
    "kyrkan",
    "skolan",
    "hallen",
    "stationen",
    "gården",
)
PARTICLES = frozenset(
    {"von", "af", "de", "la", "van", "der", "den", "di", "da", "del", "al", "el", "bin", "ben", "du", "le", "ter", "zu"}
)
# Words after which the next capitalised words are someone's name: a signature, a self-introduction.
NAME_CUES = frozenset(
    {
        "mvh",
        "hälsningar",
        "hälsning",
        "anmälare",
        "heter",
        "från",
        "from",
        "kontakt",
        "contact",
        "regards",
        "sincerely",
        "/",
    }
)

_WORD = regex.compile(r"(?<![\w'])(?:/|[\p{L}][\p{L}']*(?:-[\p{L}][\p{L}']*)*)(?![\w'])")


@functools.cache
def name_gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames of every Latin-script locale Faker ships (installed, MIT; ~21,000 each)."""
    import importlib
    import pkgutil

    from faker.providers import person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        try:
            provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        except (ImportError, AttributeError):
            continue
        for attribute, target in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("last_names", last),
        ):
            values = provider.__dict__.get(attribute) or getattr(provider, attribute, ())
            if isinstance(values, property):
                continue
            target.update(v for v in values if isinstance(v, str) and _latin_name(v))
    first.update(sv_SE.Provider.first_names)
    last.update(sv_SE.Provider.last_names, en_US.Provider.last_names)
    return frozenset(first), frozenset(last)


def _latin_name(value: str) -> bool:
    return bool(value) and all((c.isalpha() and ord(c) < 0x250) or c in "-' " for c in value)


def _title(word: str) -> str:
    """`KARL-JOHAN` -> `Karl-Johan`: the gazetteer holds names as written in a register."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


class NameGazetteerRecognizer(EntityRecognizer):
    """Names in any order and case: `First [Middle] Last`, `Last, First`, upper case, particles, after a cue.

    A lone name only counts under a name-like key; a run that ends in or before a place word is a place.
    """

    def __init__(self) -> None:
        super().__init__(
            supported_entities=["PERSON"],
            name="NameGazetteerRecognizer",
            supported_language=LANGUAGE,
            context=NAME_FIELD_CONTEXT,
        )

    def load(self) -> None:
        self.first_names, self.surnames = name_gazetteer()

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if not hasattr(self, "first_names"):
            self.load()
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        results: list[RecognizerResult] = []
        index = 0
        while index < len(words):
            if not self._capitalised(words[index][2]) or words[index][2].lower() in NAME_CUES:
                index += 1
                continue
            run = self._run(text, words, index)
            found = self._score_run(text, words, index, run)
            results.extend(found)
            index = run
        return results

    def _capitalised(self, word: str) -> bool:
        return word[:1].isupper()

    def _run(self, text: str, words: list, index: int) -> int:
        """End (exclusive) of the run of name-like words from index: one space apart, or `, ` once."""
        end, commas = index + 1, 0
        while end < len(words):
            gap = text[words[end - 1][1] : words[end][0]]
            word = words[end][2]
            if gap == ", " and commas == 0 and end - index == 1:
                commas += 1
            elif gap != " ":
                break
            if not (self._capitalised(word) or word in PARTICLES) or word.lower() in NAME_CUES:
                break
            end += 1
        while end - 1 > index and words[end - 1][2] in PARTICLES:
            end -= 1
        return end

    def _is_first(self, word: str) -> bool:
        return all(part in self.first_names for part in _title(word).split("-"))

    def _is_last(self, word: str) -> bool:
        titled = _title(word)
        return titled in self.surnames or any(part in self.surnames for part in titled.split("-"))

    def _is_place(self, words: list, index: int, end: int) -> bool:
        last = words[end - 1][2].lower()
        if last.endswith(PLACE_SUFFIXES) or last in PLACE_WORDS or words[index][2].lower() in PLACE_PREFIXES:
            return True
        return end < len(words) and words[end][2].lower() in PLACE_WORDS

    def _score_run(self, text: str, words: list, index: int, end: int) -> list[RecognizerResult]:
        run = [w[2] for w in words[index:end]]
        if self._is_place(words, index, end):
            return []
        comma = text[words[index][1] : words[index + 1][0]] == ", " if end - index > 1 else False
        cue = index > 0 and words[index - 1][2].lower().rstrip(":") in NAME_CUES
        names = [w for w in run if w not in PARTICLES]
        score = 0.0
        if comma and len(names) >= 2 and self._is_first(names[-1]):
            # `Lindqvist, Maja`; `Haile, Maj-Britt` with a surname the lists lack
            score = FULL_NAME_SCORE if self._is_last(names[0]) else LIKELY_NAME_SCORE
        elif len(names) >= 2 and self._is_first(names[0]):
            middle_ok = all(self._is_first(w) or self._is_last(w) for w in names[1:-1])
            if middle_ok and self._is_last(names[-1]):
                score = FULL_NAME_SCORE
            elif middle_ok and names[-1][1:].islower() and not comma:
                score = LIKELY_NAME_SCORE  # a known first name and a capitalised word: a surname not in the lists
        if not score and cue and 2 <= len(names) <= 4 and not comma:
            score = LIKELY_NAME_SCORE
        if score:
            return [self._result(words[index][0], words[end - 1][1], score)]
        found = []
        for start, stop, word in words[index:end]:
            if word in PARTICLES:
                continue
            if self._is_first(word):
                found.append(self._result(start, stop, FIRST_NAME_SCORE))
            elif self._is_last(word):
                found.append(self._result(start, stop, SURNAME_SCORE))
        return found

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=score,
            textual_explanation="name gazetteer (Faker person lists, all locales)",
        )
        return RecognizerResult(
            "PERSON",
            start,
            end,
            score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


class NameFieldRecognizer(PatternRecognizer):
    """Any short alphabetic value under a key like `owner` or `förnamn` is a name (lower case too)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PERSON",
            name="NameFieldRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("name_field", r"^\s*\p{L}[\p{L}'.-]*(?:(?:,? |_)\p{L}[\p{L}'.-]*){0,3}\s*$", 0.05)],
            context=NAME_FIELD_CONTEXT,
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """`Hvitfeldtska Entré A` under `Door/Name` is a door; `Ullevi Norra` under `name` is a place."""
        return is_place_or_thing(pattern_text)


def is_place_or_thing(text: str) -> bool:
    return any(word in PLACE_WORDS or word.endswith(PLACE_SUFFIXES) for word in text.lower().replace(",", " ").split())
