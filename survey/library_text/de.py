"""The instrument library in German: the same items and behaviours as the English,
in the same plain register (see ``survey.library_text``)."""

ITEMS: dict[str, str] = {
    "kotter_urgency_1": "Ich verstehe, warum wir unsere Arbeit mit Kunden verändern müssen.",
    "kotter_coalition_1": "Die Verantwortlichen für die CRM-Umstellung wissen, wie die Arbeit mit Kunden hier wirklich läuft.",
    "kotter_vision_1": "Ich könnte in einem Satz erklären, was die CRM-Umstellung unseren Kunden bringen soll.",
    "kotter_communicate_1": "Meine Führungskraft spricht regelmäßig darüber, wohin die CRM-Umstellung führen soll und warum.",
    "kotter_empower_1": "Wenn ich etwas anspreche, das der neuen Arbeitsweise im Weg steht, kümmert sich jemand darum.",
    "kotter_wins_1": "Ich habe klare erste Erfolge der neuen Arbeitsweise mit Kunden gesehen.",
    "kotter_consolidate_1": "Das CRM und unsere Abläufe werden anhand der Rückmeldungen von Leuten wie mir laufend besser.",
    "kotter_anchor_1": "Die Arbeit mit Kunden läuft hier inzwischen ganz selbstverständlich über das CRM.",
    "resistance_unknown_1": "Mir ist nicht wohl bei dem Gedanken, was das neue CRM für meinen Arbeitsalltag bedeuten wird.",
    "resistance_unknown_2": "Ich weiß, wie mein Arbeitstag aussehen wird, wenn das neue CRM vollständig eingeführt ist.",
    "resistance_devalued_1": "Durch das neue CRM zählt meine Erfahrung weniger.",
    "resistance_devalued_2": "Es fühlt sich so an, als solle das System mein eigenes Urteil ersetzen.",
    "resistance_devalued_3": "Das neue CRM nutzt gut, was ich über unsere Kunden weiß.",
    "resistance_ownership_1": "Die neue Arbeitsweise wurde ohne die Leute entwickelt, die die Arbeit machen.",
    "resistance_ownership_2": "Entscheidungen darüber, wie ich meine Kunden betreue, wurden mir aus der Hand genommen.",
    "resistance_ownership_3": "Ich kann mitbestimmen, wie der neue CRM-Ablauf in meinem Team funktioniert.",
    "resistance_personal_touch_1": "Das neue CRM stellt einen Bildschirm zwischen mich und meine Kunden.",
    "resistance_personal_touch_2": "Mit dem neuen CRM habe ich weiterhin Zeit für ein persönliches Wort mit jedem Kunden.",
    "adoption_usefulness_1": "Das neue CRM hilft mir, Kunden besser zu betreuen.",
    "adoption_usefulness_2": "Mit dem neuen CRM spare ich Zeit bei meiner Arbeit mit Kunden.",
    "adoption_usefulness_3": "Das neue CRM macht mir zusätzliche Arbeit, ohne mir etwas zu bringen.",
    "adoption_ease_1": "Das neue CRM ist einfach zu bedienen.",
    "adoption_ease_2": "Ich finde die Kundeninformationen, die ich brauche, schnell im CRM.",
    "adoption_ease_3": "Für einfache Aufgaben braucht man im neuen CRM zu viele Schritte.",
    "adoption_support_1": "Meine Führungskraft erwartet, dass ich das neue CRM nutze, und ermutigt mich dazu.",
    "adoption_support_2": "Kolleginnen und Kollegen, deren Meinung ich schätze, nutzen das neue CRM selbst.",
    "adoption_training_1": "Ich habe die Schulung bekommen, die ich brauche, um das neue CRM in meiner Arbeit zu nutzen.",
    "adoption_training_2": "Wenn ich im CRM nicht weiterkomme, weiß ich, wo ich schnell Hilfe bekomme.",
    "adoption_training_3": "Mit dem neuen CRM wurde ich allein gelassen und musste mir alles selbst beibringen.",
    "adkar_awareness_1": "Ich verstehe die geschäftlichen Gründe für die Einführung des neuen CRM.",
    "adkar_desire_1": "Ich persönlich möchte, dass das neue CRM ein Erfolg wird.",
    "adkar_knowledge_1": "Ich weiß, wie ich meine tägliche Arbeit mit Kunden im neuen CRM erledige.",
    "adkar_ability_1": "Bei der echten Arbeit mit Kunden kann ich das neue CRM nutzen, ohne steckenzubleiben.",
    "adkar_reinforcement_1": "Wer das neue CRM gut nutzt, wird hier dafür wahrgenommen und geschätzt.",
    "crl_technology_1": "Unsere Führungskräfte nutzen das neue CRM selbst.",
    "crl_technology_2": "Unsere Führungskräfte setzen sich ernsthaft dafür ein, dass das CRM für die Mitarbeitenden im Kundenkontakt funktioniert.",
    "crl_environment_1": "Ich kann für einen Kunden sofort entscheiden, ohne auf eine Freigabe zu warten.",
    "crl_environment_2": "Ich habe die Kundeninformationen, die ich brauche, um selbst zu entscheiden.",
    "crl_environment_3": "Entscheidungen zu Kunden müssen erst nach oben gehen, auch wenn ich die Antwort schon weiß.",
    "crl_innovation_1": "Ideen von Mitarbeitenden zur Betreuung von Kunden werden hier aufgegriffen.",
    "crl_innovation_2": "Fehler, die beim Ausprobieren von Neuem passieren, werden hier verziehen.",
    "crl_innovation_3": "Die Leute hier behalten Ideen für sich, weil damit nichts passiert.",
    "customer_customisation_1": "Ich kann unser Angebot an die Bedürfnisse jedes Kunden anpassen.",
    "customer_customisation_2": "Bevor ich mich bei einem Kunden melde, kann ich seinen Verlauf und seine Vorlieben sehen.",
    "customer_relationships_1": "Ich kenne meine wichtigsten Kunden persönlich.",
    "customer_relationships_2": "Ich melde mich bei Kunden in den Momenten, die für sie wichtig sind.",
    "customer_aftersale_1": "Probleme von Kunden nach dem Verkauf werden weiterverfolgt, bis sie gelöst sind.",
    "customer_aftersale_2": "Bevor ich mit einem Kunden spreche, kann ich seine offenen Serviceanliegen sehen.",
    "customer_aftersale_3": "Nach dem Verkauf müssen Kunden uns oft hinterherlaufen, um eine Antwort zu bekommen.",
    "recommend": "Wie wahrscheinlich ist es, dass Sie das neue CRM einer Kollegin oder einem Kollegen empfehlen?",
    "comment": "Gibt es noch etwas, das Sie den Verantwortlichen für die Veränderung mitteilen möchten?",
}

