"""The AP Support Plan: the referral, the assessment of need and the plan (the Oxfordshire commissioning guidance,
Appendix A)."""
