"""Detectors: one module each, returning typed evidence; none decides a verdict alone.

This folder ships as ``resultcheck.detectors`` (see pyproject.toml).
"""
