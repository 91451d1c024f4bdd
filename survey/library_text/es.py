"""The instrument library in Spanish: the same items and behaviours as the English,
in the same plain register (see ``survey.library_text``).

Terms are kept the same in every item: "el nuevo CRM", "los clientes",
"la implantación" (the rollout), "el cambio", "mi responsable" (my manager),
"la nueva forma de trabajar", "el personal de primera línea". Staff are
addressed with "tú"; reverse-worded statements stay reverse-worded.
"""

ITEMS: dict[str, str] = {
    "kotter_urgency_1": "Entiendo por qué tenemos que cambiar nuestra forma de trabajar con los clientes.",
    "kotter_coalition_1": "Las personas que lideran el cambio al CRM saben cómo se trabaja realmente aquí con los clientes.",
    "kotter_vision_1": "Podría explicar en una frase qué debería lograr el cambio al CRM para nuestros clientes.",
    "kotter_communicate_1": "Mi responsable habla con regularidad de hacia dónde va el cambio al CRM y por qué.",
    "kotter_empower_1": "Cuando señalo algo que frena la nueva forma de trabajar, alguien se ocupa de ello.",
    "kotter_wins_1": "He visto primeros éxitos claros de la nueva forma de trabajar con los clientes.",
    "kotter_consolidate_1": "El CRM y nuestros procesos siguen mejorando a partir de los comentarios de personas como yo.",
    "kotter_anchor_1": "Aquí, usar el CRM es ya sencillamente nuestra forma de trabajar con los clientes.",
    "resistance_unknown_1": "Me inquieta lo que el nuevo CRM supondrá para mi trabajo diario.",
    "resistance_unknown_2": "Sé cómo será mi jornada de trabajo cuando el nuevo CRM esté plenamente implantado.",
    "resistance_devalued_1": "El nuevo CRM hace que mi experiencia cuente menos.",
    "resistance_devalued_2": "Tengo la sensación de que el sistema pretende sustituir mi criterio.",
    "resistance_devalued_3": "El nuevo CRM aprovecha bien lo que sé de nuestros clientes.",
    "resistance_ownership_1": "La nueva forma de trabajar se diseñó sin contar con las personas que hacen el trabajo.",
    "resistance_ownership_2": "Las decisiones sobre cómo atiendo a mis clientes ya no están en mis manos.",
    "resistance_ownership_3": "Puedo influir en cómo funciona el proceso del nuevo CRM en mi equipo.",
    "resistance_personal_touch_1": "El nuevo CRM pone una pantalla entre mis clientes y yo.",
    "resistance_personal_touch_2": "Con el nuevo CRM sigo teniendo tiempo para un trato personal con cada cliente.",
    "adoption_usefulness_1": "El nuevo CRM me ayuda a atender mejor a los clientes.",
    "adoption_usefulness_2": "Usar el nuevo CRM me ahorra tiempo en mi trabajo con los clientes.",
    "adoption_usefulness_3": "El nuevo CRM me da más trabajo sin aportarme nada a cambio.",
    "adoption_ease_1": "El nuevo CRM es fácil de usar.",
    "adoption_ease_2": "Encuentro rápidamente en el CRM la información de clientes que necesito.",
    "adoption_ease_3": "En el nuevo CRM, las tareas sencillas requieren demasiados pasos.",
    "adoption_support_1": "Mi responsable espera que use el nuevo CRM y me anima a hacerlo.",
    "adoption_support_2": "Los compañeros cuya opinión valoro usan el nuevo CRM en su propio trabajo.",
    "adoption_training_1": "He recibido la formación que necesito para usar el nuevo CRM en mi trabajo.",
    "adoption_training_2": "Cuando me atasco en el CRM, sé dónde conseguir ayuda rápidamente.",
    "adoption_training_3": "He tenido que arreglármelas por mi cuenta para aprender el nuevo CRM.",
    "adkar_awareness_1": "Entiendo los motivos de negocio para implantar el nuevo CRM.",
    "adkar_desire_1": "Personalmente, quiero que el nuevo CRM funcione.",
    "adkar_knowledge_1": "Sé cómo hacer mi trabajo diario con los clientes en el nuevo CRM.",
    "adkar_ability_1": "En el trabajo real con los clientes, puedo usar el nuevo CRM sin atascarme.",
    "adkar_reinforcement_1": "Aquí, usar bien el nuevo CRM se nota y se valora.",
    "crl_technology_1": "Nuestros directivos usan personalmente el nuevo CRM.",
    "crl_technology_2": "Nuestros directivos se esfuerzan de verdad para que el CRM le sirva al personal de primera línea.",
    "crl_environment_1": "Puedo tomar decisiones para un cliente en el momento, sin esperar una aprobación.",
    "crl_environment_2": "Tengo la información de clientes que necesito para tomar decisiones por mi cuenta.",
    "crl_environment_3": "Las decisiones sobre clientes tienen que subir por la jerarquía aunque yo sepa la respuesta.",
    "crl_innovation_1": "Aquí se ponen en práctica las ideas del personal sobre cómo atender a los clientes.",
    "crl_innovation_2": "Aquí se perdonan los errores cometidos al probar algo nuevo.",
    "crl_innovation_3": "Aquí la gente se guarda sus ideas porque nunca se hace nada con ellas.",
    "customer_customisation_1": "Puedo adaptar lo que ofrecemos a las necesidades de cada cliente.",
    "customer_customisation_2": "Antes de contactar con un cliente, puedo ver su historial y sus preferencias.",
    "customer_relationships_1": "Conozco personalmente a mis clientes más importantes.",
    "customer_relationships_2": "Me pongo en contacto con los clientes en los momentos que son importantes para ellos.",
    "customer_aftersale_1": "Después de una venta, se hace seguimiento de los problemas de los clientes hasta que se resuelven.",
    "customer_aftersale_2": "Antes de hablar con un cliente, puedo ver sus incidencias de servicio abiertas.",
    "customer_aftersale_3": "Después de una venta, los clientes a menudo tienen que insistir para que les respondamos.",
    "recommend": "¿Qué probabilidad hay de que recomiendes el nuevo CRM a un compañero?",
    "comment": "¿Hay algo más que quieras que sepan las personas que lideran el cambio?",
}

