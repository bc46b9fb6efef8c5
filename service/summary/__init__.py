"""The summary of AP use and outcomes for senior leaders, governors and LA officers, and the census AP export."""