BEHAVIOURS: dict[str, tuple[str, str]] = {
    # model
    "b01": (
        "Ich nutze das neue CRM selbst für meine eigene Arbeit mit Kunden.",
        "{name} nutzt das neue CRM selbst für die eigene Arbeit mit Kunden.",
    ),
    # inspire
    "b02": (
        "Ich erkläre, wie uns das neue CRM hilft, Kunden besser zu betreuen.",
        "{name} erklärt, wie uns das neue CRM hilft, Kunden besser zu betreuen.",
    ),
    # challenge
    "b03": (
        "Ich stelle alte Vorgehensweisen im Umgang mit Kunden infrage, wenn sie uns bremsen.",
        "{name} stellt alte Vorgehensweisen im Umgang mit Kunden infrage, wenn sie uns bremsen.",
    ),
    # enable
    "b04": (
        "Ich beziehe die Betroffenen ein, wenn wir planen, wie wir das CRM nutzen.",
        "{name} bezieht die Betroffenen ein, wenn wir planen, wie wir das CRM nutzen.",
    ),
    # encourage
    "b05": (
        "Ich bedanke mich bei Mitarbeitenden namentlich für ihre Fortschritte mit dem neuen CRM.",
        "{name} bedankt sich bei Mitarbeitenden namentlich für ihre Fortschritte mit dem neuen CRM.",
    ),
    # model
    "b06": (
        "Ich halte meine Zusagen zur Einführung ein.",
        "{name} hält die eigenen Zusagen zur Einführung ein.",
    ),
    # inspire
    "b07": (
        "Ich beschreibe, wie unsere Kundenbeziehungen in einem Jahr aussehen könnten.",
        "{name} beschreibt, wie unsere Kundenbeziehungen in einem Jahr aussehen könnten.",
    ),
    # challenge
    "b08": (
        "Ich schaue über unser Unternehmen hinaus nach besseren Wegen, Kunden zu betreuen.",
        "{name} schaut über unser Unternehmen hinaus nach besseren Wegen, Kunden zu betreuen.",
    ),
    # enable
    "b09": (
        "Ich lasse Mitarbeitende direkt beim Kunden entscheiden, ohne auf eine Freigabe zu warten.",
        "{name} lässt Mitarbeitende direkt beim Kunden entscheiden, ohne auf eine Freigabe zu warten.",
    ),
    # encourage
    "b10": (
        "Ich feiere erste Erfolge mit den Teams, die sie erreicht haben.",
        "{name} feiert erste Erfolge mit den Teams, die sie erreicht haben.",
    ),
    # model
    "b11": (
        "Ich frage nach, wie sich mein eigenes Verhalten darauf auswirkt, wie Mitarbeitende mit Kunden arbeiten.",
        "{name} fragt nach, wie sich das eigene Verhalten darauf auswirkt, wie Mitarbeitende mit Kunden arbeiten.",
    ),
    # inspire
    "b12": (
        "Ich verbinde die Einführung mit dem, was den Mitarbeitenden hier wichtig ist.",
        "{name} verbindet die Einführung mit dem, was den Mitarbeitenden hier wichtig ist.",
    ),
    # challenge
    "b13": (
        "Ich frage, was wir daraus lernen können, wenn bei der Einführung etwas schiefgeht.",
        "{name} fragt, was wir daraus lernen können, wenn bei der Einführung etwas schiefgeht.",
    ),
    # enable
    "b14": (
        "Ich sorge dafür, dass Mitarbeitende die Schulung und Hilfe bekommen, die sie brauchen.",
        "{name} sorgt dafür, dass Mitarbeitende die Schulung und Hilfe bekommen, die sie brauchen.",
    ),
    # encourage
    "b15": (
        "Ich zeige Zuversicht, dass Mitarbeitende die neuen Arbeitsweisen meistern können.",
        "{name} zeigt Zuversicht, dass Mitarbeitende die neuen Arbeitsweisen meistern können.",
    ),
    # model
    "b16": (
        "Ich stelle klar, bei welchen Grundsätzen im Umgang mit Kunden wir keine Kompromisse eingehen.",
        "{name} stellt klar, bei welchen Grundsätzen im Umgang mit Kunden wir keine Kompromisse eingehen.",
    ),
    # inspire
    "b17": (
        "Ich spreche mit echter Begeisterung darüber, wohin uns die Veränderung führt.",
        "{name} spricht mit echter Begeisterung darüber, wohin uns die Veränderung führt.",
    ),
    # challenge
    "b18": (
        "Ich probiere neue Arbeitsweisen in kleinen, sicheren Experimenten aus.",
        "{name} probiert neue Arbeitsweisen in kleinen, sicheren Experimenten aus.",
    ),
    # enable
    "b19": (
        "Ich höre bei Bedenken zum neuen System aufmerksam zu.",
        "{name} hört bei Bedenken zum neuen System aufmerksam zu.",
    ),
    # encourage
    "b20": (
        "Solange Mitarbeitende das System noch lernen, würdige ich den Einsatz und nicht nur die Ergebnisse.",
        "Solange Mitarbeitende das System noch lernen, würdigt {name} den Einsatz und nicht nur die Ergebnisse.",
    ),
    # model
    "b21": (
        "Ich setze meine Zeit für das ein, was ich bei der Einführung als das Wichtigste bezeichne.",
        "{name} setzt die eigene Zeit für das ein, was bei der Einführung laut eigener Aussage das Wichtigste ist.",
    ),
    # inspire
    "b22": (
        "Ich erzähle Kundengeschichten, die zeigen, warum die Veränderung wichtig ist.",
        "{name} erzählt Kundengeschichten, die zeigen, warum die Veränderung wichtig ist.",
    ),
    # challenge
    "b23": (
        "Ich bitte die Mitarbeitenden im Kundenkontakt um Ideen, wie sich das CRM und die zugehörigen Abläufe verbessern lassen.",
        "{name} bittet die Mitarbeitenden im Kundenkontakt um Ideen, wie sich das CRM und die zugehörigen Abläufe verbessern lassen.",
    ),
    # enable
    "b24": (
        "Ich räume Hindernisse aus dem Weg, die Mitarbeitende von der neuen Arbeitsweise abhalten.",
        "{name} räumt Hindernisse aus dem Weg, die Mitarbeitende von der neuen Arbeitsweise abhalten.",
    ),
    # encourage
    "b25": (
        "Ich erzähle von Kolleginnen und Kollegen, die einem Kunden mithilfe des CRM geholfen haben.",
        "{name} erzählt von Kolleginnen und Kollegen, die einem Kunden mithilfe des CRM geholfen haben.",
    ),
    # model
    "b26": (
        "Ich halte mich an die neuen Abläufe, auch wenn eine Abkürzung schneller wäre.",
        "{name} hält sich an die neuen Abläufe, auch wenn eine Abkürzung schneller wäre.",
    ),
    # inspire
    "b27": (
        "Ich helfe Mitarbeitenden zu sehen, welchen Teil sie zum großen Ganzen beitragen.",
        "{name} hilft Mitarbeitenden zu sehen, welchen Teil sie zum großen Ganzen beitragen.",
    ),
    # challenge
    "b28": (
        "Ich teile große Ziele der Einführung in Schritte auf, die für alle machbar sind.",
        "{name} teilt große Ziele der Einführung in Schritte auf, die für alle machbar sind.",
    ),
    # enable
    "b29": (
        "Ich schaffe Vertrauen zwischen Vertrieb, Service, Marketing und IT.",
        "{name} schafft Vertrauen zwischen Vertrieb, Service, Marketing und IT.",
    ),
    # encourage
    "b30": (
        "Ich sorge dafür, dass andere sehen, was das Team zur Einführung beiträgt.",
        "{name} sorgt dafür, dass andere sehen, was das Team zur Einführung beiträgt.",
    ),
}
