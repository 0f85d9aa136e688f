"""Write pairs.jsonl: the labelled screening set, in nomenklatura's pairs format.

Each line is {"left": query entity, "right": listed entity, "judgement": "positive"|"negative",
"kind": ...}. Left entities carry only the query name; right entities carry the id under which
the target is indexed (org-* from the shipped demo registry, QDe.* from the UN list) and its
primary name, so the pairs can also be scored pair by pair.

Every query below was written by hand (no query is produced by crisisdesk's own tables):
the transliterations follow the published GOST 7.79-B / ICAO 9303 / BGN-PCGN tables, the
informal spellings are ones seen in news and court texts, the typos are single slips.
Negatives are look-alikes: real, different organisations and ordinary companies.
Run: python bench/screening/make_pairs.py (rewrites pairs.jsonl).
"""

import hashlib
import json
from pathlib import Path

TARGETS = {
    "org-isil": "Islamic State in Iraq and the Levant",
    "org-isil-k": "Islamic State in Iraq and the Levant - Khorasan",
    "org-al-qaida": "Al-Qaida",
    "org-jamaat-ansarullah": "Jamaat Ansarullah",
    "org-hizb-ut-tahrir": "Hizb ut-Tahrir al-Islami",
    "org-imu": "Islamic Movement of Uzbekistan",
    "org-taliban": "Taliban",
    "QDe.132": "TEHRIK-E TALIBAN PAKISTAN",
    "QDe.137": "AL-NUSRAH FRONT FOR THE PEOPLE OF THE LEVANT",
    "QDe.088": "EASTERN TURKISTAN ISLAMIC MOVEMENT",
    "QDe.138": "JAMA'ATU AHLIS SUNNA LIDDA'AWATI WAL-JIHAD",
    "QDe.162": "ISLAMIC STATE WEST AFRICA PROVINCE",
    "QDe.159": "JAMA'A NUSRAT UL-ISLAM WA AL-MUSLIMIN",
    "YEe.001": "THE HOUTHIS",
    "QDe.098": "ANSAR AL-ISLAM",
}

