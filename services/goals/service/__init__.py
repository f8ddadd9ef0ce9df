"""Rules of the goals service, one module per area: ``access``, ``org``, ``kpis``,
``targets``, ``figures``, ``actuals``, ``work`` (check-ins, tasks, weekly reports), ``risk``,
``positions`` (job descriptions, their versions and reviews), ``composition`` (HR's team
mix, small groups withheld)."""
