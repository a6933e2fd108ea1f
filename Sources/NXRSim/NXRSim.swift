// NXRSim — placeholder, replaced by its issue's work.
