"""The staff side of pulse surveys: answering through a team or personal link, no login."""
