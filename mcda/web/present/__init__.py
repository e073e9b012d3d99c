"""Presentation shared by the features: charts, maps, labels, analysis text and numbers."""
