//! An in-memory inverted index over one kind of listing (centres or
//! clinicians), answering the public list filters without scanning every
//! listing: exact facets (country, region, ...), word prefixes for `q`, and
//! a one-degree grid for `near`.
//!
//! Listings are numbered 0..n in the public sort order (folded name, then
//! id), so every posting list is sorted, intersections are merges, and a
//! filtered list comes out already in order.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use crate::directory::geo::{cell_of, cells_within, distance_km, Cell};

/// A facet a list can be filtered on exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Country,
    Region,
    City,
    Programme,
    Service,
    Discipline,
    Centre,
    /// Listings whose outcome for the named criteria profile is `meets`.
    Meets,
}

/// What one listing contributes to the index.
#[derive(Debug, Default)]
pub struct Entry {
    pub facets: Vec<(Facet, String)>,
    pub text: Vec<String>,
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Default)]
pub struct Index {
    /// (folded name, id) of listing i; sorted.
    keys: Vec<(String, String)>,
    facets: HashMap<(Facet, String), Vec<u32>>,
    words: BTreeMap<String, Vec<u32>>,
    points: Vec<Vec<(f64, f64)>>,
    grid: HashMap<Cell, Vec<u32>>,
    located: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

/// Where the previous page ended, in sort order.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    Name { key: String, id: String },
    Distance { km: f64, id: String },
}

#[derive(Debug, Default)]
pub struct Query {
    pub facets: Vec<(Facet, String)>,
    pub words: Vec<String>,
    pub near: Option<Near>,
    pub after: Option<After>,
    pub limit: usize,
}

#[derive(Debug, PartialEq)]
pub struct Hit {
    pub pos: u32,
    pub distance_km: Option<f64>,
}

impl Index {
    /// Builds the index; `keys` must be sorted and match `entries` one to one.
    pub fn build(keys: Vec<(String, String)>, entries: Vec<Entry>) -> Self {
        debug_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        let mut index = Index {
            keys,
            ..Default::default()
        };
        for (pos, entry) in entries.into_iter().enumerate() {
            let pos = pos as u32;
            for facet in entry.facets {
                push_once(index.facets.entry(facet).or_default(), pos);
            }
            for word in entry.text {
                push_once(index.words.entry(word).or_default(), pos);
            }
            if !entry.points.is_empty() {
                index.located.push(pos);
                for p in &entry.points {
                    push_once(index.grid.entry(cell_of(*p)).or_default(), pos);
                }
            }
            index.points.push(entry.points);
        }
        index
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn key(&self, pos: u32) -> &(String, String) {
        &self.keys[pos as usize]
    }

    /// Up to `limit + 1` hits after the cursor, so the caller can tell
    /// whether a next page exists.
    ///
    /// Work grows with the page, not with the number of matches: posting
    /// lists are borrowed; the smallest constraint drives (a lazy merge
    /// when a word prefix matches several words) and the others are probed
    /// by binary search; a name-ordered page stops after `limit + 1`
    /// matches, and `near` visits grid cells nearest first and stops once
    /// no closer listing can remain.
    pub fn search(&self, q: &Query) -> Vec<Hit> {
        let mut constraints: Vec<Union<'_>> = Vec::new();
        for facet in &q.facets {
            match self.facets.get(facet) {
                Some(list) => constraints.push(Union::one(list)),
                None => return Vec::new(),
            }
        }
        for word in &q.words {
            let union = self.prefixed(word);
            if union.is_empty() {
                return Vec::new();
            }
            constraints.push(union);
        }
        constraints.sort_by_key(Union::len);
        match q.near {
            None => self.page_by_name(&constraints, q),
            Some(near) => self.page_by_distance(&constraints, near, q),
        }
    }

    fn page_by_name(&self, constraints: &[Union<'_>], q: &Query) -> Vec<Hit> {
        let start = match &q.after {
            Some(After::Name { key, id }) => self
                .keys
                .partition_point(|(k, i)| (k.as_str(), i.as_str()) <= (key.as_str(), id.as_str()))
                as u32,
            _ => 0,
        };
        let take = q.limit + 1;
        let to_hit = |pos| Hit {
            pos,
            distance_km: None,
        };
        match constraints.split_first() {
            None => (start..self.len() as u32).take(take).map(to_hit).collect(),
            Some((driver, others)) => driver
                .iter_from(start)
                .filter(|p| others.iter().all(|c| c.contains(*p)))
                .take(take)
                .map(to_hit)
                .collect(),
        }
    }

    fn distance(&self, pos: u32, here: (f64, f64)) -> f64 {
        self.points[pos as usize]
            .iter()
            .map(|p| distance_km(here, *p))
            .fold(f64::INFINITY, f64::min)
    }

    fn page_by_distance(&self, constraints: &[Union<'_>], near: Near, q: &Query) -> Vec<Hit> {
        let here = (near.lat, near.lon);
        let take = q.limit + 1;
        let key = |d: f64, pos: u32| (d, self.keys[pos as usize].1.as_str());
        let after_cursor = |d: f64, pos: u32| match &q.after {
            Some(After::Distance { km, id }) => key(d, pos) > (*km, id.as_str()),
            _ => true,
        };
        // The best `take` so far, sorted by (distance, id).
        let mut best: Vec<(f64, u32)> = Vec::with_capacity(take + 1);
        let offer = |best: &mut Vec<(f64, u32)>, d: f64, pos: u32| {
            if d > near.radius_km || !after_cursor(d, pos) {
                return;
            }
            if best.len() == take && key(d, pos) >= key(best[take - 1].0, best[take - 1].1) {
                return;
            }
            let at = best.partition_point(|(bd, bp)| key(*bd, *bp) < key(d, pos));
            best.insert(at, (d, pos));
            best.truncate(take);
        };
        match constraints.first() {
            // A small constraint: measure each of its listings.
            Some(driver) if driver.len() <= 512 => {
                for pos in driver.iter_from(0) {
                    if constraints[1..].iter().all(|c| c.contains(pos))
                        && !self.points[pos as usize].is_empty()
                    {
                        offer(&mut best, self.distance(pos, here), pos);
                    }
                }
            }
            // Otherwise walk grid cells nearest first.
            _ => {
                let cells: Vec<Cell> = match cells_within(here, near.radius_km) {
                    Some(cells) => cells
                        .into_iter()
                        .filter(|c| self.grid.contains_key(c))
                        .collect(),
                    None => self.grid.keys().copied().collect(),
                };
                let mut order: Vec<(f64, Cell)> = cells
                    .into_iter()
                    .map(|c| (cell_lower_bound_km(here, c), c))
                    .filter(|(lb, _)| *lb <= near.radius_km)
                    .collect();
                order.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut seen = std::collections::HashSet::new();
                for (lower_bound, cell) in order {
                    if best.len() == take && lower_bound > best[take - 1].0 {
                        break;
                    }
                    for &pos in &self.grid[&cell] {
                        if seen.insert(pos) && constraints.iter().all(|c| c.contains(pos)) {
                            offer(&mut best, self.distance(pos, here), pos);
                        }
                    }
                }
            }
        }
        best.into_iter()
            .map(|(d, pos)| Hit {
                pos,
                distance_km: Some(d),
            })
            .collect()
    }

    /// Listings with a word starting with `prefix`: the union of those
    /// words' lists, merged lazily unless there are many.
    fn prefixed(&self, prefix: &str) -> Union<'_> {
        let lists: Vec<&[u32]> = self
            .words
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(w, _)| w.starts_with(prefix))
            .map(|(_, list)| list.as_slice())
            .collect();
        Union::of(lists)
    }
}

/// A set of listings: the union of sorted posting lists.
struct Union<'a> {
    lists: Vec<Cow<'a, [u32]>>,
    len: usize,
}

