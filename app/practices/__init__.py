"""The leadership-practices 360: consultants run cycles, leaders and observers rate."""
