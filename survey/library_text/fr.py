"""The instrument library in French: the same items and behaviours as the English,
in the same plain register (see ``survey.library_text``)."""

ITEMS: dict[str, str] = {
    "kotter_urgency_1": "I understand why we need to change how we work with customers.",
    "kotter_coalition_1": "The people leading the CRM change know how work with customers really gets done here.",
    "kotter_vision_1": "I could explain in a sentence what the CRM change should do for our customers.",
    "kotter_communicate_1": "My manager talks regularly about where the CRM change is heading and why.",
    "kotter_empower_1": "When I raise something that gets in the way of the new way of working, it is dealt with.",
    "kotter_wins_1": "I have seen clear early successes from the new way of working with customers.",
    "kotter_consolidate_1": "The CRM and our processes keep getting better based on feedback from people like me.",
    "kotter_anchor_1": "Using the CRM is simply how we work with customers here now.",
    "resistance_unknown_1": "I am uneasy about what the new CRM will mean for my day-to-day work.",
    "resistance_unknown_2": "I know what my working day will look like once the new CRM is fully in place.",
    "resistance_devalued_1": "The new CRM makes my experience count for less.",
    "resistance_devalued_2": "It feels as if the system is meant to replace my judgement.",
    "resistance_devalued_3": "The new CRM makes good use of what I know about our customers.",
    "resistance_ownership_1": "The new way of working was designed without the people who do the work.",
    "resistance_ownership_2": "Decisions about how I handle my customers have been taken out of my hands.",
    "resistance_ownership_3": "I have a say in how the new CRM process works for my team.",
    "resistance_personal_touch_1": "The new CRM puts a screen between me and my customers.",
    "resistance_personal_touch_2": "With the new CRM I still have time for a personal word with each customer.",
    "adoption_usefulness_1": "The new CRM helps me serve customers better.",
    "adoption_usefulness_2": "Using the new CRM saves me time in my customer work.",
    "adoption_usefulness_3": "The new CRM adds work without giving me anything back.",
    "adoption_ease_1": "The new CRM is easy to use.",
    "adoption_ease_2": "I can find the customer information I need in the CRM quickly.",
    "adoption_ease_3": "Simple tasks take too many steps in the new CRM.",
    "adoption_support_1": "My manager expects and encourages me to use the new CRM.",
    "adoption_support_2": "Colleagues whose opinion I value use the new CRM themselves.",
    "adoption_training_1": "I have had the training I need to use the new CRM in my job.",
    "adoption_training_2": "When I get stuck in the CRM, I know where to get help quickly.",
    "adoption_training_3": "I have been left to work out the new CRM on my own.",
    "adkar_awareness_1": "I understand the business reasons for introducing the new CRM.",
    "adkar_desire_1": "I personally want to make the new CRM work.",
    "adkar_knowledge_1": "I know how to do my daily customer work in the new CRM.",
    "adkar_ability_1": "In real work with customers, I can use the new CRM without getting stuck.",
    "adkar_reinforcement_1": "Using the new CRM well gets noticed and appreciated here.",
    "crl_technology_1": "Our leaders use the new CRM themselves.",
    "crl_technology_2": "Our leaders put real effort into making the CRM work for the front line.",
    "crl_environment_1": "I can decide things for a customer on the spot without waiting for approval.",
    "crl_environment_2": "I have the customer information I need to make decisions myself.",
    "crl_environment_3": "Customer decisions have to go up the line even when I know the answer.",
    "crl_innovation_1": "Ideas from staff about serving customers are taken up here.",
    "crl_innovation_2": "Mistakes made while trying something new are forgiven here.",
    "crl_innovation_3": "People here keep ideas to themselves because nothing happens with them.",
    "customer_customisation_1": "I can tailor what we offer to each customer's needs.",
    "customer_customisation_2": "Before I contact a customer I can see their history and preferences.",
    "customer_relationships_1": "I know my most important customers personally.",
    "customer_relationships_2": "I get in touch with customers at the moments that matter to them.",
    "customer_aftersale_1": "Customers' problems after a sale are followed up until they are solved.",
    "customer_aftersale_2": "I can see a customer's open service issues before I speak to them.",
    "customer_aftersale_3": "After a sale, customers often have to chase us for an answer.",
    "recommend": "How likely are you to recommend the new CRM to a colleague?",
    "comment": "Is there anything else you want the people leading the change to know?",
}

