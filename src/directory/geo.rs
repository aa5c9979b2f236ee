//! Great-circle distances and the coarse grid that keeps `near` queries
//! from measuring every listing.

/// Mean Earth radius (IUGG), in km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Haversine distance in km between two WGS84 points given in degrees.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Grid cells are one degree square, named by their south-west corner in
/// whole degrees (latitude -90..=89, longitude -180..=179).
pub type Cell = (i16, i16);

pub fn cell_of(p: (f64, f64)) -> Cell {
    let lat = p.0.floor().clamp(-90.0, 89.0) as i16;
    // West edge of the cell in whole degrees, wrapped to -180..=179.
    let lon = ((p.1.floor() as i32 + 180).rem_euclid(360) - 180) as i16;
    (lat, lon)
}

/// The cells that may hold points within `radius_km` of `centre`, or None
/// when the circle is so large (or so near a pole) that scanning every
/// point is as cheap.
pub fn cells_within(centre: (f64, f64), radius_km: f64) -> Option<Vec<Cell>> {
    // One degree of latitude is at least 110.5 km; pad by a cell for safety.
    let dlat = radius_km / 110.5 + 1.0;
    let lat_lo = centre.0 - dlat;
    let lat_hi = centre.0 + dlat;
    if lat_lo <= -89.0 || lat_hi >= 89.0 {
        return None;
    }
    let widest = lat_lo.abs().max(lat_hi.abs()).to_radians().cos();
    let dlon = radius_km / (111.32 * widest) + 1.0;
    if dlon >= 180.0 {
        return None;
    }
    let (lat_a, lat_b) = (lat_lo.floor() as i32, lat_hi.floor() as i32);
    let (lon_a, lon_b) = (
        (centre.1 - dlon).floor() as i32,
        (centre.1 + dlon).floor() as i32,
    );
    let count = (lat_b - lat_a + 1) as usize * (lon_b - lon_a + 1) as usize;
    if count > 4096 {
        return None;
    }
    let mut cells = Vec::with_capacity(count);
    for lat in lat_a..=lat_b {
        for lon in lon_a..=lon_b {
            cells.push((lat as i16, ((lon + 180).rem_euclid(360) - 180) as i16));
        }
    }
    Some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_distances() {
        // London to Paris is about 344 km; New York to Los Angeles about 3,936 km.
        let london = (51.5074, -0.1278);
        let paris = (48.8566, 2.3522);
        assert!((distance_km(london, paris) - 343.5).abs() < 2.0);
        let nyc = (40.7128, -74.0060);
        let la = (34.0522, -118.2437);
        assert!((distance_km(nyc, la) - 3936.0).abs() < 10.0);
        assert_eq!(distance_km(paris, paris), 0.0);
    }

    #[test]
    fn cells_cover_the_antimeridian() {
        let cells = cells_within((-17.7, 179.9), 200.0).unwrap();
        assert!(cells.contains(&cell_of((-17.7, -179.9))));
        assert!(cells.contains(&cell_of((-17.7, 179.9))));
    }

    #[test]
    fn huge_circles_scan_everything() {
        assert!(cells_within((0.0, 0.0), 20_000.0).is_none());
        assert!(cells_within((88.0, 0.0), 10.0).is_none());
    }
}
