//! Where a page of a directory search ends, in the form a list cursor
//! carries it (`http::pagination` encodes it opaquely).

use crate::readmodel::search::{After, Hit};

/// [`After`] as a list cursor carries it (see `http::pagination`): the
/// folded name (`n`) or the distance (`d`) of the last item, and its id.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<f64>,
    i: String,
}

impl After {
    /// Where the page ending at `hit` ends.
    pub fn of<T>(hit: &Hit<'_, T>) -> Self {
        let id = hit.key.id().to_owned();
        match hit.distance_km {
            Some(km) => After::Distance { km, id },
            None => After::Name {
                key: hit.key.name().to_owned(),
                id,
            },
        }
    }

    pub fn position(&self) -> Position {
        match self {
            After::Name { key, id } => Position {
                n: Some(key.clone()),
                d: None,
                i: id.clone(),
            },
            After::Distance { km, id } => Position {
                n: None,
                d: Some(*km),
                i: id.clone(),
            },
        }
    }

    /// Back from a cursor's position; `None` when it does not fit the
    /// order asked for (a cursor from a `near` list replayed on a
    /// name-ordered one, or the reverse).
    pub fn from_position(p: Position, by_distance: bool) -> Option<Self> {
        match (p.n, p.d, by_distance) {
            (Some(key), None, false) => Some(After::Name { key, id: p.i }),
            (None, Some(km), true) if km.is_finite() && km >= 0.0 => {
                Some(After::Distance { km, id: p.i })
            }
            _ => None,
        }
    }
}
