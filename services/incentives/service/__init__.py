"""Rules of the incentives service: the calculator (pure), plans, payouts, revenue, rewards."""
