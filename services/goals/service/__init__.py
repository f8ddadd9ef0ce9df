"""Rules of the goals service, one module per area: ``access``, ``org``, ``kpis``,
``targets``, ``figures``, ``actuals``, ``work`` (check-ins, tasks, weekly reports), ``risk``."""
