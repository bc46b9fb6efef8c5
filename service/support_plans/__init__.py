"""The AP Support Plan: the referral, the assessment of need and the plan (seed 001, Appendix A)."""
