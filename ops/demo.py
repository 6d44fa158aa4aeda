"""Demo content for a fresh node: a second lab, method cards and events, written via the services.

The content is fictional: addresses use invented streets and the postcode 12345, links point to
example.org, and nobody named here exists. Texts are German because the network's labs are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events.services import event_create
from hub.models import ChangeLogEntry, Lab, Node
from hub.selectors import local_node
from hub.services.labs import lab_create, lab_iri
from methods.models import MethodCard
from methods.services import method_adapt, method_create

BERLIN = ZoneInfo("Europe/Berlin")
MAIN = "main"
QUARTIER = "quartier"

# The demo's own lab; its IRI (or its tombstone) marks that the demo was seeded on this node.
DEMO_LAB_SLUG = "quartierslabor-nordstadt"

LAB_ADDRESS = "Beispielweg 12, 12345 {city}"

DEMO_LAB: dict[str, Any] = {
    "slug": DEMO_LAB_SLUG,
    "name": "Quartierslabor Nordstadt",
    "address": LAB_ADDRESS,
    "description": (
        "Das Quartierslabor ist der Ableger des Stadtlabors in der Nordstadt. In einem ehemaligen "
        "Ladenlokal erproben Nachbarschaft, Verwaltung und Initiativen gemeinsam neue Ideen für "
        "den Stadtteil – von der Spielplatzplanung bis zur verständlichen Behördenpost."
    ),
    "website": "https://nordstadt.example.org/",
    "email": "hallo@nordstadt.example.org",
    "opening_hours": "Dienstag und Donnerstag 14–19 Uhr, Samstag 10–14 Uhr",
    "accessibility": (
        "Ebenerdiger Eingang ohne Stufen, barrierefreies WC, Induktionsschleife im großen Raum. "
        "Assistenzhunde sind willkommen."
    ),
}

MAIN_PLACE = ("Stadtlabor, Werkraum im Erdgeschoss", "Musterstraße 5, 12345 {city}")
QUARTIER_PLACE = ("Quartierslabor Nordstadt", LAB_ADDRESS)
TREFF_PLACE = ("Nachbarschaftstreff Nordstadt", "Übungsgasse 7, 12345 {city}")


# ---------------------------------------------------------------------------------------------
# Method cards. "key" names a card inside this module; "lab" says which demo lab authored it;
# "steps" maps each step's title to its text, in order.
# ---------------------------------------------------------------------------------------------

METHODS: tuple[dict[str, Any], ...] = (
    {
        "key": "erwartungsabfrage",
        "lab": MAIN,
        "title": "Erwartungsabfrage",
        "summary": (
            "Zu Beginn eines Vorhabens halten alle Beteiligten kurz fest, was sie sich wünschen, "
            "was sie befürchten und was sie selbst beitragen wollen. So kommen unausgesprochene "
            "Annahmen früh auf den Tisch."
        ),
        "added_value": (
            "Das Team erfährt, wo Erwartungen auseinandergehen, bevor daraus Konflikte werden, und "
            "kann den Rahmen des Projekts bewusst abstecken."
        ),
        "body": (
            "Die Erwartungsabfrage ist ein kurzer Einstieg für Auftaktrunden – im Team, mit "
            "Partnern aus der Verwaltung oder mit Menschen aus der Nachbarschaft. Auf drei "
            "Plakaten stehen die "
            "Fragen *Was wünsche ich mir?*, *Was befürchte ich?* und *Was bringe ich mit?*.\n\n"
            "Die Antworten werden still auf Karten geschrieben, dann vorgelesen und grob sortiert. "
            "Am Ende steht keine Entscheidung, sondern ein gemeinsames Bild davon, womit alle "
            "starten."
        ),
        "phase": "vorbereiten",
        "duration": (20, 45),
        "difficulty": "low",
        "group_size": (4, 25),
        "materials": [
            "Moderationskarten in drei Farben",
            "dicke Filzstifte",
            "drei Plakate oder Pinnwände",
        ],
        "roles": ["Moderation", "Zeitwache"],
        "steps": {
            "Plakate vorbereiten": (
                "Je ein Plakat mit einer der drei Fragen beschriften und gut sichtbar aufhängen."
            ),
            "Still schreiben": (
                "Alle notieren in fünf bis acht Minuten ihre Gedanken, einen Gedanken pro Karte, "
                "in großer Schrift."
            ),
            "Vorstellen und anpinnen": (
                "Reihum stellen die Teilnehmenden ihre Karten kurz vor und hängen sie zur "
                "passenden Frage."
            ),
            "Gruppieren": (
                "Gemeinsam ähnliche Karten zusammenschieben und jeder Gruppe eine kurze "
                "Überschrift geben."
            ),
            "Festhalten": (
                "Auffällige Befürchtungen und offene Fragen notieren und vereinbaren, wann das "
                "Team darauf zurückkommt."
            ),
        },
        "tips": (
            "Befürchtungen ernst nehmen, aber nicht sofort ausdiskutieren. Es reicht, sie sichtbar "
            "zu machen und später wieder aufzugreifen."
        ),
        "target_groups": ["general-public", "administration-staff", "older-people"],
        "accessibility_notes": (
            "Wer nicht schreiben möchte, ruft seine Gedanken zu, und die Moderation schreibt mit. "
            "Plakate auf Sitzhöhe aufhängen, damit sie auch vom Rollstuhl aus erreichbar sind."
        ),
        "keywords": ["Auftakt", "Erwartungen", "Kennenlernen", "Moderation"],
    },
    {
        "key": "teamprofil",
        "lab": MAIN,
        "visibility": "network",
        "title": "Teamprofil",
        "summary": (
            "Ein gemeinsames Plakat zeigt, welche Fähigkeiten, Erfahrungen und zeitlichen "
            "Möglichkeiten im Projektteam stecken – und wo noch etwas fehlt."
        ),
        "added_value": (
            "Aufgaben lassen sich nach Stärken verteilen, und Lücken im Team fallen auf, bevor sie "
            "das Projekt bremsen."
        ),
        "body": (
            "In gemischten Teams aus Verwaltung, Zivilgesellschaft und Lab wissen die Beteiligten "
            "oft wenig voneinander. Beim Teamprofil trägt jede Person in ein großes Raster ein, "
            "was sie gut "
            "kann, was sie lernen möchte und wie viel Zeit sie realistisch einbringen kann.\n\n"
            "Das Ergebnis ist ein lebendiges Dokument: Es hängt im Projektraum und wird ergänzt, "
            "wenn neue Menschen dazukommen."
        ),
        "phase": "vorbereiten",
        "duration": (45, 90),
        "difficulty": "low",
        "group_size": (3, 12),
        "materials": [
            "großes Plakat mit Raster",
            "Haftnotizen",
            "Stifte",
            "Kamera für die Dokumentation",
        ],
        "roles": ["Moderation", "Dokumentation"],
        "steps": {
            "Raster zeichnen": (
                "Spalten für Namen, Stärken, Lernwünsche, verfügbare Zeit und nützliche Kontakte "
                "anlegen."
            ),
            "Selbst eintragen": "Jede Person füllt ihre Zeile aus; Stichworte genügen.",
            "Gegenseitig ergänzen": (
                "Die anderen dürfen Stärken ergänzen, die ihnen an der Person aufgefallen sind – "
                "nur wohlwollend."
            ),
            "Lücken benennen": (
                "Prüfen, welche Fähigkeiten das Vorhaben braucht, die noch niemand mitbringt, und "
                "wer sie beisteuern könnte."
            ),
        },
        "tips": (
            "Zeitangaben ehrlich halten: Ein verlässlicher halber Tag pro Woche hilft mehr als ein "
            "optimistisch geschätzter ganzer."
        ),
        "target_groups": ["administration-staff"],
        "accessibility_notes": (
            "Das Raster zusätzlich als barrierefreies digitales Dokument anbieten, damit es auch "
            "mit Screenreader ausgefüllt werden kann."
        ),
        "keywords": ["Team", "Rollen", "Kompetenzen", "Projektstart"],
    },
    {
        "key": "stakeholder-landkarte",
        "lab": MAIN,
        "title": "Stakeholder-Landkarte",
        "summary": (
            "Eine Karte aller Menschen, Gruppen und Institutionen, die von einem Vorhaben "
            "betroffen sind oder es beeinflussen können, geordnet nach Nähe und Einfluss."
        ),
        "added_value": (
            "Wer früh sieht, wer mitreden sollte, vergisst keine leisen Stimmen und findet "
            "Verbündete, bevor es eng wird."
        ),
        "body": (
            "Auf einem Plakat werden Kreise um das Vorhaben gezeichnet: innen die direkt "
            "Betroffenen, außen Akteure, die nur am Rand berührt sind. Die Gruppe schreibt alle "
            "Beteiligten auf "
            "Karten und ordnet sie ein. Linien zeigen, wer mit wem in Verbindung steht.\n\n"
            "Besonders wichtig ist die Frage, wer bisher **nicht** am Tisch sitzt – etwa Menschen "
            "ohne Internetzugang, Kinder oder Menschen, die wenig Deutsch sprechen. Für sie wird "
            "notiert, auf welchen Wegen man sie erreichen kann."
        ),
        "phase": "vorbereiten",
        "duration": (60, 120),
        "difficulty": "medium",
        "group_size": (3, 15),
        "materials": [
            "Plakat mit Kreisen",
            "Karten in verschiedenen Farben",
            "Stifte für Verbindungslinien",
        ],
        "roles": ["Moderation", "Fachperson aus der Verwaltung", "Dokumentation"],
        "steps": {
            "Vorhaben benennen": (
                "Das Vorhaben in einem Satz in die Mitte schreiben, damit alle vom Gleichen "
                "sprechen."
            ),
            "Akteure sammeln": (
                "Personen, Gruppen, Ämter, Vereine und Betriebe auf Karten notieren, die mit dem "
                "Thema zu tun haben."
            ),
            "Einordnen": (
                "Die Karten nach Betroffenheit und Einfluss auf die Kreise legen und die Wahl kurz "
                "begründen."
            ),
            "Beziehungen zeichnen": (
                "Verbindungen, Abhängigkeiten und Spannungen mit Linien und Symbolen markieren."
            ),
            "Lücken suchen": (
                "Fragen: Wer fehlt? Wessen Sicht kennen wir nur vom Hörensagen? Zugangswege "
                "notieren."
            ),
        },
        "tips": (
            "Die Karte ist eine Momentaufnahme. Nach den ersten Gesprächen lohnt es sich, sie zu "
            "überarbeiten."
        ),
        "target_groups": ["administration-staff", "general-public"],
        "accessibility_notes": (
            "Farben zusätzlich durch Symbole unterscheiden, damit die Karte auch bei "
            "Farbsehschwäche lesbar bleibt."
        ),
        "keywords": ["Akteure", "Beteiligung", "Netzwerk", "Einfluss"],
    },
    {
        "key": "interviews-marktplatz",
        "lab": QUARTIER,
        "title": "Interviews auf dem Marktplatz",
        "summary": (
            "Kurze, offene Gespräche mit Passantinnen und Passanten an einem belebten Ort, um "
            "Alltagserfahrungen zu einem Thema einzusammeln."
        ),
        "added_value": (
            "Man erreicht Menschen, die nie zu einer Informationsveranstaltung kämen, und hört "
            "ihre Sicht in ihren eigenen Worten."
        ),
        "body": (
            "Ein kleines Team baut einen einladenden Stand auf dem Wochenmarkt, vor dem Supermarkt "
            "oder an der Haltestelle auf. Statt eines Fragebogens gibt es drei bis vier offene "
            "Leitfragen; "
            "die Gespräche dauern selten länger als zehn Minuten.\n\n"
            "Wichtig ist, zuzuhören statt zu erklären. Notiert werden Zitate, Beobachtungen und "
            "Ideen – keine Namen und keine Adressen."
        ),
        "phase": "erkunden",
        "duration": (90, 240),
        "difficulty": "medium",
        "group_size": (2, 6),
        "materials": [
            "Stehtisch oder Marktstand",
            "Leitfaden mit drei bis vier Fragen",
            "Klemmbretter und Notizzettel",
            "kleines Dankeschön, etwa ein Stadtteilplan",
            "Infoblatt zum Datenschutz",
        ],
        "roles": ["Gesprächsführung", "Protokoll", "Ansprache von Passantinnen und Passanten"],
        "steps": {
            "Ort und Zeit wählen": (
                "Einen Ort suchen, an dem die gewünschten Menschen tatsächlich unterwegs sind, und "
                "die passende Tageszeit prüfen."
            ),
            "Leitfragen formulieren": (
                "Offene Fragen zum Alltag vorbereiten, etwa: Wann haben Sie zuletzt …? Was hat Sie "
                "dabei gestört?"
            ),
            "Ansprechen": (
                "Freundlich erklären, wer man ist und wofür die Antworten gebraucht werden. Ein "
                "Nein ohne Nachfrage akzeptieren."
            ),
            "Zuhören und notieren": (
                "Zu zweit arbeiten: Eine Person fragt, die andere schreibt wörtliche Zitate mit."
            ),
            "Direkt auswerten": (
                "Noch am selben Tag die wichtigsten Aussagen auf Karten übertragen, solange die "
                "Eindrücke frisch sind."
            ),
        },
        "tips": (
            "Ein Bild oder Stadtplan am Stand erleichtert den Einstieg ins Gespräch. Mehrsprachige "
            "Teammitglieder sind ein großer Gewinn."
        ),
        "target_groups": [
            "general-public",
            "older-people",
            "without-internet-access",
            "little-german-or-low-literacy",
        ],
        "accessibility_notes": (
            "Eine Sitzgelegenheit anbieten und die Fragen auch in einfacher Sprache bereithalten. "
            "Für Gespräche in anderen Sprachen Sprachmittlung einplanen."
        ),
        "keywords": ["Befragung", "öffentlicher Raum", "Alltag", "aufsuchende Beteiligung"],
    },
    {
        "key": "spaziergangsinterview",
        "lab": QUARTIER,
        "title": "Spaziergangsinterview",
        "summary": (
            "Ein Gespräch im Gehen: Eine Bewohnerin oder ein Bewohner führt durch das eigene "
            "Viertel und zeigt, was im Alltag gut funktioniert und was nicht."
        ),
        "added_value": (
            "Orte wecken Erinnerungen und konkrete Beispiele, die in einem Sitzungsraum nie zur "
            "Sprache kämen."
        ),
        "body": (
            "Beim Spaziergangsinterview bestimmt die befragte Person den Weg. Das Interviewteam "
            "begleitet sie etwa eine Stunde lang, fragt nach und hält fest, an welchen Stellen "
            "etwas "
            "erzählt wird. Fotos helfen später bei der Auswertung.\n\n"
            "Die Methode eignet sich besonders für Fragen rund um Wege, Aufenthaltsorte und "
            "Barrieren im Stadtraum."
        ),
        "phase": "erkunden",
        "duration": (45, 90),
        "difficulty": "low",
        "group_size": (2, 3),
        "materials": [
            "ausgedruckter Stadtteilplan",
            "Smartphone oder Kamera",
            "Notizbuch",
            "Einverständniserklärung für Fotos",
        ],
        "roles": ["Interview", "Begleitung mit Kamera"],
        "steps": {
            "Gesprächspartner finden": (
                "Über Nachbarschaftstreffs, Vereine oder Aushänge Menschen gewinnen, die ihr "
                "Viertel zeigen möchten."
            ),
            "Rahmen vereinbaren": (
                "Startpunkt, Dauer und Tempo gemeinsam festlegen; Pausen sind jederzeit möglich."
            ),
            "Losgehen und fragen": (
                "Die Person führt. Offen fragen: Warum gehen Sie hier entlang? Was fällt Ihnen an "
                "diesem Ort auf?"
            ),
            "Orte markieren": (
                "Wichtige Stellen auf dem Plan einzeichnen und mit den Fotos verknüpfen."
            ),
            "Nachbesprechen": (
                "Zum Schluss gemeinsam die wichtigsten Eindrücke zusammenfassen und fragen, was "
                "noch fehlt."
            ),
        },
        "tips": (
            "Ein ruhiges Tempo wählen und die Strecke an die Beweglichkeit der Person anpassen. "
            "Bei schlechtem Wetter lieber verschieben."
        ),
        "target_groups": [
            "older-people",
            "people-with-disabilities",
            "children-and-young-people",
            "general-public",
        ],
        "accessibility_notes": (
            "Die Route vorher auf Stufen und Sitzgelegenheiten prüfen. Der Weg kann auch mit "
            "Rollstuhl oder Rollator zurückgelegt werden – gerade dann zeigt er viel."
        ),
        "keywords": ["Stadtraum", "Mobilität", "Barrieren", "qualitative Forschung"],
    },
    {
        "key": "kartenabfrage",
        "lab": MAIN,
        "title": "Kartenabfrage mit Punkten",
        "summary": (
            "Alle Anwesenden halten ihre Antworten auf eine offene Frage auf Karten fest und "
            "gewichten die Themen anschließend mit Klebepunkten."
        ),
        "added_value": (
            "Auch stillere Menschen kommen zu Wort, und in kurzer Zeit entsteht ein Stimmungsbild, "
            "das alle vor Augen haben."
        ),
        "body": (
            "Die Kartenabfrage lässt sich gut in Bürgerversammlungen und Workshops einbauen. Eine "
            "klar formulierte Frage steht auf der Pinnwand; jede Person notiert ihre Antworten, "
            "die danach "
            "nach Themen geordnet werden.\n\n"
            "Im zweiten Schritt verteilen alle eine begrenzte Zahl an Punkten. So wird sichtbar, "
            "welche Themen vielen wichtig sind – ohne dass die lautesten Stimmen den Ausschlag "
            "geben."
        ),
        "phase": "erkunden",
        "duration": (30, 60),
        "difficulty": "low",
        "group_size": (5, 40),
        "materials": [
            "Pinnwände",
            "Moderationskarten",
            "Filzstifte",
            "Klebepunkte (drei bis fünf pro Person)",
            "Pinnnadeln",
        ],
        "roles": ["Moderation", "Co-Moderation zum Ordnen der Karten"],
        "steps": {
            "Frage stellen": "Eine offene, verständliche Frage groß auf die Pinnwand schreiben.",
            "Antworten sammeln": (
                "Jede Person hält ihre Antworten auf Karten fest – geschrieben, gezeichnet oder "
                "diktiert."
            ),
            "Ordnen": "Karten vorlesen, gemeinsam nach Themen gruppieren und Überschriften finden.",
            "Punkten": "Jede Person klebt ihre Punkte auf die Themen, die ihr am wichtigsten sind.",
            "Ergebnis besprechen": (
                "Die Themen mit den meisten Punkten benennen und vereinbaren, wie es damit "
                "weitergeht."
            ),
        },
        "tips": (
            "Punkte erst verteilen, wenn alle Gruppen fertig sind; sonst laufen viele den ersten "
            "Punkten hinterher."
        ),
        "target_groups": ["general-public", "administration-staff", "older-people"],
        "accessibility_notes": (
            "Wer nicht schreiben kann oder möchte, diktiert der Co-Moderation. Pinnwände so "
            "stellen, dass man sie auch im Sitzen erreicht."
        ),
        "keywords": ["Moderation", "Priorisierung", "Stimmungsbild", "Workshop"],
    },
    {
        "key": "persona-werkstatt",
        "lab": MAIN,
        "title": "Persona-Werkstatt",
        "summary": (
            "Aus Interviews und Beobachtungen entstehen wenige erfundene, aber realistische "
            "Personen, die typische Bedürfnisse und Hürden verkörpern."
        ),
        "added_value": (
            "Das Team entwirft nicht mehr für „die Bürgerinnen und Bürger“, sondern für Menschen "
            "in konkreten Lebenslagen – und bemerkt, wen es bisher übersehen hat."
        ),
        "body": (
            "In der Persona-Werkstatt werten kleine Gruppen die gesammelten Eindrücke aus und "
            "verdichten sie zu zwei bis vier Steckbriefen. Jede Persona bekommt einen Namen, einen "
            "Alltag, Ziele, Ärgernisse und einen typischen Satz.\n\n"
            "Personas sind weder Statistik noch Klischee: Jede Angabe sollte sich auf etwas "
            "stützen, das in der Erkundung tatsächlich gehört oder gesehen wurde."
        ),
        "phase": "erkennen",
        "duration": (90, 180),
        "difficulty": "medium",
        "group_size": (4, 16),
        "materials": [
            "Persona-Vorlage auf A3",
            "Ergebnisse der Erkundung (Zitate, Fotos)",
            "Haftnotizen",
            "Stifte",
        ],
        "roles": ["Moderation", "Menschen aus dem Erkundungsteam", "Fachpersonen"],
        "steps": {
            "Material sichten": (
                "Zitate und Beobachtungen aus der Erkundung an einer Wand ausbreiten und gemeinsam "
                "lesen."
            ),
            "Muster erkennen": (
                "Wiederkehrende Bedürfnisse, Situationen und Hindernisse markieren und zu Gruppen "
                "zusammenfassen."
            ),
            "Personas skizzieren": (
                "Für jede Gruppe einen Steckbrief anlegen: Name, Lebenslage, Ziele, Hürden, "
                "typischer Satz."
            ),
            "Gegenprüfen": (
                "Jede Angabe auf ihre Quelle prüfen und ausgedachte Klischees streichen."
            ),
            "Vorstellen": "Die Personas im Plenum zeigen und fragen: Wen bilden wir noch nicht ab?",
        },
        "tips": (
            "Bewusst auch Personas für Menschen anlegen, die ein Angebot heute nicht nutzen, etwa "
            "weil ihnen der Internetzugang fehlt."
        ),
        "target_groups": ["administration-staff"],
        "accessibility_notes": (
            "Steckbriefe mit Bildern und kurzen Sätzen gestalten, damit sie auch Gästen ohne "
            "Vorwissen verständlich sind."
        ),
        "keywords": ["Personas", "Nutzerzentrierung", "Bedürfnisse", "Auswertung"],
    },
    {
        "key": "journey-map",
        "lab": MAIN,
        "title": "Journey Map",
        "summary": (
            "Der Weg einer Person durch eine Verwaltungsleistung wird Schritt für Schritt "
            "aufgezeichnet, samt Gefühlen, Kontaktpunkten und Stolpersteinen."
        ),
        "added_value": (
            "Brüche zwischen Zuständigkeiten werden sichtbar, die aus der Innensicht einer "
            "einzelnen Abteilung nicht auffallen."
        ),
        "body": (
            "Eine Journey Map beginnt lange bevor jemand ein Amt betritt: in dem Moment, in dem "
            "ein Anliegen entsteht. Die Gruppe trägt auf einer Zeitachse alle Schritte ein – von "
            "der Suche "
            "nach Informationen über Formulare und Wartezeiten bis zum Bescheid.\n\n"
            "Unter jedem Schritt steht, was die Person tut, denkt und fühlt. Eine Stimmungskurve "
            "zeigt auf einen Blick, wo es hakt."
        ),
        "phase": "erkennen",
        "duration": (90, 150),
        "difficulty": "medium",
        "group_size": (3, 10),
        "materials": [
            "lange Papierbahn",
            "Haftnotizen in mehreren Farben",
            "Persona-Steckbriefe",
            "Klebeband",
        ],
        "roles": [
            "Moderation",
            "Menschen, die die Leistung selbst genutzt haben",
            "Sachbearbeitung aus dem Fachamt",
        ],
        "steps": {
            "Persona und Anlass wählen": (
                "Festlegen, wessen Weg betrachtet wird und mit welchem Anliegen er beginnt."
            ),
            "Schritte sammeln": (
                "Alle Stationen der Reihe nach auf die Papierbahn kleben, auch informelle wie "
                "„fragt die Nachbarin“."
            ),
            "Ebenen ergänzen": (
                "Zu jedem Schritt notieren: Kontaktpunkt, Handlung, Gedanken, Gefühle."
            ),
            "Stimmungskurve zeichnen": (
                "Eine Linie zwischen „gut“ und „schlecht“ über alle Schritte ziehen."
            ),
            "Tiefpunkte markieren": (
                "Die schwierigsten Stellen hervorheben und als Fragen für die Entwurfsphase "
                "festhalten."
            ),
        },
        "tips": (
            "Menschen einladen, die die Leistung selbst durchlaufen haben. Ihre Erfahrung "
            "korrigiert viele Annahmen aus dem Amt."
        ),
        "target_groups": ["administration-staff", "general-public"],
        "accessibility_notes": (
            "Die Papierbahn auf Tischhöhe statt hoch an der Wand anbringen, damit alle mitarbeiten "
            "können."
        ),
        "keywords": ["Nutzerreise", "Verwaltungsleistung", "Service Design"],
    },
    {
        "key": "wie-koennten-wir",
        "lab": MAIN,
        "visibility": "draft",
        "title": "Wie-könnten-wir-Fragen",
        "summary": (
            "Erkannte Probleme werden in offene Fragen umformuliert, die mit „Wie könnten wir …“ "
            "beginnen und zum Entwerfen einladen."
        ),
        "added_value": (
            "Aus Beschwerden werden Arbeitsaufträge, und das Team einigt sich auf wenige Fragen, "
            "an denen es weiterarbeitet."
        ),
        "body": (
            "Nach der Erkundung liegt oft eine lange Liste von Problemen auf dem Tisch. Diese "
            "Methode übersetzt sie in Fragen, die weder zu eng sind (die Lösung steht schon fest) "
            "noch zu weit "
            "(die Welt retten).\n\n"
            "Aus „Das Formular versteht niemand“ wird etwa: „Wie könnten wir Menschen helfen, "
            "ihren Antrag beim ersten Versuch vollständig einzureichen?“"
        ),
        "phase": "erkennen",
        "duration": (30, 60),
        "difficulty": "low",
        "group_size": (3, 12),
        "materials": ["Liste der wichtigsten Probleme", "Haftnotizen", "Stifte", "Klebepunkte"],
        "roles": ["Moderation"],
        "steps": {
            "Probleme auswählen": (
                "Die drei bis fünf wichtigsten Probleme aus der Auswertung nennen."
            ),
            "Umformulieren": (
                "Zu jedem Problem mehrere Fragen schreiben, die mit „Wie könnten wir …“ beginnen."
            ),
            "Zuschnitt prüfen": (
                "Für jede Frage klären: Lässt sie verschiedene Lösungen zu? Können wir sie im "
                "Projekt bearbeiten?"
            ),
            "Auswählen": (
                "Mit Punkten die zwei oder drei Fragen bestimmen, mit denen die Entwurfsphase "
                "startet."
            ),
        },
        "tips": (
            "Keine Lösung in die Frage schmuggeln: „Wie könnten wir eine App bauen …“ schließt "
            "alle anderen Wege aus."
        ),
        "target_groups": ["administration-staff"],
        "accessibility_notes": "Die Fragen laut vorlesen und in einfacher Sprache formulieren.",
        "keywords": ["Problemdefinition", "Fragestellung", "Design Thinking"],
    },
    {
        "key": "ideen-sprint",
        "lab": MAIN,
        "title": "Ideen-Sprint",
        "summary": (
            "In kurzen, streng getakteten Runden entwickeln alle erst allein und dann gemeinsam "
            "möglichst viele Lösungsideen zu einer Wie-könnten-wir-Frage."
        ),
        "added_value": (
            "Der Zeitdruck hilft, die innere Zensur abzulegen; in einer Stunde entstehen Dutzende "
            "Ansätze, aus denen das Team auswählen kann."
        ),
        "body": (
            "Der Ideen-Sprint wechselt zwischen Einzelarbeit und Austausch. Zuerst skizziert jede "
            "Person in wenigen Minuten acht schnelle Ideen, eine pro Feld eines gefalteten Blatts. "
            "Danach werden die Ideen vorgestellt, weitergedacht und kombiniert.\n\n"
            "Bewertet wird erst am Schluss. Bis dahin gilt: Menge vor Güte, und jede Idee darf von "
            "allen aufgegriffen werden."
        ),
        "phase": "entwerfen",
        "duration": (60, 120),
        "difficulty": "medium",
        "group_size": (4, 20),
        "materials": [
            "A4-Blätter, in acht Felder gefaltet",
            "schwarze Filzstifte",
            "Kurzzeitwecker",
            "Klebepunkte",
        ],
        "roles": ["Moderation mit Zeitwache"],
        "steps": {
            "Frage vorstellen": (
                "Die ausgewählte Wie-könnten-wir-Frage laut vorlesen und Verständnisfragen klären."
            ),
            "Acht Ideen in acht Minuten": (
                "Jede Person skizziert allein pro Minute eine Idee in ein Feld; Strichmännchen "
                "genügen."
            ),
            "Vorstellen": "Reihum zeigt jede Person ihr Blatt in höchstens zwei Minuten.",
            "Weiterdenken": (
                "In Paaren Ideen der anderen aufgreifen, verbinden und zu einer ausführlicheren "
                "Skizze machen."
            ),
            "Auswählen": (
                "Alle vergeben Punkte; die beliebtesten Skizzen gehen in den Prototypenbau."
            ),
        },
        "tips": (
            "Vorher betonen, dass niemand zeichnen können muss. Ein kurzes Aufwärmspiel senkt die "
            "Hemmschwelle."
        ),
        "target_groups": ["general-public", "administration-staff", "children-and-young-people"],
        "accessibility_notes": (
            "Ideen können auch erzählt und von einer zweiten Person notiert werden. Bei Bedarf "
            "längere Zeitfenster anbieten."
        ),
        "keywords": ["Ideenfindung", "Kreativität", "Skizzen"],
    },
    {
        "key": "papierprototyp",
        "lab": MAIN,
        "title": "Papierprototyp",
        "summary": (
            "Ein Formular, eine Webseite oder ein Schild wird mit Papier, Schere und Stift so weit "
            "nachgebaut, dass man es ausprobieren kann."
        ),
        "added_value": (
            "Ideen werden greifbar, bevor Geld in Programmierung oder Druck fließt, und eine "
            "Änderung kostet nur ein neues Blatt Papier."
        ),
        "body": (
            "Ein Papierprototyp ist bewusst unfertig. Er zeigt nur so viel, wie nötig ist, um eine "
            "Frage zu beantworten – etwa, ob Menschen auf einer neuen Startseite den richtigen "
            "Knopf "
            "finden.\n\n"
            "Bei digitalen Anwendungen spielt eine Person „den Computer“ und legt nach jedem "
            "Tippen die passende Seite hin. So lassen sich Abläufe prüfen, ohne eine Zeile Code zu "
            "schreiben."
        ),
        "phase": "entwerfen",
        "duration": (60, 180),
        "difficulty": "low",
        "group_size": (2, 8),
        "materials": [
            "Papier und Karton",
            "Scheren",
            "Haftnotizen",
            "Stifte in mehreren Farben",
            "Klebestift",
        ],
        "roles": ["Bauteam", "Person, die den Computer spielt", "Beobachtung"],
        "steps": {
            "Testfrage festlegen": (
                "Klären, was der Prototyp herausfinden soll, und alles andere weglassen."
            ),
            "Ablauf skizzieren": (
                "Die Schritte oder Bildschirme in der richtigen Reihenfolge grob auf Papier "
                "zeichnen."
            ),
            "Bauen": (
                "Die Teile ausschneiden, beschriften und bewegliche Elemente wie Menüs als eigene "
                "Zettel anlegen."
            ),
            "Probelauf im Team": (
                "Den Ablauf einmal intern durchspielen und offensichtliche Lücken schließen."
            ),
        },
        "tips": (
            "Nicht zu schön bauen: Ein perfekt aussehender Prototyp lädt weniger zu ehrlicher "
            "Kritik ein."
        ),
        "target_groups": ["administration-staff", "general-public", "children-and-young-people"],
        "accessibility_notes": (
            "Große Schrift und kräftige Kontraste verwenden, damit der Prototyp auch bei "
            "eingeschränktem Sehvermögen getestet werden kann."
        ),
        "keywords": ["Prototyp", "digitale Dienste", "Formulare"],
    },
    {
        "key": "zukunftstheater",
        "lab": QUARTIER,
        "title": "Zukunftstheater",
        "summary": (
            "Die Teilnehmenden spielen kurze Szenen, in denen eine neue Idee bereits Alltag ist, "
            "und erleben so, wie sie sich anfühlen könnte."
        ),
        "added_value": (
            "Szenisches Spiel macht Wirkungen und Nebenwirkungen sichtbar, die auf Papier abstrakt "
            "bleiben, und spricht auch Menschen an, die sich mit Texten schwertun."
        ),
        "body": (
            "Beim Zukunftstheater wird eine Idee in eine Alltagsszene übertragen, zum Beispiel: "
            "Ein Nachbar meldet seinen Umzug am neuen Stadtteilschalter an. Kleine Gruppen proben "
            "eine "
            "Szene von wenigen Minuten und zeigen sie den anderen.\n\n"
            "Das Publikum darf die Szene anhalten, Fragen stellen oder eine Rolle übernehmen und "
            "sie anders weiterspielen. So wird aus Zuschauen Mitgestalten."
        ),
        "phase": "entwerfen",
        "duration": (60, 120),
        "difficulty": "medium",
        "group_size": (6, 30),
        "materials": [
            "einfache Requisiten (Stühle, Hüte, Schilder)",
            "Szenenkarten mit Ausgangslage",
            "freie Fläche als Bühne",
        ],
        "roles": ["Spielleitung", "Spielende", "Publikum", "Dokumentation"],
        "steps": {
            "Aufwärmen": "Mit kleinen Bewegungs- und Stimmübungen Hemmungen abbauen.",
            "Szene wählen": "Jede Gruppe zieht eine Szenenkarte mit Person, Ort und Idee.",
            "Proben": (
                "In fünfzehn Minuten eine kurze Szene mit Anfang, Konflikt und Ende entwickeln."
            ),
            "Aufführen und eingreifen": (
                "Die Szenen zeigen; das Publikum darf anhalten, nachfragen und Varianten "
                "vorschlagen."
            ),
            "Auswerten": (
                "Gemeinsam festhalten, was an der Idee überzeugt hat und wo sie gehakt hat."
            ),
        },
        "tips": (
            "Niemand muss spielen: Beobachten, Regie führen oder Requisiten bauen sind "
            "gleichwertige Rollen."
        ),
        "target_groups": [
            "children-and-young-people",
            "little-german-or-low-literacy",
            "general-public",
        ],
        "accessibility_notes": (
            "Die Szenen funktionieren auch mit wenig Sprache. Für gehörlose Teilnehmende "
            "Gebärdensprachdolmetschung einplanen."
        ),
        "keywords": ["Theater", "Szenario", "Zukunft", "Rollenspiel"],
    },
    {
        "key": "nutzertest-stadtraum",
        "lab": QUARTIER,
        "title": "Nutzertest im Stadtraum",
        "summary": (
            "Ein Prototyp wird dort getestet, wo er später eingesetzt werden soll – an der "
            "Haltestelle, im Bürgeramt oder im Park – mit Menschen, die gerade vorbeikommen."
        ),
        "added_value": (
            "Der echte Ort bringt Lärm, Ablenkung und Zeitdruck mit und zeigt dadurch Probleme, "
            "die im Besprechungsraum verborgen bleiben."
        ),
        "body": (
            "Für den Nutzertest im Stadtraum braucht es einen Prototyp, eine klare Aufgabe und ein "
            "kleines Team. Vorbeikommende werden gebeten, die Aufgabe zu lösen und dabei laut zu "
            "denken. Das Team hilft nicht, sondern beobachtet.\n\n"
            "Fünf bis acht Durchläufe reichen meist, um die größten Hürden zu erkennen. Danach "
            "wird der Prototyp verbessert und erneut getestet."
        ),
        "phase": "erproben",
        "duration": (120, 240),
        "difficulty": "medium",
        "group_size": (2, 5),
        "materials": [
            "Prototyp (Papier, Klickmodell oder Schild)",
            "Beobachtungsbogen",
            "Klemmbrett",
            "kleines Dankeschön",
        ],
        "roles": ["Testleitung", "Beobachtung und Protokoll", "Ansprache"],
        "steps": {
            "Aufgabe formulieren": (
                "Eine realistische Aufgabe ohne Lösungshinweis festlegen, etwa: Finden Sie heraus, "
                "wann der nächste Bus zum Rathaus fährt."
            ),
            "Ort vorbereiten": (
                "Eine Stelle mit genug Publikum wählen und, falls nötig, eine Genehmigung einholen."
            ),
            "Testen": (
                "Die Person die Aufgabe lösen lassen, zum lauten Denken ermutigen und nicht "
                "eingreifen."
            ),
            "Nachfragen": "Nach dem Durchlauf kurz fragen, was leicht und was schwer war.",
            "Muster sammeln": (
                "Nach allen Durchläufen die wiederkehrenden Probleme notieren und nach Schwere "
                "ordnen."
            ),
        },
        "tips": (
            "Dem eigenen Prototyp gegenüber neutral bleiben. Ein Satz wie „Da steckt viel Arbeit "
            "drin“ verfälscht die Rückmeldungen."
        ),
        "target_groups": [
            "general-public",
            "older-people",
            "people-with-disabilities",
            "without-internet-access",
        ],
        "accessibility_notes": (
            "Gezielt auch Menschen mit Rollator, Kinderwagen oder Sehbeeinträchtigung zum Test "
            "einladen, nicht nur die Schnellsten."
        ),
        "keywords": ["Nutzertest", "Usability", "öffentlicher Raum", "Prototyp"],
    },
    {
        "key": "leichte-sprache-check",
        "lab": QUARTIER,
        "title": "Leichte-Sprache-Check",
        "summary": (
            "Formulare, Aushänge oder Webseiten werden gemeinsam mit Prüferinnen und Prüfern aus "
            "der Zielgruppe auf Verständlichkeit geprüft."
        ),
        "added_value": (
            "Was Menschen mit Lernschwierigkeiten oder wenig Deutschkenntnissen verstehen, "
            "verstehen fast alle besser – Verwaltungstexte werden für alle zugänglicher."
        ),
        "body": (
            "Beim Leichte-Sprache-Check liest eine kleine Gruppe aus der Zielgruppe einen Text "
            "Absatz für Absatz. Wo etwas unklar ist, wird markiert und nachgefragt. Das Lab-Team "
            "schlägt "
            "einfachere Formulierungen vor und prüft sie sofort mit der Gruppe.\n\n"
            "Der Check ersetzt keine professionelle Übertragung in Leichte Sprache, findet aber "
            "schnell die größten Hürden. Die Prüfenden werden für ihre Arbeit angemessen bezahlt."
        ),
        "phase": "erproben",
        "duration": (60, 120),
        "difficulty": "low",
        "group_size": (3, 8),
        "materials": [
            "Text in großer Schrift ausgedruckt",
            "Textmarker in zwei Farben",
            "Bildkarten",
            "Übersicht der Regeln für Leichte Sprache",
        ],
        "roles": [
            "Moderation",
            "Prüferinnen und Prüfer aus der Zielgruppe",
            "Schreibende aus dem Fachamt",
        ],
        "steps": {
            "Text auswählen": (
                "Einen kurzen, häufig genutzten Text wählen, zum Beispiel einen Aushang oder die "
                "erste Seite eines Formulars."
            ),
            "Gemeinsam lesen": "Den Text Absatz für Absatz vorlesen oder still lesen lassen.",
            "Hürden markieren": (
                "Schwierige Wörter und lange Sätze farbig markieren und fragen, was verstanden "
                "wurde."
            ),
            "Neu formulieren": "Einfachere Fassungen vorschlagen und direkt mit der Gruppe prüfen.",
            "Ergebnis übergeben": (
                "Die überarbeitete Fassung und die wichtigsten Hinweise an das zuständige Amt "
                "weitergeben."
            ),
        },
        "tips": (
            "Nicht nur Wörter prüfen, sondern auch Aufbau und Bilder: Eine klare Reihenfolge hilft "
            "oft mehr als ein ersetztes Fremdwort."
        ),
        "target_groups": [
            "little-german-or-low-literacy",
            "people-with-disabilities",
            "older-people",
            "administration-staff",
        ],
        "accessibility_notes": (
            "Einen ruhigen Raum wählen, Pausen einplanen und genug Zeit lassen. Die Prüfenden "
            "bestimmen das Tempo."
        ),
        "keywords": ["Leichte Sprache", "Verständlichkeit", "Inklusion", "Texte"],
    },
    {
        "key": "wert-aufwand-matrix",
        "lab": MAIN,
        "title": "Wert-Aufwand-Matrix",
        "summary": (
            "Ideen oder Maßnahmen werden in einem Koordinatenkreuz nach ihrem erwarteten Nutzen "
            "und dem nötigen Aufwand eingeordnet."
        ),
        "added_value": (
            "Das Team erkennt schnelle Erfolge und teure Sackgassen und kann begründen, womit es "
            "anfängt."
        ),
        "body": (
            "Auf einer Pinnwand entsteht ein Kreuz mit vier Feldern: viel Nutzen bei wenig Aufwand "
            "(schnelle Erfolge), viel Nutzen bei viel Aufwand (große Vorhaben), wenig Nutzen bei "
            "wenig "
            "Aufwand (nebenbei erledigen) und wenig Nutzen bei viel Aufwand (lieber lassen).\n\n"
            "Die Einordnung ist eine gemeinsame Schätzung, keine Rechnung. Ihr Wert liegt im "
            "Gespräch darüber, warum jemand etwas anders einschätzt."
        ),
        "phase": "navigieren",
        "duration": (30, 60),
        "difficulty": "low",
        "group_size": (3, 12),
        "materials": ["Pinnwand mit Koordinatenkreuz", "Karten mit den Ideen", "Stifte"],
        "roles": ["Moderation", "Person mit Entscheidungsbefugnis"],
        "steps": {
            "Achsen klären": (
                "Gemeinsam festlegen, was Nutzen und Aufwand in diesem Projekt bedeuten, etwa "
                "Zeit, Geld oder Abstimmungen."
            ),
            "Ideen einordnen": "Jede Karte vorlesen und gemeinsam im Kreuz platzieren.",
            "Abweichungen besprechen": (
                "Wo die Einschätzungen weit auseinandergehen, die Gründe hören und die Karte "
                "gegebenenfalls verschieben."
            ),
            "Entscheiden": (
                "Die nächsten zwei oder drei Schritte ableiten und für jeden eine verantwortliche "
                "Person benennen."
            ),
        },
        "tips": "Beim Nutzen die Sicht der Zielgruppe einbeziehen, nicht nur die der Verwaltung.",
        "target_groups": ["administration-staff"],
        "accessibility_notes": (
            "Das Ergebnis zusätzlich als Tabelle festhalten, damit es auch mit Screenreader "
            "nachvollziehbar ist."
        ),
        "keywords": ["Priorisierung", "Entscheidung", "Planung"],
    },
    {
        "key": "retrospektive",
        "lab": MAIN,
        "title": "Retrospektive",
        "summary": (
            "Das Team blickt regelmäßig gemeinsam zurück: Was lief gut, was nicht, und was "
            "probieren wir als Nächstes anders?"
        ),
        "added_value": (
            "Lernen wird zur Gewohnheit; kleine Reibungen kommen zur Sprache, bevor sie die "
            "Zusammenarbeit belasten."
        ),
        "body": (
            "Eine Retrospektive findet am Ende eines Abschnitts statt, etwa nach einer "
            "Veranstaltung oder alle vier Wochen. Sie folgt einem festen Ablauf: ankommen, "
            "sammeln, verstehen, "
            "Maßnahmen beschließen, abschließen.\n\n"
            "Entscheidend ist ein geschützter Rahmen: Es geht um die Arbeitsweise, nicht um "
            "Schuld. Die beschlossenen Maßnahmen sind klein und werden beim nächsten Mal "
            "überprüft."
        ),
        "phase": "navigieren",
        "duration": (45, 90),
        "difficulty": "low",
        "group_size": (3, 12),
        "materials": [
            "Pinnwand oder digitales Whiteboard",
            "Haftnotizen in drei Farben",
            "Stifte",
            "Protokollvorlage",
        ],
        "roles": ["Moderation, am besten reihum wechselnd", "Team"],
        "steps": {
            "Ankommen": (
                "Mit einer kurzen Runde beginnen, etwa: Wie war der letzte Abschnitt in einem Wort?"
            ),
            "Sammeln": (
                "In drei Spalten notieren: Was lief gut? Was war schwierig? Was hat uns überrascht?"
            ),
            "Verstehen": "Die wichtigsten Punkte auswählen und gemeinsam nach Ursachen fragen.",
            "Maßnahmen vereinbaren": (
                "Höchstens zwei konkrete Veränderungen beschließen, jeweils mit einer "
                "verantwortlichen Person."
            ),
            "Abschließen": (
                "Kurz rückmelden, wie hilfreich die Runde war, und den nächsten Termin festlegen."
            ),
        },
        "tips": (
            "Zu Beginn jeder Retrospektive die Maßnahmen der letzten kurz prüfen – sonst verliert "
            "das Format an Glaubwürdigkeit."
        ),
        "target_groups": ["administration-staff"],
        "accessibility_notes": (
            "Auch eine schriftliche oder anonyme Variante anbieten, damit sich alle trauen, Kritik "
            "zu äußern."
        ),
        "keywords": ["Reflexion", "Lernen", "Teamarbeit"],
    },
    {
        "key": "wirkungslandkarte",
        "lab": MAIN,
        "visibility": "network",
        "title": "Wirkungslandkarte",
        "summary": (
            "Eine Landkarte verbindet die Aktivitäten eines Projekts mit den Veränderungen, die es "
            "bewirken will, und mit Hinweisen, woran man diese erkennt."
        ),
        "added_value": (
            "Das Team kann gegenüber Politik, Fördernden und Öffentlichkeit begründen, was es tut, "
            "und merkt früh, wenn Maßnahmen ins Leere laufen."
        ),
        "body": (
            "Die Wirkungslandkarte liest sich von links nach rechts: Mittel, Aktivitäten, "
            "unmittelbare Ergebnisse, Veränderungen bei der Zielgruppe und schließlich die "
            "langfristige Wirkung im "
            "Stadtteil. Zu jeder Stufe werden beobachtbare Hinweise festgelegt.\n\n"
            "Die Karte entsteht zu Beginn und wird im Projektverlauf mehrmals überprüft. Annahmen, "
            "die sich nicht bestätigen, werden offen korrigiert."
        ),
        "phase": "navigieren",
        "duration": (120, 240),
        "difficulty": "high",
        "group_size": (3, 10),
        "materials": [
            "große Papierbahn oder digitales Whiteboard",
            "Karten in fünf Farben",
            "Projektunterlagen",
            "Stifte",
        ],
        "roles": [
            "Moderation",
            "Projektleitung",
            "Vertretung der Zielgruppe",
            "Person aus Evaluation oder Controlling",
        ],
        "steps": {
            "Langfristiges Ziel klären": (
                "Die gewünschte Veränderung im Stadtteil in einem Satz ganz rechts notieren."
            ),
            "Rückwärts planen": (
                "Von rechts nach links fragen: Was muss sich vorher ändern, damit das Ziel "
                "erreichbar wird?"
            ),
            "Aktivitäten zuordnen": (
                "Die geplanten Maßnahmen den Veränderungen zuordnen und Lücken markieren."
            ),
            "Hinweise festlegen": (
                "Für jede Stufe beschreiben, woran man erkennt, dass sie eintritt – mit Zahlen und "
                "mit Geschichten."
            ),
            "Überprüfung planen": (
                "Termine festlegen, an denen die Karte mit den tatsächlichen Beobachtungen "
                "verglichen wird."
            ),
        },
        "tips": (
            "Nicht zu viele Kästen: Eine Karte, die auf ein Plakat passt, wird auch wirklich "
            "benutzt."
        ),
        "target_groups": ["administration-staff"],
        "accessibility_notes": "Die fertige Karte zusätzlich als gegliederten Text bereitstellen.",
        "keywords": ["Wirkung", "Evaluation", "Strategie", "Steuerung"],
    },
)

# An adaptation of the card-and-dots method for people who read little or speak little German.
ADAPTATION: dict[str, Any] = {
    "key": "bildkarten-abfrage",
    "source": "kartenabfrage",
    "lab": QUARTIER,
    "title": "Punkteabfrage mit Bildkarten",
    "summary": (
        "Eine Abwandlung der Kartenabfrage für Menschen, die wenig lesen oder wenig Deutsch "
        "sprechen: Statt Antworten zu schreiben, wählen sie Bildkarten aus und gewichten sie mit "
        "Punkten."
    ),
    "added_value": (
        "Mitreden klappt auch ohne Schriftsprache, und die Bilder geben allen einen gemeinsamen "
        "Ausgangspunkt."
    ),
    "body": (
        "Die Moderation bereitet zu einem Thema – etwa dem Spielplatz im Quartier – zwanzig bis "
        "dreißig Bildkarten vor: Fotos, Piktogramme oder einfache Zeichnungen. Die Teilnehmenden "
        "legen "
        "Karten zu ihrer Antwort und können auch eigene Bilder malen.\n\n"
        "Danach wird wie bei der Kartenabfrage gruppiert und mit Klebepunkten gewichtet. Alles "
        "wird laut und in kurzen Sätzen erklärt; wo möglich, übersetzen Sprachmittlerinnen und "
        "Sprachmittler."
    ),
    "materials": [
        "Bildkarten mit Fotos und Piktogrammen",
        "leere Karten zum Malen",
        "Klebepunkte",
        "Pinnwände",
    ],
    "tips": (
        "Die Bilder vorher mit zwei oder drei Menschen aus der Zielgruppe ausprobieren: Nicht "
        "jedes Piktogramm ist so eindeutig, wie es scheint."
    ),
    "target_groups": [
        "little-german-or-low-literacy",
        "children-and-young-people",
        "general-public",
    ],
    "accessibility_notes": (
        "Einfache Sprache verwenden, Bilder mit einem kurzen Wort beschriften und Sprachmittlung "
        "für die häufigsten Sprachen im Quartier anbieten."
    ),
    "keywords": ["Einfache Sprache", "Bildkarten", "Priorisierung", "mehrsprachig"],
    "steps": {
        "Bilder vorbereiten": (
            "Zum Thema zwanzig bis dreißig gut erkennbare Bildkarten auswählen und auf einem Tisch "
            "auslegen."
        ),
        "Frage zeigen": (
            "Die Frage mit einem Bild und wenigen Wörtern an die Pinnwand hängen und laut erklären."
        ),
        "Bilder wählen": (
            "Jede Person sucht zwei oder drei Bilder aus, die zu ihrer Antwort passen, oder malt "
            "ein eigenes."
        ),
        "Gruppieren": (
            "Gleiche und ähnliche Bilder gemeinsam zusammenhängen und jede Gruppe mit einem Symbol "
            "benennen."
        ),
        "Punkten": (
            "Alle kleben ihre Punkte zu den Bildgruppen, die ihnen am wichtigsten sind; das "
            "Ergebnis wird laut zusammengefasst."
        ),
    },
}


# ---------------------------------------------------------------------------------------------
# Events. "day" counts days from today (Berlin time), "at" is the local start, "minutes" the length.
# ---------------------------------------------------------------------------------------------

EVENTS: tuple[dict[str, Any], ...] = (
    # --- past ---
    {
        "lab": MAIN,
        "day": -56,
        "at": "17:00",
        "minutes": 120,
        "title": "Offene Werkstatt: Wer gehört an den Tisch?",
        "description": (
            "Wir zeichnen gemeinsam eine Stakeholder-Landkarte für die Umgestaltung des "
            "Bahnhofsvorplatzes und fragen, wessen Stimmen bisher fehlen. Vorwissen ist nicht "
            "nötig."
        ),
        "attendance_mode": "in-person",
        "place": MAIN_PLACE,
        "target_groups": ["administration-staff", "general-public"],
        "accessibility_features": ["step-free-access", "accessible-toilet"],
        "capacity": 20,
        "registration": "recommended",
        "registration_url": "https://anmeldung.example.org/stakeholder-werkstatt",
        "keywords": ["Beteiligung", "Stadtplanung", "Werkstatt"],
        "methods": ["stakeholder-landkarte"],
    },
    {
        "lab": QUARTIER,
        "day": -49,
        "at": "09:00",
        "minutes": 180,
        "title": "Marktgespräche: Wie kommen Sie zum Bürgeramt?",
        "description": (
            "Das Quartierslabor steht mit einem Stand auf dem Wochenmarkt und möchte von Ihnen "
            "wissen, wie Sie Termine beim Bürgeramt bekommen und was dabei schwierig ist. Kommen "
            "Sie einfach vorbei – auf einen Kaffee und ein kurzes Gespräch."
        ),
        "attendance_mode": "in-person",
        "place": ("Wochenmarkt Nordstadt, Stand des Quartierslabors", "Probeplatz 1, 12345 {city}"),
        "target_groups": ["general-public", "older-people", "without-internet-access"],
        "languages": ["de", "en"],
        "accessibility_features": ["step-free-access", "seating"],
        "registration": "none",
        "keywords": ["Bürgeramt", "Befragung", "Wochenmarkt"],
        "methods": ["interviews-marktplatz"],
    },
    {
        "lab": MAIN,
        "day": -42,
        "at": "18:00",
        "minutes": 90,
        "title": "Online-Einführung: Journey Maps für Verwaltungsleistungen",
        "description": (
            "In neunzig Minuten zeigen wir an einem Beispiel, wie eine Journey Map entsteht und "
            "wie sie hilft, Brüche zwischen Ämtern zu finden. Für Beschäftigte der Verwaltung und "
            "alle Neugierigen."
        ),
        "attendance_mode": "online",
        "online_url": "https://meet.example.org/stadtlabor-journey-map",
        "target_groups": ["administration-staff"],
        "accessibility_features": ["live-captions"],
        "capacity": 40,
        "registration": "required",
        "registration_url": "https://anmeldung.example.org/journey-map-einfuehrung",
        "keywords": ["Service Design", "Weiterbildung", "Verwaltung"],
        "methods": ["journey-map"],
    },
    {
        "lab": QUARTIER,
        "day": -35,
        "at": "14:00",
        "minutes": 120,
        "title": "Kiezspaziergang mit Seniorinnen und Senioren",
        "description": (
            "Ältere Nachbarinnen und Nachbarn zeigen uns ihre täglichen Wege durch die Nordstadt: "
            "Wo fehlt eine Bank, wo ist der Bordstein zu hoch, wo fühlt man sich wohl? Wir gehen "
            "langsam und machen Pausen."
        ),
        "attendance_mode": "in-person",
        "place": TREFF_PLACE,
        "target_groups": ["older-people", "people-with-disabilities"],
        "accessibility_features": ["seating", "step-free-access", "assistance-dogs"],
        "accessibility_notes": (
            "Die Strecke ist stufenfrei und etwa zwei Kilometer lang; ein Begleitfahrzeug ist "
            "dabei."
        ),
        "capacity": 12,
        "registration": "recommended",
        "registration_url": "https://nordstadt.example.org/anmeldung/kiezspaziergang",
        "keywords": ["Barrierefreiheit", "Spaziergang", "Senioren"],
        "methods": ["spaziergangsinterview"],
    },
    {
        "lab": MAIN,
        "day": -28,
        "at": "16:00",
        "minutes": 150,
        "title": "Persona-Werkstatt: Wer stellt einen Wohngeldantrag?",
        "description": (
            "Aus den Gesprächen der letzten Wochen entwickeln wir Personas für den digitalen "
            "Wohngeldantrag. Sie können vor Ort im Werkraum oder online mitarbeiten."
        ),
        "attendance_mode": "hybrid",
        "place": MAIN_PLACE,
        "online_url": "https://meet.example.org/stadtlabor-persona-werkstatt",
        "target_groups": ["administration-staff", "general-public"],
        "accessibility_features": ["step-free-access", "accessible-toilet", "live-captions"],
        "capacity": 25,
        "registration": "required",
        "registration_url": "https://anmeldung.example.org/persona-wohngeld",
        "keywords": ["Wohngeld", "Personas", "digitale Verwaltung"],
        "methods": ["persona-werkstatt"],
    },
    {
        "lab": QUARTIER,
        "day": -21,
        "at": "15:00",
        "minutes": 120,
        "title": "Zukunftstheater für Jugendliche: Unser Platz im Jahr 2035",
        "description": (
            "Wie sieht der Platz vor dem Jugendzentrum in zehn Jahren aus? Jugendliche spielen "
            "kurze Szenen und zeigen der Stadtplanung, was ihnen wichtig ist. Für alle zwischen 12 "
            "und 18 Jahren."
        ),
        "attendance_mode": "in-person",
        "place": ("Jugendzentrum Nordstadt, Saal", "Platz der Beispiele 4, 12345 {city}"),
        "target_groups": ["children-and-young-people"],
        "accessibility_features": ["step-free-access", "quiet-room"],
        "capacity": 20,
        "registration": "recommended",
        "registration_url": "https://nordstadt.example.org/anmeldung/zukunftstheater",
        "keywords": ["Jugend", "Theater", "Platzgestaltung"],
        "methods": ["zukunftstheater"],
    },
    {
        "lab": QUARTIER,
        "day": -14,
        "at": "10:00",
        "minutes": 180,
        "title": "Leichte-Sprache-Check: Aushänge im Bürgeramt",
        "description": (
            "Wir lesen gemeinsam die Aushänge im Wartebereich des Bürgeramts. Was ist schwer zu "
            "verstehen? Wie kann man es einfacher sagen? Die Prüferinnen und Prüfer erhalten ein "
            "Honorar."
        ),
        "attendance_mode": "in-person",
        "place": QUARTIER_PLACE,
        "target_groups": ["little-german-or-low-literacy", "people-with-disabilities"],
        "accessibility_features": [
            "easy-language",
            "step-free-access",
            "quiet-room",
            "accessible-toilet",
        ],
        "capacity": 8,
        "registration": "required",
        "registration_url": "https://nordstadt.example.org/anmeldung/leichte-sprache",
        "keywords": ["Leichte Sprache", "Bürgeramt", "Verständlichkeit"],
        "methods": ["leichte-sprache-check"],
    },
    {
        "lab": MAIN,
        "day": -7,
        "at": "18:30",
        "minutes": 90,
        "visibility": "network",
        "title": "Netzwerk-Retrospektive der Stadtlabore",
        "description": (
            "Die Labs im Netzwerk schauen gemeinsam auf das letzte Quartal zurück: Was hat "
            "funktioniert, was nehmen wir uns vor? Offen für Teams der Partnerlabore."
        ),
        "attendance_mode": "online",
        "online_url": "https://meet.example.org/netzwerk-retro",
        "target_groups": ["administration-staff"],
        "languages": ["de", "en"],
        "accessibility_features": ["live-captions"],
        "capacity": 30,
        "registration": "recommended",
        "registration_url": "https://anmeldung.example.org/netzwerk-retro",
        "keywords": ["Netzwerk", "Reflexion"],
        "methods": ["retrospektive"],
    },
    # --- upcoming ---
    {
        "lab": MAIN,
        "day": 4,
        "at": "17:00",
        "minutes": 120,
        "title": "Ideen-Sprint: Wartezeit im Bürgeramt angenehmer machen",
        "description": (
            "Wie könnten wir die Wartezeit im Bürgeramt angenehmer und nützlicher machen? In "
            "kurzen Runden sammeln wir so viele Ideen wie möglich. Zeichnen können muss niemand."
        ),
        "attendance_mode": "in-person",
        "place": MAIN_PLACE,
        "target_groups": ["general-public", "administration-staff"],
        "accessibility_features": ["step-free-access", "accessible-toilet", "seating"],
        "capacity": 24,
        "registration": "recommended",
        "registration_url": "https://anmeldung.example.org/ideen-sprint-buergeramt",
        "keywords": ["Ideenfindung", "Bürgeramt"],
        "methods": ["ideen-sprint"],
    },
    {
        "lab": MAIN,
        "day": 9,
        "at": "10:00",
        "minutes": 240,
        "title": "Papierprototypen bauen: Das neue Antragsformular",
        "description": (
            "Mit Schere, Stift und Karton bauen wir eine erste Fassung des neuen Antragsformulars "
            "und probieren sie gleich gegenseitig aus. Für den Materialbeitrag bitten wir um fünf "
            "Euro; wer das nicht zahlen kann, nimmt trotzdem teil."
        ),
        "attendance_mode": "in-person",
        "place": MAIN_PLACE,
        "target_groups": ["administration-staff", "general-public"],
        "is_free": False,
        "accessibility_features": ["step-free-access", "accessible-toilet"],
        "capacity": 16,
        "registration": "required",
        "registration_url": "https://anmeldung.example.org/papierprototyp-formular",
        "keywords": ["Prototyp", "Formulare", "Werkstatt"],
        "methods": ["papierprototyp"],
    },
    {
        "lab": QUARTIER,
        "day": 13,
        "at": "11:00",
        "minutes": 180,
        "title": "Nutzertest an der Haltestelle: Neue Fahrgastinformation",
        "description": (
            "Wir testen einen Entwurf für die neue Fahrgastinformation direkt an der Haltestelle. "
            "Wer vorbeikommt, kann in fünf Minuten mitmachen und uns zeigen, was verständlich ist "
            "und was nicht."
        ),
        "attendance_mode": "in-person",
        "place": ("Haltestelle Nordstadt-Mitte, Infozelt", "Platz der Beispiele 2, 12345 {city}"),
        "target_groups": [
            "general-public",
            "older-people",
            "people-with-disabilities",
            "without-internet-access",
        ],
        "languages": ["de", "en"],
        "accessibility_features": ["step-free-access", "seating", "assistance-dogs"],
        "registration": "none",
        "keywords": ["Nahverkehr", "Nutzertest", "Fahrgastinformation"],
        "methods": ["nutzertest-stadtraum"],
    },
    {
        "lab": MAIN,
        "day": 18,
        "at": "18:00",
        "minutes": 90,
        "title": "Online-Sprechstunde: Methodenkarten im Hub teilen",
        "description": (
            "Wie lege ich eine Methodenkarte an, wie passe ich die Karte eines anderen Labs an, "
            "und was sehen die anderen Knoten davon? Wir beantworten Ihre Fragen live."
        ),
        "attendance_mode": "online",
        "online_url": "https://meet.example.org/hub-sprechstunde",
        "target_groups": ["administration-staff"],
        "languages": ["de", "en"],
        "accessibility_features": ["live-captions"],
        "capacity": 50,
        "registration": "none",
        "keywords": ["Stadtlabor Hub", "Sprechstunde", "Methoden"],
        "methods": [],
    },
    {
        "lab": QUARTIER,
        "day": 23,
        "at": "15:00",
        "minutes": 120,
        "title": "Bildkarten-Abfrage: Was wünscht ihr euch für den Spielplatz?",
        "description": (
            "Kinder, Eltern und Nachbarn wählen Bilder aus und zeigen, was auf den neuen "
            "Spielplatz soll. Lesen und Schreiben ist nicht nötig. Bei Regen treffen wir uns im "
            "Nachbarschaftstreff."
        ),
        "attendance_mode": "in-person",
        "place": ("Spielplatz am Probeplatz", "Probeplatz 3, 12345 {city}"),
        "target_groups": [
            "children-and-young-people",
            "little-german-or-low-literacy",
            "general-public",
        ],
        "languages": ["de", "en"],
        "accessibility_features": ["step-free-access", "childcare", "easy-language"],
        "registration": "none",
        "keywords": ["Spielplatz", "Kinder", "Bildkarten"],
        "methods": ["bildkarten-abfrage"],
    },
    {
        "lab": QUARTIER,
        "day": 27,
        "at": "17:30",
        "minutes": 120,
        "title": "Auftakt zum Quartiersbudget Nordstadt",
        "description": (
            "Die Nordstadt bekommt ein eigenes kleines Budget für Nachbarschaftsprojekte. Zum "
            "Auftakt sammeln wir Wünsche, Sorgen und Angebote zur Mitarbeit. Teilnahme vor Ort "
            "oder online."
        ),
        "attendance_mode": "hybrid",
        "place": TREFF_PLACE,
        "online_url": "https://meet.example.org/quartiersbudget-auftakt",
        "target_groups": ["general-public", "older-people", "without-internet-access"],
        "accessibility_features": [
            "step-free-access",
            "hearing-loop",
            "sign-language",
            "accessible-toilet",
        ],
        "accessibility_notes": "Gebärdensprachdolmetschung ist für den gesamten Abend gebucht.",
        "capacity": 60,
        "registration": "recommended",
        "registration_url": "https://nordstadt.example.org/anmeldung/quartiersbudget",
        "keywords": ["Quartiersbudget", "Auftakt", "Nachbarschaft"],
        "methods": ["erwartungsabfrage"],
    },
    {
        "lab": MAIN,
        "day": 32,
        "at": "16:00",
        "minutes": 180,
        "status": "postponed",
        "title": "Journey Map: Vom Umzug bis zur Ummeldung",
        "description": (
            "Wir zeichnen den Weg nach, den Menschen bei einem Umzug durch die Verwaltung gehen. "
            "Hinweis: Dieser Termin wird verschoben, das neue Datum geben wir hier bekannt."
        ),
        "attendance_mode": "in-person",
        "place": MAIN_PLACE,
        "target_groups": [
            "general-public",
            "administration-staff",
            "little-german-or-low-literacy",
        ],
        "languages": ["de", "en"],
        "accessibility_features": ["step-free-access", "accessible-toilet", "easy-language"],
        "capacity": 20,
        "registration": "required",
        "registration_url": "https://anmeldung.example.org/journey-map-umzug",
        "keywords": ["Ummeldung", "Nutzerreise", "Bürgeramt"],
        "methods": ["journey-map", "persona-werkstatt"],
    },
    {
        "lab": QUARTIER,
        "day": 38,
        "at": "10:00",
        "minutes": 120,
        "title": "Spaziergangsinterviews mit Rollstuhl und Rollator",
        "description": (
            "Menschen, die mit Rollstuhl, Rollator oder Kinderwagen unterwegs sind, zeigen uns die "
            "Hindernisse auf ihren Wegen zum Einkaufen und zur Ärztin. Die Ergebnisse gehen an das "
            "Tiefbauamt."
        ),
        "attendance_mode": "in-person",
        "place": QUARTIER_PLACE,
        "target_groups": ["people-with-disabilities", "older-people"],
        "accessibility_features": [
            "step-free-access",
            "accessible-toilet",
            "seating",
            "assistance-dogs",
        ],
        "capacity": 10,
        "registration": "required",
        "registration_url": "https://nordstadt.example.org/anmeldung/spaziergang-barrieren",
        "keywords": ["Barrierefreiheit", "Gehwege", "Mobilität"],
        "methods": ["spaziergangsinterview"],
    },
    {
        "lab": MAIN,
        "day": 45,
        "at": "19:00",
        "minutes": 60,
        "visibility": "network",
        "title": "Abendgespräch: Wirkung zeigen im Stadtlabor",
        "description": (
            "Wie zeigen Labs, was ihre Arbeit bewirkt, ohne sich in Kennzahlen zu verlieren? Ein "
            "kurzer Impuls zur Wirkungslandkarte und viel Zeit für den Austausch zwischen den Labs "
            "im Netzwerk."
        ),
        "attendance_mode": "online",
        "online_url": "https://meet.example.org/wirkung-zeigen",
        "target_groups": ["administration-staff"],
        "languages": ["de", "en"],
        "accessibility_features": ["live-captions"],
        "capacity": 80,
        "registration": "recommended",
        "registration_url": "https://anmeldung.example.org/wirkung-zeigen",
        "keywords": ["Wirkung", "Evaluation", "Netzwerk"],
        "methods": ["wirkungslandkarte"],
    },
    {
        "lab": MAIN,
        "day": 52,
        "at": "14:00",
        "minutes": 120,
        "status": "cancelled",
        "title": "Kartenabfrage im Seniorentreff: Digitale Angebote der Stadt",
        "description": (
            "Welche digitalen Angebote der Stadt nutzen Sie, und wo brauchen Sie Unterstützung? "
            "Hinweis: Diese Veranstaltung fällt leider aus, weil der Raum nicht zur Verfügung "
            "steht. Ein Ersatztermin folgt."
        ),
        "attendance_mode": "in-person",
        "place": ("Seniorentreff am Beispielweg", "Beispielweg 30, 12345 {city}"),
        "target_groups": ["older-people", "without-internet-access"],
        "accessibility_features": [
            "step-free-access",
            "seating",
            "hearing-loop",
            "accessible-toilet",
        ],
        "capacity": 30,
        "registration": "none",
        "keywords": ["Senioren", "Digitalisierung", "Befragung"],
        "methods": ["kartenabfrage"],
    },
    {
        "lab": MAIN,
        "day": 66,
        "at": "17:00",
        "minutes": 120,
        "title": "Wert-Aufwand-Matrix: Welche Ideen setzen wir zuerst um?",
        "description": (
            "Aus den Ideen-Sprints der letzten Monate liegen viele Vorschläge vor. Gemeinsam mit "
            "dem Bürgeramt schätzen wir Nutzen und Aufwand ein und legen die nächsten Schritte "
            "fest."
        ),
        "attendance_mode": "hybrid",
        "place": MAIN_PLACE,
        "online_url": "https://meet.example.org/wert-aufwand",
        "target_groups": ["administration-staff", "general-public"],
        "accessibility_features": ["step-free-access", "live-captions"],
        "capacity": 30,
        "registration": "recommended",
        "registration_url": "https://anmeldung.example.org/wert-aufwand",
        "keywords": ["Priorisierung", "Entscheidung", "Bürgeramt"],
        "methods": ["wert-aufwand-matrix", "ideen-sprint"],
    },
    {
        "lab": QUARTIER,
        "day": 80,
        "at": "10:00",
        "minutes": 240,
        "title": "Tag der offenen Tür im Quartierslabor",
        "description": (
            "Schauen Sie vorbei! Wir zeigen, woran wir arbeiten, laden zum Mitspielen beim "
            "Zukunftstheater ein und fragen mit Bildkarten nach Ihren Ideen für die Nordstadt. Für "
            "Kinder gibt es eine Betreuung."
        ),
        "attendance_mode": "in-person",
        "place": QUARTIER_PLACE,
        "target_groups": [
            "general-public",
            "children-and-young-people",
            "older-people",
            "little-german-or-low-literacy",
        ],
        "languages": ["de", "en"],
        "accessibility_features": [
            "step-free-access",
            "accessible-toilet",
            "childcare",
            "easy-language",
            "quiet-room",
        ],
        "registration": "none",
        "keywords": ["offene Tür", "Nachbarschaft", "Mitmachen"],
        "methods": ["zukunftstheater", "bildkarten-abfrage"],
    },
)


@dataclass(frozen=True)
class DemoReport:
    """What demo_seed created; all counts are zero when the demo was already there."""

    labs: int
    methods: int
    events: int
    created: bool


def demo_present() -> bool:
    """Whether the demo was seeded on this node before (its lab exists or left a tombstone)."""
    iri = lab_iri(DEMO_LAB_SLUG)
    return Lab.objects.filter(iri=iri).exists() or ChangeLogEntry.objects.filter(iri=iri).exists()


@transaction.atomic
def demo_seed(*, now: datetime | None = None) -> DemoReport:
    """Fill an initialised node with demo labs, method cards and events, once."""
    node = local_node()
    if demo_present():
        return DemoReport(labs=0, methods=0, events=0, created=False)
    labs, labs_created = _demo_labs(node)
    methods = _demo_methods(labs)
    events = _demo_events(labs, methods, now or timezone.now(), city=node.city)
    return DemoReport(labs=labs_created, methods=len(methods), events=events, created=True)


def _demo_labs(node: Node) -> tuple[dict[str, Lab], int]:
    """The node's first lab (made if missing) and the demo's own lab, with how many were made."""
    main = Lab.objects.filter(origin__is_local=True).order_by("date_created").first()
    created = 0
    if main is None:
        main = lab_create(name=node.name, city=node.city, slug=slugify(node.name) or "stadtlabor")
        created += 1
    quartier = lab_create(
        **{**DEMO_LAB, "address": DEMO_LAB["address"].format(city=node.city), "city": node.city}
    )
    return {MAIN: main, QUARTIER: quartier}, created + 1


def _demo_methods(labs: Mapping[str, Lab]) -> dict[str, MethodCard]:
    """Create the demo method cards and the adaptation, keyed by their demo key."""
    methods = {spec["key"]: _method_create(spec, labs) for spec in METHODS}
    methods[ADAPTATION["key"]] = _method_adapt(ADAPTATION, methods, labs)
    return methods


def _method_create(spec: Mapping[str, Any], labs: Mapping[str, Lab]) -> MethodCard:
    """Create one method card from its demo spec."""
    duration_min, duration_max = spec["duration"]
    size_min, size_max = spec["group_size"]
    return method_create(
        steps=_steps(spec["steps"]),
        lab=labs[spec["lab"]],
        title=spec["title"],
        language="de",
        summary=spec["summary"],
        added_value=spec["added_value"],
        body=spec["body"],
        phase=spec["phase"],
        duration_min=duration_min,
        duration_max=duration_max,
        difficulty=spec["difficulty"],
        group_size_min=size_min,
        group_size_max=size_max,
        materials=list(spec["materials"]),
        roles=list(spec["roles"]),
        tips=spec["tips"],
        target_groups=list(spec["target_groups"]),
        accessibility_notes=spec["accessibility_notes"],
        keywords=list(spec["keywords"]),
        visibility=spec.get("visibility", "public"),
    )


def _method_adapt(
    spec: Mapping[str, Any], methods: Mapping[str, MethodCard], labs: Mapping[str, Lab]
) -> MethodCard:
    """Adapt a demo card for another lab, with steps of its own."""
    overrides = {
        name: value for name, value in spec.items() if name not in {"key", "source", "lab", "steps"}
    }
    return method_adapt(
        original=methods[spec["source"]], lab=labs[spec["lab"]], steps=_steps(spec["steps"]), **overrides
    )


def _steps(steps: Mapping[str, str]) -> list[dict[str, str]]:
    """Steps, given as an ordered mapping of title to text, as the method services take them."""
    return [{"title": title, "text": text} for title, text in steps.items()]


def _demo_events(
    labs: Mapping[str, Lab], methods: Mapping[str, MethodCard], now: datetime, *, city: str
) -> int:
    """Create the demo events around ``now`` and return how many were made."""
    for spec in EVENTS:
        event_create(**_event_fields(spec, labs, methods, now, city=city))
    return len(EVENTS)


def _event_fields(
    spec: Mapping[str, Any],
    labs: Mapping[str, Lab],
    methods: Mapping[str, MethodCard],
    now: datetime,
    *,
    city: str,
) -> dict[str, Any]:
    """The event_create arguments for one demo event."""
    start = _local_time(now, spec["day"], spec["at"])
    place_name, place_address = spec.get("place", ("", ""))
    return {
        "lab": labs[spec["lab"]],
        "title": spec["title"],
        "description": spec["description"],
        "start": start,
        "end": start + timedelta(minutes=spec["minutes"]),
        "timezone": "Europe/Berlin",
        "attendance_mode": spec["attendance_mode"],
        "place_name": place_name,
        "place_address": place_address.format(city=city),
        "online_url": spec.get("online_url", ""),
        "target_groups": list(spec["target_groups"]),
        "languages": list(spec.get("languages", ["de"])),
        "is_free": spec.get("is_free", True),
        "accessibility_features": list(spec["accessibility_features"]),
        "accessibility_notes": spec.get("accessibility_notes", ""),
        "capacity": spec.get("capacity"),
        "registration": spec["registration"],
        "registration_url": spec.get("registration_url", ""),
        "status": spec.get("status", "scheduled"),
        "keywords": list(spec["keywords"]),
        "method_iris": [methods[key].iri for key in spec["methods"]],
        "visibility": spec.get("visibility", "public"),
    }


def _local_time(now: datetime, days: int, clock: str) -> datetime:
    """An aware Berlin datetime ``days`` after the Berlin date of ``now``, at ``clock``."""
    day = now.astimezone(BERLIN).date() + timedelta(days=days)
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)
