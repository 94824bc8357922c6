"""Challenge lists (揭榜挂帅): the bureau turns demands into a challenge, teams bid, bids are screened
and reviewed by experts, the result is publicised and the award becomes a monitored key project."""
