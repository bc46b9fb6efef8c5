"""The attendance register: twice-daily marks, the commissioner's decisions, alerts and reports."""
