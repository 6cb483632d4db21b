"""LaborSign: conclude electronic labor contracts under the MOHRSS 2021 guideline."""

__version__ = "0.1.0"
