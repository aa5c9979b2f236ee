//! For other directories and front-ends that keep a copy: bulk exports
//! (NDJSON, CSV) and the change feed that keeps a copy current.

pub mod changes;
pub mod export;

/// The licence of the directory's data, and the attribution it asks for.
pub const DATA_LICENCE: &str = "https://creativecommons.org/licenses/by/4.0/";
pub const ATTRIBUTION: &str = "Sarcoma Centre Directory contributors; city coordinates from GeoNames (geonames.org, CC BY 4.0). Listings are compiled from public sources and are unverified unless marked verified.";
