"""Request and response bodies of the goals API, one module per area of ``goals.service``
(``org``, ``kpis``, ``targets``, ``actuals``, ``figures``, ``work``, ``risk``, ``positions``,
``composition``), field types in
``common``, and in ``contracts`` the copies of the events goals consumes."""
