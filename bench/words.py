"""The vocabularies the generator writes with: German and English words about city labs, commonest first.

Words are drawn with Zipf-like weights (the n-th word about 1/n as often as the first), so searches
range from words in a fifth of all items to words in a few dozen.
"""

GERMAN = """
stadt werkstatt beteiligung bürger quartier nachbarschaft labor idee projekt zukunft gemeinsam
gestalten digital verwaltung jugend kinder familie senioren kultur bildung mobilität energie klima
wasser garten grün platz straße markt bibliothek schule verein initiative netzwerk austausch
dialog methode workshop karte plan modell prototyp test feedback frage antwort lösung problem
nutzer dienst angebot service daten offen zugang teilhabe inklusion vielfalt sprache gespräch
runde tisch treffen abend morgen woche sommer winter frühling herbst fest feier spiel theater musik
kunst film foto bild geschichte erinnerung archiv museum raum haus hof park wald fluss brücke
fahrrad bus bahn weg ziel route spaziergang rundgang führung besuch einladung anmeldung programm
thema frage vortrag diskussion forum konferenz salon café küche essen kochen reparatur werkzeug
handwerk holz metall textil papier druck drucker laser roboter sensor code programmieren app
website plattform portal formular antrag amt rathaus politik rat ausschuss haushalt budget
förderung stiftung partner kooperation region land kreis gemeinde dorf viertel zentrum rand
ufer insel hafen industrie arbeit beruf ausbildung studium forschung wissenschaft hochschule
wissen lernen lehren kurs seminar übung aufgabe rolle gruppe team moderation leitung begleitung
zeit dauer phase schritt ablauf vorbereitung nachbereitung auswertung ergebnis bericht dokumentation
erfahrung beispiel vorlage leitfaden handbuch checkliste material stifte zettel tafel wand
persona szenario vision utopie wunsch bedarf herausforderung chance risiko wirkung nachhaltigkeit
kreislauf müll abfall recycling tausch teilen leihen schenken spende ehrenamt engagement mut
vertrauen respekt fairness gerechtigkeit demokratie öffentlichkeit presse medien podcast video
radio zeitung brief post nachricht kalender termin uhr licht lampe strom solar wind wärme kälte
hitze regen sturm schatten baum blume wiese acker feld ernte saat beet kompost biene vogel
""".split()

ENGLISH = """
city workshop participation citizen neighbourhood community lab idea project future together design
digital administration youth children family seniors culture education mobility energy climate
water garden green square street market library school association initiative network exchange
dialogue method map plan model prototype test feedback question answer solution problem user
service offer data open access inclusion diversity language conversation round table meeting
evening morning week summer winter spring autumn festival party game theatre music art film photo
picture story memory archive museum space house yard park forest river bridge bicycle bus train
path goal route walk tour guide visit invitation registration programme topic talk discussion
forum conference salon kitchen food cooking repair tool craft wood metal textile paper print
printer laser robot sensor code programming website platform portal form application office town
hall politics council committee budget funding foundation partner cooperation region county
village district centre edge shore island harbour industry work job training study research
science university knowledge learning teaching course seminar exercise task role group team
facilitation lead support time duration phase step process preparation evaluation result report
documentation experience example template guide handbook checklist material pens notes board
wall persona scenario vision utopia wish need challenge chance risk impact sustainability cycle
waste recycling swap sharing lending gift donation volunteering courage trust respect fairness
justice democracy public press media podcast video radio newspaper letter message calendar
""".split()

STREETS = ["Marktstraße", "Hauptstraße", "Bahnhofstraße", "Schulweg", "Am Rathaus", "Lindenallee",
           "Gartenstraße", "Kirchplatz", "Hafenstraße", "Ringstraße", "Mühlenweg", "Rosenstraße"]
PLACES = ["Stadtbibliothek", "Rathaus, Ratssaal", "Quartierszentrum", "Jugendhaus", "Volkshochschule",
          "Stadtteilbüro", "Makerspace", "Gemeinschaftsgarten", "Bürgerhaus", "Museum am Markt"]