POSITIVES = {
    "org-isil": [
        ("exact", "Islamic State in Iraq and the Levant"), ("exact", "ISLAMIC STATE"),
        ("exact", "Daesh"), ("exact", "ISIS"), ("case", "islamic state of iraq and syria"),
        ("exact", "Исламское государство"), ("case", "ИСЛАМСКОЕ ГОСУДАРСТВО ИРАКА И ЛЕВАНТА"),
        ("gost", "Islamskoe gosudarstvo"), ("gost", "Islamskoe gosudarstvo Iraka i Levanta"),
        ("icao", "ISLAMSKOE GOSUDARSTVO"), ("bgn", "Islamskoye Gosudarstvo"),
        ("bgn", "Islamskoye gosudarstvo Iraka i Levanta"), ("informal", "Islamskoje gosudarstvo"),
        ("informal", "Islamskoie gosudarstvo"), ("acronym", "IGIL"), ("acronym", "ИГИЛ"),
        ("acronym", "ISIL"), ("word_order", "State Islamic"), ("word_order", "Levant and Iraq Islamic State in the"),
        ("typo", "Islamic Stat in Iraq and the Levant"), ("typo", "Islamic State in Irak and the Levant"),
        ("typo", "Islamskoe gosudartsvo"), ("typo", "Islamic State of Irak and Syria"),
        ("spacing", "Islamic-State"), ("spacing", "Islamic  State  in  Iraq  and  the  Levant"),
        ("tajik", "Ислом давлати"), ("bgn", "Islom davlati"), ("kazakh", "Ислам мемлекеті"),
        ("bgn", "Islam memleketi"), ("armenian", "Իսլամական պետություն"), ("bgn", "Islamakan petutyun"),
        ("arabic", "الدولة الإسلامية في العراق والشام"), ("control", "Islamic\u200bState"),
        ("homoglyph", "Islamic Stаte"), ("fullwidth", "ＩＳＩＬ"), ("exact", "DAESH"),
    ],
    "org-isil-k": [
        ("exact", "ISIL-K"), ("exact", "ISIS-K"), ("exact", "ISKP"), ("exact", "Islamic State Khorasan Province"),
        ("word_order", "Khorasan Province Islamic State"), ("typo", "Islamic State Khurasan Province"),
        ("exact", "Вилаят Хорасан"), ("gost", "Vilayat Xorasan"), ("bgn", "Vilayat Khorasan"),
        ("icao", "VILAIAT KHORASAN"), ("informal", "Wilayat Khorasan"), ("spacing", "ISIL K"),
        ("typo", "Islamic State in Iraq and the Levant Khorasn"),
    ],
    "org-al-qaida": [
        ("exact", "Al-Qaida"), ("exact", "Al-Qaeda"), ("article", "Qaida"), ("article", "Al Qaida"),
        ("spacing", "Alqaida"), ("spacing", "AlQaeda"), ("exact", "Аль-Каида"), ("article", "Аль Каида"),
        ("article", "Каида"), ("gost", "Al-Kaida"), ("informal", "Al Kaida"), ("informal", "El Kaida"),
        ("informal", "al-Qa'ida"), ("informal", "Al Qa’idah"), ("typo", "Al-Qiada"), ("typo", "Al Qeada"),
        ("arabic", "القاعدة"), ("exact", "База"), ("informal", "Al-Kaeda"), ("case", "AL QAEDA"),
        ("tajik", "Ал-Қоида"), ("bgn", "Al-Qoida"),
    ],
    "org-jamaat-ansarullah": [
        ("exact", "Jamaat Ansarullah"), ("exact", "Джамаат Ансаруллах"), ("exact", "Ҷамоати Ансоруллоҳ"),
        ("bgn", "Jamoati Ansorulloh"), ("gost", "Dzhamaat Ansarullax"), ("icao", "DZHAMAAT ANSARULLAKH"),
        ("bgn", "Dzhamaat Ansarullakh"), ("informal", "Djamaat Ansarulla"), ("informal", "Jamaat Ansarulla"),
        ("informal", "Jamaat Ansarulloh"), ("informal", "Jamoat Ansorullo"), ("exact", "Джамоат Ансорулло"),
        ("word_order", "Ansarullah Jamaat"), ("typo", "Jamaat Ansarrulah"), ("typo", "Jamaat Ansarullakh"),
        ("typo", "Jamat Ansarullah"), ("exact", "Ansarullah Society"), ("gost", "Chamoati Ansorulloh"),
        ("case", "JAMAAT ANSARULLAH"), ("spacing", "Jamaat-Ansarullah"),
    ],
    "org-hizb-ut-tahrir": [
        ("exact", "Hizb ut-Tahrir"), ("spacing", "Hizb-ut-Tahrir"), ("spacing", "Hizb ut Tahrir"),
        ("article", "Hizb Tahrir"), ("informal", "Hizbut Tahrir"), ("informal", "Hizb al-Tahrir"),
        ("exact", "Хизб ут-Тахрир аль-Ислами"), ("gost", "Xizb ut-Taxrir al-Islami"),
        ("bgn", "Khizb ut-Takhrir al-Islami"), ("informal", "Hizb ut-Tahrir al-Islamiy"),
        ("exact", "Партия исламского освобождения"), ("gost", "Partiya islamskogo osvobozhdeniya"),
        ("icao", "PARTIIA ISLAMSKOGO OSVOBOZHDENIIA"), ("typo", "Hizb ut-Tahir"), ("typo", "Hisb ut-Tahrir"),
        ("arabic", "حزب التحرير"), ("word_order", "Tahrir Hizb ut"), ("case", "HIZB UT-TAHRIR AL-ISLAMI"),
        ("informal", "Hizb-ut-Takhrir"),
    ],
    "org-imu": [
        ("exact", "Islamic Movement of Uzbekistan"), ("exact", "IMU"), ("acronym", "ИДУ"),
        ("exact", "Исламское движение Узбекистана"), ("gost", "Islamskoe dvizhenie Uzbekistana"),
        ("icao", "ISLAMSKOE DVIZHENIE UZBEKISTANA"), ("bgn", "Islamskoye dvizheniye Uzbekistana"),
        ("exact", "Ўзбекистон ислом ҳаракати"), ("bgn", "Uzbekiston islom harakati"),
        ("informal", "O'zbekiston Islomiy Harakati"), ("informal", "Ozbekiston Islomiy Harakati"),
        ("typo", "Islamic Movment of Uzbekistan"), ("typo", "Islamic Movement of Usbekistan"),
        ("word_order", "Uzbekistan Islamic Movement of"), ("case", "islamic movement of uzbekistan"),
        ("informal", "Islamskoe dvijenie Uzbekistana"),
    ],
    "org-taliban": [
        ("exact", "Taliban"), ("exact", "Талибан"), ("exact", "Движение Талибан"), ("gost", "Dvizhenie Taliban"),
        ("bgn", "Dvizheniye Taliban"), ("exact", "Taliban Movement"), ("word_order", "Movement Taliban"),
        ("typo", "Talibaan"), ("typo", "Talliban"), ("informal", "Taleban"), ("arabic", "طالبان"),
        ("exact", "Islamic Emirate of Afghanistan"), ("typo", "Islamic Emirat of Afghanistan"),
        ("tajik", "Толибон"), ("case", "TALIBAN"),
    ],
    "QDe.132": [
        ("exact", "Tehrik-e Taliban Pakistan"), ("exact", "TTP"), ("informal", "Tehreek-e-Taliban Pakistan"),
        ("exact", "Pakistani Taliban"), ("spacing", "Tehrik e Taliban Pakistan"), ("typo", "Tehrik-e Talban Pakistan"),
        ("gost", "Texrik-e Taliban Pakistan"),
    ],
    "QDe.137": [
        ("exact", "Hayat Tahrir al-Sham"), ("article", "Hayat Tahrir ash-Sham"), ("exact", "Jabhat al-Nusrah"),
        ("informal", "Jabhat an-Nusra"), ("informal", "Dzhebkhat an-Nusra"), ("exact", "HTS"),
        ("typo", "Jabhat al-Nusrra"), ("informal", "Jabhat Fateh al-Sham"), ("arabic", "هيئة تحرير الشام"),
    ],
    "QDe.088": [
        ("exact", "Eastern Turkistan Islamic Movement"), ("exact", "ETIM"), ("informal", "East Turkestan Islamic Movement"),
        ("exact", "Islamic Party of Turkestan"), ("typo", "Eastern Turkistan Islamik Movement"),
    ],
    "QDe.138": [("exact", "Boko Haram"), ("typo", "Boko Harem"), ("case", "BOKO HARAM")],
    "QDe.162": [("exact", "ISWAP"), ("exact", "Islamic State West Africa Province"),
                ("word_order", "West Africa Province Islamic State")],
    "QDe.159": [("exact", "JNIM"), ("informal", "Jama'a Nusrat al-Islam wal-Muslimin")],
    "YEe.001": [("exact", "Ansar Allah"), ("exact", "The Houthis"), ("article", "Houthis")],
    "QDe.098": [("exact", "Ansar al-Islam"), ("article", "Ansar Islam")],
}

