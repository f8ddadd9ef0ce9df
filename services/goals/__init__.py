"""Goals: the organisation, KPIs, cascading targets, actuals, check-ins, tasks and risk."""
