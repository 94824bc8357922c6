"""kechuang (科创): a platform for a city's industrial science-and-technology innovation work."""

__version__ = "0.1.0"
