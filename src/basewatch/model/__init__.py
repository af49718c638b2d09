"""The domain model of basewatch: plain, typed, immutable records with provenance. No I/O."""

from basewatch.model.control import ControlArea, ControlStatus, Outline
from basewatch.model.facility import Facility, FacilityRow, FacilityType, normalize_name
from basewatch.model.faction import Faction, Relation, RelationKind
from basewatch.model.place import Place
from basewatch.model.provenance import DatePrecision, LocationPrecision, Provenance, Source
from basewatch.model.survey import SurveyCount, SurveyEdition

__all__ = [
    "ControlArea",
    "ControlStatus",
    "DatePrecision",
    "Facility",
    "FacilityRow",
    "FacilityType",
    "Faction",
    "LocationPrecision",
    "Outline",
    "Place",
    "Provenance",
    "Relation",
    "RelationKind",
    "Source",
    "SurveyCount",
    "SurveyEdition",
    "normalize_name",
]
