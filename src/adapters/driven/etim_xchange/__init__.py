"""ETIM xChange files (ETIM International's JSON exchange format, version 2.0): a file's
products read with their descriptions and ETIM features, the features as fields, and the file
written back with the feature values the lookup found."""
