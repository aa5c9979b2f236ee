//! Strict query-string parsing: every endpoint names the parameters it
//! takes; anything else, a repeated parameter, or a value that does not
//! parse is a 400 that names the parameter. Nothing is silently defaulted
//! or ignored.

use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Parses the query string into `T` (a struct of `Option<String>` fields
/// with `deny_unknown_fields`), turning serde's complaints into 400s.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    serde_urlencoded::from_str::<T>(query).map_err(|e| {
        let msg = e.to_string();
        let named = msg.split('`').nth(1).unwrap_or("query").to_owned();
        if msg.starts_with("unknown field") {
            ApiError::bad_parameter(
                &named,
                "unknown parameter; see /openapi.json for this endpoint's parameters",
            )
        } else if msg.starts_with("duplicate field") {
            ApiError::bad_parameter(&named, "given more than once")
        } else if msg.starts_with("missing field") {
            ApiError::bad_parameter(&named, "is required")
        } else {
            ApiError::bad_parameter("query", format!("malformed query string: {msg}"))
        }
    })
}

/// An endpoint that takes no query parameters.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

pub fn none(query: &str) -> Result<(), ApiError> {
    parse::<NoParams>(query).map(|_| ())
}

/// A closed set of snake_case codes (programmes, roles, statuses, ...),
/// so an enum-like parameter is parsed one way everywhere.
pub trait Code: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
}

/// An enum-like parameter: absent, or exactly one of `E`'s codes; any
/// other value is a 400 that lists the codes.
pub fn one_of<E: Code>(name: &str, raw: Option<&str>) -> Result<Option<E>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    E::ALL
        .iter()
        .copied()
        .find(|e| e.code() == raw)
        .map(Some)
        .ok_or_else(|| {
            let codes: Vec<&str> = E::ALL.iter().map(|e| e.code()).collect();
            ApiError::bad_parameter(name, format!("must be one of: {}", codes.join(", ")))
        })
}

/// A whole number within bounds.
pub fn bounded_int(
    name: &str,
    raw: Option<&str>,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ApiError> {
    let Some(raw) = raw else { return Ok(default) };
    raw.parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            ApiError::bad_parameter(name, format!("must be a whole number from {min} to {max}"))
        })
}

/// A finite number within bounds.
pub fn bounded_float(
    name: &str,
    raw: Option<&str>,
    default: f64,
    min: f64,
    max: f64,
) -> Result<f64, ApiError> {
    let Some(raw) = raw else { return Ok(default) };
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && (min..=max).contains(n))
        .ok_or_else(|| {
            ApiError::bad_parameter(name, format!("must be a number from {min} to {max}"))
        })
}

/// `LAT,LON` in decimal degrees.
pub fn lat_lon(name: &str, raw: &str) -> Result<(f64, f64), ApiError> {
    let bad = || {
        ApiError::bad_parameter(name, "must be LAT,LON in decimal degrees, e.g. 29.76,-95.36 (latitude -90..90, longitude -180..180)")
    };
    let (lat, lon) = raw.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    if !lat.is_finite()
        || !lon.is_finite()
        || !(-90.0..=90.0).contains(&lat)
        || !(-180.0..=180.0).contains(&lon)
    {
        return Err(bad());
    }
    Ok((lat, lon))
}

/// A non-empty value of at most `max` characters.
pub fn text<'a>(name: &str, raw: Option<&'a str>, max: usize) -> Result<Option<&'a str>, ApiError> {
    match raw {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Err(ApiError::bad_parameter(name, "must not be empty")),
        Some(v) if v.chars().count() > max => Err(ApiError::bad_parameter(
            name,
            format!("must be at most {max} characters"),
        )),
        Some(v) => Ok(Some(v.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct P {
        a: Option<String>,
    }

    #[test]
    fn names_unknown_and_repeated_parameters() {
        let e = parse::<P>("a=1&zz=2").unwrap_err();
        assert_eq!(e.problem().errors[0].field, "zz");
        let e = parse::<P>("a=1&a=2").unwrap_err();
        assert_eq!(e.problem().errors[0].field, "a");
    }

    #[test]
    fn lat_lon_rejects_out_of_range() {
        assert!(lat_lon("near", "91,0").is_err());
        assert!(lat_lon("near", "NaN,0").is_err());
        assert!(lat_lon("near", "10").is_err());
        assert_eq!(lat_lon("near", " 1.5, -2").unwrap(), (1.5, -2.0));
    }
}
