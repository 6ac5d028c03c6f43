"""Programmes, plans and reports -> rich renderables. Builds things to print; never prints."""