BEHAVIOURS: dict[str, tuple[str, str]] = {
    # model
    "b01": (
        "I use the new CRM myself for my own customer work.",
        "{name} uses the new CRM for their own customer work.",
    ),
    # inspire
    "b02": (
        "I explain how the new CRM helps us serve customers better.",
        "{name} explains how the new CRM helps us serve customers better.",
    ),
    # challenge
    "b03": (
        "I question the old ways of handling customers when they slow us down.",
        "{name} questions the old ways of handling customers when they slow us down.",
    ),
    # enable
    "b04": (
        "I involve the people affected in planning how we use the CRM.",
        "{name} involves the people affected in planning how we use the CRM.",
    ),
    # encourage
    "b05": (
        "I thank people by name for their progress with the new CRM.",
        "{name} thanks people by name for their progress with the new CRM.",
    ),
    # model
    "b06": (
        "I keep the promises I make about the rollout.",
        "{name} keeps the promises they make about the rollout.",
    ),
    # inspire
    "b07": (
        "I describe what our customer relationships could look like in a year.",
        "{name} describes what our customer relationships could look like in a year.",
    ),
    # challenge
    "b08": (
        "I look outside our company for better ways to serve customers.",
        "{name} looks outside our company for better ways to serve customers.",
    ),
    # enable
    "b09": (
        "I let people decide at the customer without waiting for approval.",
        "{name} lets people decide at the customer without waiting for approval.",
    ),
    # encourage
    "b10": (
        "I celebrate early wins with the teams who made them.",
        "{name} celebrates early wins with the teams who made them.",
    ),
    # model
    "b11": (
        "I ask how my own behaviour affects how people work with customers.",
        "{name} asks how their own behaviour affects how people work with customers.",
    ),
    # inspire
    "b12": (
        "I link the rollout to what people here care about.",
        "{name} links the rollout to what people here care about.",
    ),
    # challenge
    "b13": (
        "I ask what we can learn when something in the rollout goes wrong.",
        "{name} asks what we can learn when something in the rollout goes wrong.",
    ),
    # enable
    "b14": (
        "I make sure people get the training and help they need.",
        "{name} makes sure people get the training and help they need.",
    ),
    # encourage
    "b15": (
        "I show confidence that people can master the new ways of working.",
        "{name} shows confidence that people can master the new ways of working.",
    ),
    # model
    "b16": (
        "I make clear which customer principles we will not compromise on.",
        "{name} makes clear which customer principles we will not compromise on.",
    ),
    # inspire
    "b17": (
        "I talk with real enthusiasm about where the change is taking us.",
        "{name} talks with real enthusiasm about where the change is taking us.",
    ),
    # challenge
    "b18": (
        "I try out new ways of working in small, safe experiments.",
        "{name} tries out new ways of working in small, safe experiments.",
    ),
    # enable
    "b19": (
        "I listen carefully to concerns about the new system.",
        "{name} listens carefully to concerns about the new system.",
    ),
    # encourage
    "b20": (
        "I recognise effort, not only results, while people learn the system.",
        "{name} recognises effort, not only results, while people learn the system.",
    ),
    # model
    "b21": (
        "I spend my time on what I say matters most in the rollout.",
        "{name} spends their time on what they say matters most in the rollout.",
    ),
    # inspire
    "b22": (
        "I tell customer stories that show why the change matters.",
        "{name} tells customer stories that show why the change matters.",
    ),
    # challenge
    "b23": (
        "I invite ideas from the front line for improving the CRM and its processes.",
        "{name} invites ideas from the front line for improving the CRM and its processes.",
    ),
    # enable
    "b24": (
        "I remove obstacles that keep people from working the new way.",
        "{name} removes obstacles that keep people from working the new way.",
    ),
    # encourage
    "b25": (
        "I share stories of colleagues who helped a customer through the CRM.",
        "{name} shares stories of colleagues who helped a customer through the CRM.",
    ),
    # model
    "b26": (
        "I follow the new processes even when a shortcut would be quicker.",
        "{name} follows the new processes even when a shortcut would be quicker.",
    ),
    # inspire
    "b27": (
        "I help people see their own part in the bigger picture.",
        "{name} helps people see their own part in the bigger picture.",
    ),
    # challenge
    "b28": (
        "I break big rollout goals into steps people can achieve.",
        "{name} breaks big rollout goals into steps people can achieve.",
    ),
    # enable
    "b29": (
        "I build trust between sales, service, marketing and IT.",
        "{name} builds trust between sales, service, marketing and IT.",
    ),
    # encourage
    "b30": (
        "I make sure the team's contribution to the rollout is seen by others.",
        "{name} makes sure the team's contribution to the rollout is seen by others.",
    ),
}
