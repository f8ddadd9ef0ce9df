"""Rules of the performance service: ``access``, ``copies`` (members and units from goals),
``scoring`` (templates and live scores), ``reviews`` (cycles, 360, calibration, closing)."""
