"""npqplan: dated, week-by-week study plans for England's National Professional Qualifications."""

__version__ = "0.1.0"
