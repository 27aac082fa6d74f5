"""A coarse outline of metropolitan France and Corsica, embedded so the map needs no network.

About a hundred border and coast points (longitude, latitude in degrees, WGS 84), written
for this project from well-known places along the coast and the borders: good to a few
kilometres, which is enough to place a network at the scale of a country. The report draws it
when the network lies in or near France; anywhere else the map shows the network alone.
"""

from __future__ import annotations

__all__ = ["FRANCE", "FRANCE_BOUNDS"]

_MAINLAND: list[tuple[float, float]] = [
    (2.54, 51.09),  # Bray-Dunes, the Belgian border on the North Sea
    (3.16, 50.79),
    (3.67, 50.45),
    (4.23, 49.96),
    (4.83, 50.16),  # Givet
    (4.85, 49.79),
    (5.47, 49.50),  # Longwy
    (6.36, 49.46),
    (6.73, 49.16),
    (7.45, 49.17),
    (8.23, 48.97),  # Lauterbourg
    (7.80, 48.58),  # the Rhine at Strasbourg
    (7.58, 48.12),
    (7.59, 47.58),  # Basel
    (7.00, 47.45),
    (6.95, 47.25),
    (6.45, 46.95),
    (6.13, 46.56),
    (5.98, 46.20),  # Geneva
    (6.22, 46.31),
    (6.80, 46.40),  # Saint-Gingolph
    (6.95, 46.05),
    (7.04, 45.92),  # Mont Blanc
    (6.80, 45.70),
    (7.10, 45.45),
    (6.63, 45.11),
    (7.00, 44.85),
    (6.95, 44.25),
    (7.65, 44.15),
    (7.53, 43.78),  # Menton
    (7.27, 43.70),  # Nice
    (6.95, 43.54),
    (6.64, 43.27),
    (6.16, 43.03),
    (5.93, 43.10),  # Toulon
    (5.37, 43.30),  # Marseille
    (4.85, 43.40),
    (4.55, 43.45),
    (4.12, 43.55),
    (3.70, 43.40),  # Sète
    (3.22, 43.25),
    (3.05, 42.95),
    (3.17, 42.43),  # Cerbère
    (2.67, 42.35),
    (1.98, 42.45),
    (1.72, 42.50),  # Andorra
    (1.45, 42.60),
    (0.70, 42.85),
    (0.00, 42.70),
    (-0.75, 42.90),
    (-1.40, 43.05),
    (-1.79, 43.37),  # Hendaye
    (-1.48, 43.50),
    (-1.25, 44.00),
    (-1.25, 44.65),  # Arcachon
    (-1.08, 45.57),  # the Gironde
    (-1.24, 45.85),
    (-1.15, 46.15),  # La Rochelle
    (-1.78, 46.50),
    (-2.15, 46.90),
    (-2.20, 47.25),  # Saint-Nazaire
    (-2.55, 47.30),
    (-3.12, 47.48),  # Quiberon
    (-3.35, 47.70),
    (-4.35, 47.80),
    (-4.70, 48.05),  # Pointe du Raz
    (-4.40, 48.30),
    (-4.77, 48.35),
    (-4.75, 48.60),
    (-3.98, 48.72),  # Roscoff
    (-3.50, 48.82),
    (-3.05, 48.78),
    (-2.75, 48.55),
    (-2.00, 48.65),  # Saint-Malo
    (-1.55, 48.65),
    (-1.58, 49.20),
    (-1.94, 49.72),  # Cap de la Hague
    (-1.62, 49.64),
    (-1.25, 49.70),
    (-1.15, 49.35),
    (-0.30, 49.30),
    (0.10, 49.40),
    (0.11, 49.49),  # Le Havre
    (0.19, 49.70),
    (1.08, 49.93),  # Dieppe
    (1.60, 50.20),
    (1.60, 50.73),  # Boulogne
    (1.85, 50.96),  # Calais
    (2.37, 51.05),  # Dunkirk
    (2.54, 51.09),
]

_CORSICA: list[tuple[float, float]] = [
    (9.40, 43.00),  # Cap Corse
    (9.45, 42.70),  # Bastia
    (9.55, 42.10),
    (9.40, 41.70),
    (9.25, 41.37),  # Bonifacio
    (8.80, 41.60),
    (8.74, 41.92),  # Ajaccio
    (8.60, 42.38),
    (9.05, 42.68),
    (9.30, 42.85),
    (9.40, 43.00),
]

#: Each closed ring as (longitudes, latitudes).
FRANCE: list[tuple[list[float], list[float]]] = [
    ([p[0] for p in ring], [p[1] for p in ring]) for ring in (_MAINLAND, _CORSICA)
]

#: (west, south, east, north) of the outline, degrees.
FRANCE_BOUNDS = (-4.8, 41.3, 9.6, 51.1)
