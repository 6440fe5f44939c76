"""Planning: staff pools and their cost, analytic capacity, hiring plans, simulation-based
sizing and budget allocation."""
