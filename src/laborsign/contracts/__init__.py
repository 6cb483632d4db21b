"""Contracts: the data model of the model texts, labor-law rules, templates and rendering."""
