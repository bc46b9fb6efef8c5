"""Review and transition meetings: the "Review / Transition Meeting" part of Appendix A."""