/// Past this many lists a union is merged up front, so probing it stays
/// a single binary search.
const LAZY_LISTS: usize = 8;

impl<'a> Union<'a> {
    fn one(list: &'a [u32]) -> Self {
        Union {
            len: list.len(),
            lists: vec![Cow::Borrowed(list)],
        }
    }

    fn of(lists: Vec<&'a [u32]>) -> Self {
        if lists.len() <= LAZY_LISTS {
            return Union {
                len: lists.iter().map(|l| l.len()).sum(),
                lists: lists.into_iter().map(Cow::Borrowed).collect(),
            };
        }
        let mut all: Vec<u32> = lists.into_iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        Union {
            len: all.len(),
            lists: vec![Cow::Owned(all)],
        }
    }

    /// An upper bound on the members (exact for one list).
    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn contains(&self, pos: u32) -> bool {
        self.lists.iter().any(|l| l.binary_search(&pos).is_ok())
    }

    /// Members from `start` on, ascending, without duplicates.
    fn iter_from(&self, start: u32) -> impl Iterator<Item = u32> + '_ {
        let mut heads: Vec<(&[u32], usize)> = self
            .lists
            .iter()
            .map(|l| (l.as_ref(), l.partition_point(|&p| p < start)))
            .collect();
        let mut last: Option<u32> = None;
        std::iter::from_fn(move || loop {
            let (i, value) = heads
                .iter()
                .enumerate()
                .filter_map(|(i, (l, at))| l.get(*at).map(|v| (i, *v)))
                .min_by_key(|(_, v)| *v)?;
            heads[i].1 += 1;
            if last != Some(value) {
                last = Some(value);
                return Some(value);
            }
        })
    }
}

/// A lower bound of the distance from `p` to any point of `cell`, by the
/// triangle inequality: the distance to the cell's centre less the cell's
/// radius (centre to farthest corner) and 1 km for parallels not being
/// great circles. Looser than exact, and safe everywhere, poles included.
fn cell_lower_bound_km(p: (f64, f64), cell: Cell) -> f64 {
    let (lat0, lon0) = (f64::from(cell.0), f64::from(cell.1));
    let centre = (lat0 + 0.5, lon0 + 0.5);
    let radius = [
        (lat0, lon0),
        (lat0 + 1.0, lon0),
        (lat0, lon0 + 1.0),
        (lat0 + 1.0, lon0 + 1.0),
    ]
    .into_iter()
    .map(|corner| distance_km(centre, corner))
    .fold(0.0, f64::max);
    (distance_km(p, centre) - radius - 1.0).max(0.0)
}

