"""Legal references the privacy report cites: GDPR articles and recitals, ENISA measures, IMY decisions.

Sources: GDPR (Regulation 2016/679), Article 29 WP Opinion 05/2014 (WP216), EDPB Guidelines 3/2019 and
01/2025, ENISA Baseline Security Recommendations for IoT (2017), and the supervisory decisions listed in
the project's privacy research notes.
"""

IMY_VASTERAS = "IMY (Datainspektionen), Västerås Wi-Fi visitor counting, 23 June 2015"
IMY_KUNGALV = "IMY, Kungälv municipality camera surveillance, decision 2023-05-15"
AP_ENSCHEDE = "Autoriteit Persoonsgegevens, Enschede Wi-Fi tracking fine (2021)"

CATEGORY = {
    "SE_PERSONNUMMER": ["GDPR Art. 87", "Dataskyddslagen (2018:218) 3 kap. 10 §", "GDPR Art. 4(1)"],
    "MAC_ADDRESS": ["GDPR Art. 4(1)", "GDPR Recital 30", IMY_VASTERAS, AP_ENSCHEDE],
    "SE_LICENCE_PLATE": ["GDPR Art. 4(1)", "GDPR Recital 26"],
    "EMAIL_ADDRESS": ["GDPR Art. 4(1)"],
    "PHONE_NUMBER": ["GDPR Art. 4(1)"],
    "COORDINATES": ["GDPR Art. 4(1) (location data)"],
    "HASHED_IDENTIFIER": ["GDPR Art. 4(5)", "GDPR Recital 26", "WP216 §4"],
}
DEFAULT_CATEGORY = ["GDPR Art. 4(1)"]

CLEARTEXT = ["GDPR Art. 32(1)(a)", "GDPR Art. 5(1)(f)", "ENISA GP-TM-38", "ENISA GP-TM-12", "ETSI EN 303 645 5.8-1"]
CREDENTIALS = ["GDPR Art. 32", "ENISA GP-TM-40", "ETSI EN 303 645 5.5-7"]
RECIPIENT = ["GDPR Art. 28", "GDPR Art. 44-46", "ENISA GP-TM-13", "ENISA GP-OP-12"]
DATASET = ["GDPR Recital 26", "GDPR Art. 4(5)", "WP216 (Opinion 05/2014)", "EDPB Guidelines 01/2025"]
DATASET_MAC = [IMY_VASTERAS, AP_ENSCHEDE]
DPIA_CAMERA = ["GDPR Art. 35(3)(c)", "Kamerabevakningslagen (2018:1200)", "EDPB Guidelines 3/2019", IMY_KUNGALV]
DPIA_COUNTER = ["GDPR Art. 35(3)(c)", "ENISA GP-TM-12", IMY_VASTERAS, AP_ENSCHEDE]
DPIA_NATIONAL_ID = [
    "GDPR Art. 87",
    "Dataskyddslagen (2018:218) 3 kap. 10 §",
    "GDPR Art. 35(1)",
    "GDPR Art. 32(1)(a)",
    "EDPB WP248 rev.01 (criteria: sensitive data, systematic monitoring)",
]
DPIA_LOCATION = [
    "GDPR Art. 35(3)(c)",
    "GDPR Recital 91",
    "EDPB WP248 rev.01 (systematic monitoring)",
    "GDPR Art. 32(1)(a)",
]
DPIA_SPECIAL = ["GDPR Art. 9(1)", "GDPR Art. 35(3)(b)", "GDPR Art. 32(1)(a)"]
DPIA_TRACKING = ["GDPR Art. 35(1)", "GDPR Art. 35(3)(c)", "GDPR Recital 91", AP_ENSCHEDE]


def category_references(category: str) -> list[str]:
    return CATEGORY.get(category, DEFAULT_CATEGORY)
