"""The instrument library in French: the same items and behaviours as the English,
in the same plain register (see ``survey.library_text``).

Terms used throughout: "le nouveau CRM", "les clients", "le déploiement" (the
rollout), "le changement" (the change), "mon responsable" (my manager), "le
terrain" (the front line). French punctuation (? ! : ;) is preceded by a
no-break space (U+00A0)."""

ITEMS: dict[str, str] = {
    "kotter_urgency_1": "Je comprends pourquoi nous devons changer notre façon de travailler avec les clients.",
    "kotter_coalition_1": "Les personnes qui pilotent le changement lié au CRM savent comment le travail avec les clients se fait vraiment ici.",
    "kotter_vision_1": "Je pourrais expliquer en une phrase ce que le changement lié au CRM doit apporter à nos clients.",
    "kotter_communicate_1": "Mon responsable parle régulièrement de la direction que prend le changement lié au CRM et de ses raisons.",
    "kotter_empower_1": "Quand je signale quelque chose qui gêne la nouvelle façon de travailler, c'est pris en charge.",
    "kotter_wins_1": "J'ai constaté des premiers succès nets grâce à la nouvelle façon de travailler avec les clients.",
    "kotter_consolidate_1": "Le CRM et nos processus ne cessent de s'améliorer grâce aux retours de personnes comme moi.",
    "kotter_anchor_1": "Utiliser le CRM, c'est désormais tout simplement notre façon de travailler avec les clients ici.",
    "resistance_unknown_1": "Ce que le nouveau CRM va changer dans mon travail au quotidien m'inquiète.",
    "resistance_unknown_2": "Je sais à quoi ressemblera ma journée de travail une fois le nouveau CRM entièrement en place.",
    "resistance_devalued_1": "Avec le nouveau CRM, mon expérience compte moins.",
    "resistance_devalued_2": "J'ai l'impression que le système est censé remplacer mon jugement.",
    "resistance_devalued_3": "Le nouveau CRM tire bien parti de ce que je sais de nos clients.",
    "resistance_ownership_1": "La nouvelle façon de travailler a été conçue sans les personnes qui font le travail.",
    "resistance_ownership_2": "On m'a retiré les décisions sur la façon dont je m'occupe de mes clients.",
    "resistance_ownership_3": "J'ai mon mot à dire sur le fonctionnement du nouveau processus CRM dans mon équipe.",
    "resistance_personal_touch_1": "Le nouveau CRM met un écran entre mes clients et moi.",
    "resistance_personal_touch_2": "Avec le nouveau CRM, j'ai encore le temps d'avoir un mot personnel pour chaque client.",
    "adoption_usefulness_1": "Le nouveau CRM m'aide à mieux servir les clients.",
    "adoption_usefulness_2": "Le nouveau CRM me fait gagner du temps dans mon travail avec les clients.",
    "adoption_usefulness_3": "Le nouveau CRM me donne du travail en plus sans rien m'apporter en retour.",
    "adoption_ease_1": "Le nouveau CRM est facile à utiliser.",
    "adoption_ease_2": "Je trouve rapidement dans le CRM les informations clients dont j'ai besoin.",
    "adoption_ease_3": "Dans le nouveau CRM, les tâches simples demandent trop d'étapes.",
    "adoption_support_1": "Mon responsable attend de moi que j'utilise le nouveau CRM et m'y encourage.",
    "adoption_support_2": "Des collègues dont j'apprécie l'avis utilisent eux-mêmes le nouveau CRM.",
    "adoption_training_1": "J'ai reçu la formation dont j'ai besoin pour utiliser le nouveau CRM dans mon travail.",
    "adoption_training_2": "Quand quelque chose me bloque dans le CRM, je sais où trouver de l'aide rapidement.",
    "adoption_training_3": "J'ai dû me débrouiller sans aide pour prendre en main le nouveau CRM.",
    "adkar_awareness_1": "Je comprends les raisons qui poussent l'entreprise à introduire le nouveau CRM.",
    "adkar_desire_1": "Personnellement, je veux contribuer à la réussite du nouveau CRM.",
    "adkar_knowledge_1": "Je sais comment faire mon travail quotidien avec les clients dans le nouveau CRM.",
    "adkar_ability_1": "Dans le travail réel avec les clients, j'arrive à utiliser le nouveau CRM sans blocage.",
    "adkar_reinforcement_1": "Ici, bien utiliser le nouveau CRM est remarqué et apprécié.",
    "crl_technology_1": "Nos dirigeants utilisent eux-mêmes le nouveau CRM.",
    "crl_technology_2": "Nos dirigeants font de vrais efforts pour que le CRM fonctionne pour le terrain.",
    "crl_environment_1": "Je peux prendre des décisions pour un client sur-le-champ, sans attendre de validation.",
    "crl_environment_2": "J'ai les informations clients dont j'ai besoin pour prendre des décisions moi-même.",
    "crl_environment_3": "Les décisions concernant les clients doivent remonter la hiérarchie, même quand je connais la réponse.",
    "crl_innovation_1": "Ici, on donne suite aux idées du personnel pour mieux servir les clients.",
    "crl_innovation_2": "Ici, les erreurs commises en essayant quelque chose de nouveau sont pardonnées.",
    "crl_innovation_3": "Ici, les gens gardent leurs idées pour eux, parce qu'il n'en sort jamais rien.",
    "customer_customisation_1": "Je peux adapter notre offre aux besoins de chaque client.",
    "customer_customisation_2": "Avant de contacter un client, je peux voir son historique et ses préférences.",
    "customer_relationships_1": "Je connais personnellement mes clients les plus importants.",
    "customer_relationships_2": "Je contacte les clients aux moments qui comptent pour eux.",
    "customer_aftersale_1": "Les problèmes des clients après une vente sont suivis jusqu'à leur résolution.",
    "customer_aftersale_2": "Je peux voir les demandes de service encore ouvertes d'un client avant de lui parler.",
    "customer_aftersale_3": "Après une vente, les clients doivent souvent nous relancer pour obtenir une réponse.",
    "recommend": "Quelle est la probabilité que vous recommandiez le nouveau CRM à un collègue ?",
    "comment": "Souhaitez-vous dire autre chose aux personnes qui pilotent le changement ?",
}

