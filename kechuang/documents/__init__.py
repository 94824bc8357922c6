"""Documents to facts: uploaded reports and news, their extracted facts and organisations, the review queue."""
