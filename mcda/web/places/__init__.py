"""The region's places: existing cultural venues (nuläge), the population layer, and each
decision's locations, reach criterion and GeoJSON (issue 28)."""
