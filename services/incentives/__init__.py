"""Incentives: tiered bonuses, commission, project bonuses, stars, explained payouts."""
