print("cmsd: not wired yet")