BEHAVIOURS: dict[str, tuple[str, str]] = {
    # model
    "b01": (
        "J'utilise moi-même le nouveau CRM pour mon propre travail avec les clients.",
        "{name} utilise le nouveau CRM pour son propre travail avec les clients.",
    ),
    # inspire
    "b02": (
        "J'explique comment le nouveau CRM nous aide à mieux servir les clients.",
        "{name} explique comment le nouveau CRM nous aide à mieux servir les clients.",
    ),
    # challenge
    "b03": (
        "Je remets en question les anciennes façons de traiter les clients quand elles nous ralentissent.",
        "{name} remet en question les anciennes façons de traiter les clients quand elles nous ralentissent.",
    ),
    # enable
    "b04": (
        "J'associe les personnes concernées quand nous planifions l'utilisation du CRM.",
        "{name} associe les personnes concernées quand nous planifions l'utilisation du CRM.",
    ),
    # encourage
    "b05": (
        "Je remercie nommément les personnes pour leurs progrès avec le nouveau CRM.",
        "{name} remercie nommément les personnes pour leurs progrès avec le nouveau CRM.",
    ),
    # model
    "b06": (
        "Je tiens mes promesses au sujet du déploiement.",
        "{name} tient ses promesses au sujet du déploiement.",
    ),
    # inspire
    "b07": (
        "Je décris à quoi pourraient ressembler nos relations avec les clients dans un an.",
        "{name} décrit à quoi pourraient ressembler nos relations avec les clients dans un an.",
    ),
    # challenge
    "b08": (
        "Je cherche hors de notre entreprise de meilleures façons de servir les clients.",
        "{name} cherche hors de notre entreprise de meilleures façons de servir les clients.",
    ),
    # enable
    "b09": (
        "Je laisse les gens décider directement face au client, sans attendre de validation.",
        "{name} laisse les gens décider directement face au client, sans attendre de validation.",
    ),
    # encourage
    "b10": (
        "Je fête les premiers succès avec les équipes qui les ont obtenus.",
        "{name} fête les premiers succès avec les équipes qui les ont obtenus.",
    ),
    # model
    "b11": (
        "Je demande comment mon propre comportement influence la façon dont les gens travaillent avec les clients.",
        "{name} demande comment son propre comportement influence la façon dont les gens travaillent avec les clients.",
    ),
    # inspire
    "b12": (
        "Je relie le déploiement à ce qui compte pour les gens ici.",
        "{name} relie le déploiement à ce qui compte pour les gens ici.",
    ),
    # challenge
    "b13": (
        "Je demande ce que nous pouvons apprendre quand quelque chose se passe mal dans le déploiement.",
        "{name} demande ce que nous pouvons apprendre quand quelque chose se passe mal dans le déploiement.",
    ),
    # enable
    "b14": (
        "Je veille à ce que les gens reçoivent la formation et l'aide dont ils ont besoin.",
        "{name} veille à ce que les gens reçoivent la formation et l'aide dont ils ont besoin.",
    ),
    # encourage
    "b15": (
        "Je montre ma confiance dans la capacité des gens à maîtriser les nouvelles façons de travailler.",
        "{name} montre sa confiance dans la capacité des gens à maîtriser les nouvelles façons de travailler.",
    ),
    # model
    "b16": (
        "Je dis clairement sur quels principes envers les clients nous ne transigerons pas.",
        "{name} dit clairement sur quels principes envers les clients nous ne transigerons pas.",
    ),
    # inspire
    "b17": (
        "Je parle avec un réel enthousiasme de là où nous mène le changement.",
        "{name} parle avec un réel enthousiasme de là où nous mène le changement.",
    ),
    # challenge
    "b18": (
        "J'essaie de nouvelles façons de travailler par de petites expériences sans risque.",
        "{name} essaie de nouvelles façons de travailler par de petites expériences sans risque.",
    ),
    # enable
    "b19": (
        "J'écoute attentivement les inquiétudes au sujet du nouveau système.",
        "{name} écoute attentivement les inquiétudes au sujet du nouveau système.",
    ),
    # encourage
    "b20": (
        "Je valorise les efforts, et pas seulement les résultats, pendant que les gens apprennent le système.",
        "{name} valorise les efforts, et pas seulement les résultats, pendant que les gens apprennent le système.",
    ),
    # model
    "b21": (
        "Je consacre mon temps à ce qui, selon mes propres mots, compte le plus dans le déploiement.",
        "{name} consacre son temps à ce qui, selon ses propres mots, compte le plus dans le déploiement.",
    ),
    # inspire
    "b22": (
        "Je raconte des histoires de clients qui montrent pourquoi le changement est important.",
        "{name} raconte des histoires de clients qui montrent pourquoi le changement est important.",
    ),
    # challenge
    "b23": (
        "Je sollicite les idées du terrain pour améliorer le CRM et ses processus.",
        "{name} sollicite les idées du terrain pour améliorer le CRM et ses processus.",
    ),
    # enable
    "b24": (
        "Je lève les obstacles qui empêchent les gens de travailler de la nouvelle façon.",
        "{name} lève les obstacles qui empêchent les gens de travailler de la nouvelle façon.",
    ),
    # encourage
    "b25": (
        "Je partage des histoires de collègues qui ont aidé un client grâce au CRM.",
        "{name} partage des histoires de collègues qui ont aidé un client grâce au CRM.",
    ),
    # model
    "b26": (
        "Je respecte les nouveaux processus, même quand un raccourci serait plus rapide.",
        "{name} respecte les nouveaux processus, même quand un raccourci serait plus rapide.",
    ),
    # inspire
    "b27": (
        "J'aide les gens à voir leur propre rôle dans la vision d'ensemble.",
        "{name} aide les gens à voir leur propre rôle dans la vision d'ensemble.",
    ),
    # challenge
    "b28": (
        "Je découpe les grands objectifs du déploiement en étapes à la portée de chacun.",
        "{name} découpe les grands objectifs du déploiement en étapes à la portée de chacun.",
    ),
    # enable
    "b29": (
        "Je crée la confiance entre les ventes, le service client, le marketing et l'informatique.",
        "{name} crée la confiance entre les ventes, le service client, le marketing et l'informatique.",
    ),
    # encourage
    "b30": (
        "Je veille à ce que la contribution de l'équipe au déploiement soit visible pour les autres.",
        "{name} veille à ce que la contribution de l'équipe au déploiement soit visible pour les autres.",
    ),
}
