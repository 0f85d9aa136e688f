"""The shell: language per user, time zones, navigation entries, translation completeness."""

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]

WEB = Path(__file__).resolve().parents[2] / "src" / "crisisdesk" / "web"
LOCALE = Path(__file__).resolve().parents[2] / "src" / "crisisdesk" / "locale"


def test_the_login_page_switches_to_russian_before_anyone_logs_in(client, org):
    assert "User name" in client.get("/login/").content.decode()
    response = client.post("/language/", {"language": "ru", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    assert '<html lang="ru">' in page
    assert "Имя пользователя" in page and "Вход" in page


def test_a_users_language_is_stored_and_follows_them_to_another_browser(login, alice, kz_case):
    from crisisdesk.web.models import Preference

    client = login(alice)
    client.post("/language/", {"language": "ru", "next": "/"})
    assert Preference.objects.get(user=alice).language == "ru"
    other_browser = Client()  # no language cookie
    other_browser.force_login(alice)
    page = other_browser.get("/").content.decode()
    assert "<h1>Дела</h1>" in page
    assert "Беспорядки в Казахстане (тест)" in page  # the Russian title of the case
    assert "Республика Казахстан" in page or "Казахстан" in page
    client.post("/language/", {"language": "en", "next": "/"})
    assert "<h1>Cases</h1>" in other_browser.get("/").content.decode()


def test_a_language_switch_never_redirects_off_site(client, org):
    response = client.post("/language/", {"language": "ru", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.post("/language/", {"language": "xx"}).status_code == 400


def test_the_zone_defaults_to_the_users_state_and_can_be_chosen(login, alice, secretariat, kz_case):
    appeal = '2022-01-05T19:00:00+00:00">2022-01-06 01:00</time>'  # 19:00 UTC is 01:00 in Almaty
    assert appeal in login(alice).get("/").content.decode()
    staff = login(secretariat)
    page = staff.get("/").content.decode()
    assert '2022-01-05T19:00:00+00:00">2022-01-05 19:00</time>' in page  # the Centre's staff: UTC
    assert "2022-01-06 01:00" in page  # and beside it, the host state's time
    assert staff.post("/preferences/", {"language": "", "zone": "Europe/Moscow"}).status_code == 302
    assert '">2022-01-05 22:00</time>' in staff.get("/").content.decode()


def test_preferences_refuse_an_unknown_zone_with_a_message(login, alice):
    from crisisdesk.web.models import Preference

    response = login(alice).post("/preferences/", {"language": "en", "zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Choose a language and a time zone from the lists." in response.content.decode()
    assert not Preference.objects.filter(user=alice).exists()


def test_navigation_lists_only_pages_that_exist(login, alice, monkeypatch):
    from crisisdesk.web import nav

    monkeypatch.setattr(nav, "ENTRIES", list(nav.ENTRIES))
    nav.register("/nowhere-yet/", "Nowhere")
    nav.register("no-such-url-name", "Nameless")
    nav.register("preferences", "Settings entry")
    page = login(alice).get("/").content.decode()
    links = re.findall(r'<nav aria-label="Main">(.*?)</nav>', page, re.S)[0]
    assert 'href="/"' in links and "Settings entry" in links
    assert "Nowhere" not in links and "Nameless" not in links


def _template_msgids():
    ids = set()
    for path in (WEB / "templates").rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        ids |= set(re.findall(r'{%\s*translate\s+"([^"]+)"', source))
        ids |= set(re.findall(r"{%\s*translate\s+'([^']+)'", source))
    return ids


def test_every_interface_string_has_a_russian_translation_in_the_compiled_catalogue():
    """The .mo is committed (no gettext at run time), so it must match the templates."""
    with open(LOCALE / "ru" / "LC_MESSAGES" / "django.mo", "rb") as f:
        catalogue = gettext.GNUTranslations(f)
    ids = _template_msgids()
    assert len(ids) > 50
    same = {"UTC"}
    untranslated = sorted(i for i in ids if catalogue.gettext(i) == i and i not in same)
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file():
    po = (LOCALE / "ru" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    with open(LOCALE / "ru" / "LC_MESSAGES" / "django.mo", "rb") as f:
        catalogue = gettext.GNUTranslations(f)
    entries = re.findall(r'^(?:msgctxt "(.+)"\n)?msgid "(.+)"\nmsgstr "(.+)"$', po, re.M)
    assert len(entries) > 100
    for context, msgid, msgstr in entries:
        msgid, msgstr = msgid.replace('\\"', '"'), msgstr.replace('\\"', '"')
        found = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        assert found == msgstr, msgid
