"""A library of labelled rollouts, built through the app's own paths, to test the diagnosis."""
