"""Term dates: an organisation's half-terms, the calendar that review, visit and progress-report dates follow.

Their own package because many features read them (support plans, reviews, visits, progress reports, the
dashboard, the summary) and none of them owns them.
"""