BEHAVIOURS: dict[str, tuple[str, str]] = {
    # model
    "b01": (
        "Uso personalmente el nuevo CRM en mi propio trabajo con los clientes.",
        "{name} usa personalmente el nuevo CRM en su propio trabajo con los clientes.",
    ),
    # inspire
    "b02": (
        "Explico cómo el nuevo CRM nos ayuda a atender mejor a los clientes.",
        "{name} explica cómo el nuevo CRM nos ayuda a atender mejor a los clientes.",
    ),
    # challenge
    "b03": (
        "Cuestiono las formas antiguas de atender a los clientes cuando nos frenan.",
        "{name} cuestiona las formas antiguas de atender a los clientes cuando nos frenan.",
    ),
    # enable
    "b04": (
        "Implico a las personas afectadas en la planificación de cómo usamos el CRM.",
        "{name} implica a las personas afectadas en la planificación de cómo usamos el CRM.",
    ),
    # encourage
    "b05": (
        "Doy las gracias a las personas, llamándolas por su nombre, por sus avances con el nuevo CRM.",
        "{name} da las gracias a las personas, llamándolas por su nombre, por sus avances con el nuevo CRM.",
    ),
    # model
    "b06": (
        "Cumplo las promesas que hago sobre la implantación.",
        "{name} cumple las promesas que hace sobre la implantación.",
    ),
    # inspire
    "b07": (
        "Describo cómo podrían ser nuestras relaciones con los clientes dentro de un año.",
        "{name} describe cómo podrían ser nuestras relaciones con los clientes dentro de un año.",
    ),
    # challenge
    "b08": (
        "Busco fuera de nuestra empresa mejores formas de atender a los clientes.",
        "{name} busca fuera de nuestra empresa mejores formas de atender a los clientes.",
    ),
    # enable
    "b09": (
        "Dejo que la gente decida en el momento, ante el cliente, sin esperar una aprobación.",
        "{name} deja que la gente decida en el momento, ante el cliente, sin esperar una aprobación.",
    ),
    # encourage
    "b10": (
        "Celebro los primeros logros con los equipos que los consiguieron.",
        "{name} celebra los primeros logros con los equipos que los consiguieron.",
    ),
    # model
    "b11": (
        "Pregunto cómo influye mi propio comportamiento en la forma en que la gente trabaja con los clientes.",
        "{name} pregunta cómo influye su propio comportamiento en la forma en que la gente trabaja con los clientes.",
    ),
    # inspire
    "b12": (
        "Relaciono la implantación con lo que le importa a la gente de aquí.",
        "{name} relaciona la implantación con lo que le importa a la gente de aquí.",
    ),
    # challenge
    "b13": (
        "Cuando algo sale mal en la implantación, pregunto qué podemos aprender.",
        "Cuando algo sale mal en la implantación, {name} pregunta qué podemos aprender.",
    ),
    # enable
    "b14": (
        "Me aseguro de que la gente reciba la formación y la ayuda que necesita.",
        "{name} se asegura de que la gente reciba la formación y la ayuda que necesita.",
    ),
    # encourage
    "b15": (
        "Muestro confianza en que la gente puede dominar las nuevas formas de trabajar.",
        "{name} muestra confianza en que la gente puede dominar las nuevas formas de trabajar.",
    ),
    # model
    "b16": (
        "Dejo claro en qué principios de atención al cliente no vamos a ceder.",
        "{name} deja claro en qué principios de atención al cliente no vamos a ceder.",
    ),
    # inspire
    "b17": (
        "Hablo con verdadero entusiasmo de hacia dónde nos lleva el cambio.",
        "{name} habla con verdadero entusiasmo de hacia dónde nos lleva el cambio.",
    ),
    # challenge
    "b18": (
        "Pruebo nuevas formas de trabajar con experimentos pequeños y seguros.",
        "{name} prueba nuevas formas de trabajar con experimentos pequeños y seguros.",
    ),
    # enable
    "b19": (
        "Escucho con atención las preocupaciones sobre el nuevo sistema.",
        "{name} escucha con atención las preocupaciones sobre el nuevo sistema.",
    ),
    # encourage
    "b20": (
        "Mientras la gente aprende el sistema, reconozco el esfuerzo, no solo los resultados.",
        "Mientras la gente aprende el sistema, {name} reconoce el esfuerzo, no solo los resultados.",
    ),
    # model
    "b21": (
        "Dedico mi tiempo a lo que digo que más importa en la implantación.",
        "{name} dedica su tiempo a lo que dice que más importa en la implantación.",
    ),
    # inspire
    "b22": (
        "Cuento historias de clientes que muestran por qué importa el cambio.",
        "{name} cuenta historias de clientes que muestran por qué importa el cambio.",
    ),
    # challenge
    "b23": (
        "Pido ideas al personal de primera línea para mejorar el CRM y sus procesos.",
        "{name} pide ideas al personal de primera línea para mejorar el CRM y sus procesos.",
    ),
    # enable
    "b24": (
        "Elimino los obstáculos que impiden a la gente adoptar la nueva forma de trabajar.",
        "{name} elimina los obstáculos que impiden a la gente adoptar la nueva forma de trabajar.",
    ),
    # encourage
    "b25": (
        "Comparto historias de compañeros que ayudaron a un cliente gracias al CRM.",
        "{name} comparte historias de compañeros que ayudaron a un cliente gracias al CRM.",
    ),
    # model
    "b26": (
        "Sigo los nuevos procesos incluso cuando un atajo sería más rápido.",
        "{name} sigue los nuevos procesos incluso cuando un atajo sería más rápido.",
    ),
    # inspire
    "b27": (
        "Ayudo a cada persona a ver el papel que tiene en el conjunto.",
        "{name} ayuda a cada persona a ver el papel que tiene en el conjunto.",
    ),
    # challenge
    "b28": (
        "Divido los grandes objetivos de la implantación en pasos que la gente puede alcanzar.",
        "{name} divide los grandes objetivos de la implantación en pasos que la gente puede alcanzar.",
    ),
    # enable
    "b29": (
        "Genero confianza entre ventas, atención al cliente, marketing e informática.",
        "{name} genera confianza entre ventas, atención al cliente, marketing e informática.",
    ),
    # encourage
    "b30": (
        "Me aseguro de que otros vean la aportación del equipo a la implantación.",
        "{name} se asegura de que otros vean la aportación del equipo a la implantación.",
    ),
}
