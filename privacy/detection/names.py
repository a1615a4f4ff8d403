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
FIRST_NAME_SCORE = 0.3
SURNAME_SCORE = 0.15
NAME_FIELD_CONTEXT = ["owner", "contact", "resident", "patient", "firstname", "lastname",
                      "fullname", "surname", "givenname", "förnamn", "efternamn", "namn", "ägare",
                      "boende", "brukare", "driver", "förare", "customer", "kund", "username",
                      "user", "person", "tenant", "hyresgäst", "caregiver", "vårdtagare"]

_CAPITALISED = regex.compile(r"(?<![\w'])\p{Lu}[\p{Ll}']+(?:-\p{Lu}[\p{Ll}']+)?(?![\w'])")


@functools.cache
def name_gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames from Faker's sv_SE and en_US providers (installed, MIT)."""
    first: set[str] = set()
    last: set[str] = set()
    for provider in (sv_SE.Provider, en_US.Provider):
        first.update(provider.first_names)
        last.update(provider.last_names)
    return frozenset(first), frozenset(last)


class NameGazetteerRecognizer(EntityRecognizer):
    """`First [Middle] Last` scores high anywhere; a lone name only counts under a name-like key."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="NameGazetteerRecognizer",
                         supported_language=LANGUAGE, context=NAME_FIELD_CONTEXT)

    def load(self) -> None:
        self.first_names, self.surnames = name_gazetteer()

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if not hasattr(self, "first_names"):
            self.load()
        tokens = list(_CAPITALISED.finditer(text))
        results: list[RecognizerResult] = []
        index = 0
        while index < len(tokens):
            run_end = index
            # A run is capitalised words separated by exactly one space.
            while (run_end + 1 < len(tokens)
                   and text[tokens[run_end].end():tokens[run_end + 1].start()] == " "):
                run_end += 1
            run = tokens[index:run_end + 1]
            results.extend(self._score_run(run))
            index = run_end + 1
        return results

    def _is_first(self, word: str) -> bool:
        return all(part in self.first_names for part in word.split("-"))

    def _is_last(self, word: str) -> bool:
        return word in self.surnames or all(part in self.surnames for part in word.split("-"))

    def _score_run(self, run: list) -> list[RecognizerResult]:
        words = [m.group() for m in run]
        if len(words) >= 2 and self._is_first(words[0]) and self._is_last(words[-1]) and all(
                self._is_first(w) or self._is_last(w) for w in words[1:-1]):
            return [self._result(run[0].start(), run[-1].end(), FULL_NAME_SCORE)]
        found = []
        for match in run:
            word = match.group()
            if self._is_first(word):
                found.append(self._result(match.start(), match.end(), FIRST_NAME_SCORE))
            elif self._is_last(word):
                found.append(self._result(match.start(), match.end(), SURNAME_SCORE))
        return found

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        explanation = AnalysisExplanation(recognizer=self.name, original_score=score,
                                          textual_explanation="name gazetteer (Faker sv_SE+en_US)")
        return RecognizerResult("PERSON", start, end, score, analysis_explanation=explanation,
                                recognition_metadata={
                                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})


class NameFieldRecognizer(PatternRecognizer):
    """Any short alphabetic value under a key like `owner` or `förnamn` is a name (lower case too)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PERSON",
            name="NameFieldRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("name_field", r"^\s*\p{L}[\p{L}'.-]*(?: \p{L}[\p{L}'.-]*){0,3}\s*$",
                              0.05)],
            context=NAME_FIELD_CONTEXT,
        )
