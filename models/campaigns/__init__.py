"""Campaigns: plans and phases, targets and their allocation, progress figures, built-in templates."""