# Look-alikes: the query names a different real organisation or an ordinary company; the right
# side is the listed organisation it could be confused with.
NEGATIVES = {
    "org-jamaat-ansarullah": [
        "Ansar Allah", "Ansarallah", "Ansar al-Sharia", "Ansar Dine", "Ansar Beit al-Maqdis",
        "Jamaat-e-Islami", "Jamaat Tabligh", "Jamaat ul-Furqan", "Ansarullah Bangla Team", "Jamaat Ahmadiyya",
        "Ansar Bank", "Jamal Ansari Trading LLC", "Ansar Logistics",
    ],
    "org-isil": [
        "Islamic Relief Worldwide", "Islamic Development Bank", "Islamic State University", "Islamic Society of North America",
        "ISIS Papyrus Software", "Isis Pharmaceuticals", "Islamic Republic of Iran Broadcasting", "State Islamic Bank",
        "Levant Trading Company", "Iraqi Airways", "Islamic Azad University", "Исламский банк развития",
        "Исламский университет", "Isil Petrol", "ISL Group", "Daewoo Shipbuilding", "Iraq and Levant Logistics",
        "Islamic Cultural Centre of Ireland", "Государственный университет", "Islamic Army in Iraq",
    ],
    "org-isil-k": [
        "Khorasan Razavi Province", "Khorasan Steel Complex", "Islamic State University of Khorasan",
        "Khorasan Group", "Khorasan Petrochemical", "Вилаят Нинева",
    ],
    "org-al-qaida": [
        "Al Qaida Trading", "Al-Qaed Hotel", "Al Kaida Foods", "Al Qadi Law Firm", "Al-Kafeel Foundation",
        "Al Qasimi Hospital", "Al-Qudra Holding", "Al Quds University", "Al-Qaeda in the Islamic Maghreb",
        "Al-Qaida in Iraq", "Al Rajhi Bank", "Аль-Фарук", "Кайда Групп", "Al Jazeera",
    ],
    "org-hizb-ut-tahrir": [
        "Hizbullah", "Hezbollah", "Hizb-e-Islami", "Hizb al-Wasat", "Tahrir Square Holdings",
        "Hizb ut-Tahrir Britain Solicitors", "Tahrir Institute for Middle East Policy", "Партия исламского возрождения",
        "Islamic Renaissance Party of Tajikistan", "Hizb al-Dawa", "Партия освобождения Палестины",
    ],
    "org-imu": [
        "Islamic Movement of Kurdistan", "Islamic Jihad Union", "Uzbekistan Airways", "Uzbekneftegaz",
        "Islamic Movement of Nigeria", "Movement for Uzbekistan", "Исламское движение Курдистана",
        "Movement of Society for Peace", "International Monetary Union", "IMU Medical University",
        "Islamic Movement in Israel", "Узбекистон темир йуллари",
    ],
    "org-taliban": [
        "Tehrik-e Taliban Pakistan", "Taleb Trading", "Talibani Construction", "Tali Bank", "Talisman Energy",
        "Taliban Street Food", "Afghan Wireless", "Islamic Emirate of Kavkaz", "Talbina Foods",
        "Talaban Club", "Afghanistan International Bank",
    ],
    "QDe.132": ["Pakistan Tehreek-e-Insaf", "Tehreek-e-Labbaik Pakistan", "Pakistan Peoples Party", "Tata Tea Pakistan"],
    "QDe.137": ["Al-Nasr Sports Club", "Hayat Pharmaceuticals", "Tahrir al-Sham Mall", "Jabal al-Sham Tours",
                "Sham Wings Airlines", "Syrian Arab Airlines"],
    "QDe.088": ["East Turkestan Republic Government in Exile", "Turkestan Airlines", "Eastern Movement Bank",
                "Islamic Movement of Turkey Party"],
    "QDe.138": ["Boko Farms", "Harambee Cooperative", "Nigerian National Petroleum"],
    "QDe.162": ["West Africa Development Bank", "Islamic State of West Bengal", "ISWA Association"],
    "YEe.001": ["Ansar Bank", "Houthi Coffee Company", "Allah Rakha Textiles"],
    "QDe.098": ["Ansar Islamic Bank", "Islam Ansari Trading", "Ansar Dine"],
    "generic": [
        "Kazakhtelecom", "Gazprom", "Sberbank", "Halyk Bank", "KazMunayGas", "Air Astana", "Aeroflot",
        "Yandex", "Kaspi Bank", "Rosneft", "Lukoil", "Belavia", "Beltelecom", "Armenian Airlines",
        "Ardshinbank", "Kyrgyztelecom", "Tajik Air", "Somon Air", "Orient Bank", "Сбербанк России",
        "Газпром нефть", "Қазақстан темір жолы", "Тоҷиктелеком", "Հայաստանի էլեկտրական ցանցեր",
        "شركة أرامكو السعودية", "Emirates NBD", "Qatar Airways", "Siemens AG", "Apple Inc",
        "Samsung Electronics", "Toyota Motor", "Coca-Cola", "Nestle", "Deutsche Bank", "Barclays",
        "Red Cross", "Red Crescent Society of Tajikistan", "UNICEF", "Amnesty International",
        "Doctors Without Borders", "Islamic Help", "Muslim Aid", "Human Appeal", "Zakat Foundation",
        "Al Baraka Bank", "Dubai Islamic Bank", "Kuwait Finance House", "Al Ahli Bank",
        "Ivan Petrov", "Maria Ivanova",
    ],
}
GENERIC_RIGHT = "org-isil"  # generic negatives are paired with the most-screened record


def entity(ent_id: str, name: str, schema: str = "Organization") -> dict:
    return {"id": ent_id, "schema": schema, "properties": {"name": [name]}}


def qid(text: str) -> str:
    # Content-hash ids: nomenklatura's logic-v2 caches by id (reference §6), so ids must not repeat.
    return "q-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def main() -> None:
    out = []
    for target, queries in POSITIVES.items():
        for kind, q in queries:
            out.append({"left": entity(qid(q), q), "right": entity(target, TARGETS[target]),
                        "judgement": "positive", "kind": kind})
    for target, queries in NEGATIVES.items():
        right = GENERIC_RIGHT if target == "generic" else target
        for q in queries:
            out.append({"left": entity(qid(q), q), "right": entity(right, TARGETS[right]),
                        "judgement": "negative", "kind": "lookalike" if target != "generic" else "unrelated"})
    path = Path(__file__).with_name("pairs.jsonl")
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in out), encoding="utf-8")
    pos = sum(p["judgement"] == "positive" for p in out)
    print(f"wrote {len(out)} pairs ({pos} positive, {len(out) - pos} negative) to {path}")


if __name__ == "__main__":
    main()
