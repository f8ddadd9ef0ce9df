"""Performance: live scorecards, reviews with 360 and calibration, development, team health."""