fn push_once(list: &mut Vec<u32>, pos: u32) {
    if list.last() != Some(&pos) {
        list.push(pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let names = ["alpha", "bravo", "charlie", "delta"];
        let keys = names
            .iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect();
        let entries = names
            .iter()
            .enumerate()
            .map(|(i, n)| Entry {
                facets: vec![(Facet::Country, if i % 2 == 0 { "AA" } else { "BB" }.into())],
                text: vec![n.to_string()],
                points: vec![(0.0, i as f64)],
            })
            .collect();
        Index::build(keys, entries)
    }

    #[test]
    fn facets_and_words_intersect_in_name_order() {
        let idx = index();
        let q = Query {
            facets: vec![(Facet::Country, "AA".into())],
            limit: 10,
            ..Default::default()
        };
        let got: Vec<u32> = idx.search(&q).iter().map(|h| h.pos).collect();
        assert_eq!(got, [0, 2]);
        let q = Query {
            words: vec!["ch".into()],
            limit: 10,
            ..Default::default()
        };
        assert_eq!(idx.search(&q).len(), 1);
    }

    #[test]
    fn near_orders_by_distance_and_pages() {
        let idx = index();
        let mut q = Query {
            near: Some(Near {
                lat: 0.0,
                lon: 3.0,
                radius_km: 250.0,
            }),
            limit: 1,
            ..Default::default()
        };
        let first = idx.search(&q);
        assert_eq!(first[0].pos, 3);
        assert_eq!(
            first.len(),
            2,
            "one more than the limit tells a next page exists"
        );
        q.after = Some(After::Distance {
            km: first[0].distance_km.unwrap(),
            id: "delta".into(),
        });
        let second = idx.search(&q);
        assert_eq!(second[0].pos, 2);
        assert!(second[0].distance_km.unwrap() > 100.0);
    }

    #[test]
    fn cell_lower_bounds_never_exceed_a_true_distance() {
        let points = [
            (0.0, 0.0),
            (51.5, -0.1),
            (-33.9, 151.2),
            (64.1, -21.9),
            (10.0, 179.9),
            (-10.0, -179.9),
        ];
        for p in points {
            for lat in (-80..80).step_by(7) {
                for lon in (-180..180).step_by(11) {
                    let cell = (lat as i16, lon as i16);
                    let lb = cell_lower_bound_km(p, cell);
                    for (dy, dx) in [
                        (0.0, 0.0),
                        (1.0, 1.0),
                        (0.5, 0.5),
                        (0.0, 1.0),
                        (1.0, 0.0),
                        (0.5, 0.0),
                        (0.0, 0.5),
                    ] {
                        let q = (f64::from(lat) + dy * 0.999, f64::from(lon) + dx * 0.999);
                        assert!(lb <= distance_km(p, q), "{p:?} {cell:?} {q:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn nearest_first_walk_matches_brute_force() {
        // 600 listings on a spiral around Europe: more than the small-set path takes.
        let n = 600;
        let points: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let t = i as f64 * 0.37;
                (
                    48.0 + (t * 0.05).sin() * 8.0 + (i % 7) as f64 * 0.11,
                    8.0 + (t * 0.05).cos() * 12.0 - (i % 5) as f64 * 0.13,
                )
            })
            .collect();
        let keys: Vec<(String, String)> = (0..n)
            .map(|i| (format!("k{i:04}"), format!("id{i:04}")))
            .collect();
        let entries = points
            .iter()
            .map(|p| Entry {
                points: vec![*p],
                ..Default::default()
            })
            .collect();
        let idx = Index::build(keys, entries);
        let here = (50.1, 8.7);
        let mut brute: Vec<(f64, String)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (distance_km(here, *p), format!("id{i:04}")))
            .filter(|(d, _)| *d <= 900.0)
            .collect();
        brute.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut walked = Vec::new();
        let mut q = Query {
            near: Some(Near {
                lat: here.0,
                lon: here.1,
                radius_km: 900.0,
            }),
            limit: 25,
            ..Default::default()
        };
        loop {
            let hits = idx.search(&q);
            let page = &hits[..hits.len().min(25)];
            walked.extend(
                page.iter()
                    .map(|h| (h.distance_km.unwrap(), idx.key(h.pos).1.clone())),
            );
            if hits.len() <= 25 {
                break;
            }
            let last = page.last().unwrap();
            q.after = Some(After::Distance {
                km: last.distance_km.unwrap(),
                id: idx.key(last.pos).1.clone(),
            });
        }
        assert_eq!(walked, brute);
    }
}
