import copy

import pytest

EXAMPLE = {
    "person_kg": 100,
    "aircraft_types": [
        {"code": "IL76MD", "payload_kg": 47000, "seats": 126,
         "hold": {"length_m": 20.0, "width_m": 3.45, "height_m": 3.4},
         "cruise_kmh": 780, "ground_time_h": 2.0}
    ],
    "fleet": [{"type": "IL76MD", "count": 40, "base": "UUBW"}],
    "airfields": [
        {"code": "UUBW", "lat": 55.55, "lon": 38.15, "max_on_ground": 30},
        {"code": "UAFM", "lat": 43.06, "lon": 74.48, "max_on_ground": 6},
        {"code": "UAAA", "lat": 43.35, "lon": 77.04, "max_on_ground": 12},
    ],
    "units": [
        {"id": "KG-1", "origin": "UAFM", "destination": "UAAA", "ready_h": 0,
         "personnel": 150, "cargo_kg": 12000,
         "vehicles": [{"type": "BTR-70", "count": 8, "weight_kg": 11500,
                       "length_m": 7.5, "width_m": 2.8, "height_m": 2.3}]}
    ],
}


@pytest.fixture
def example():
    """The issue's INPUT.json example, as a fresh copy."""
    return copy.deepcopy(EXAMPLE)
