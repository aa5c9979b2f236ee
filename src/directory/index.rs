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
    /// Posting lists are borrowed, not copied; the smallest one drives and
    /// the others are probed by binary search, so a name-ordered page stops
    /// after `limit + 1` matches however many listings match in all.
    pub fn search(&self, q: &Query) -> Vec<Hit> {
        let mut lists: Vec<Cow<'_, [u32]>> = Vec::new();
        for facet in &q.facets {
            match self.facets.get(facet) {
                Some(list) => lists.push(Cow::Borrowed(list)),
                None => return Vec::new(),
            }
        }
        for word in &q.words {
            lists.push(self.prefixed(word));
        }
        if let Some(near) = q.near {
            lists.push(match cells_within((near.lat, near.lon), near.radius_km) {
                Some(cells) => {
                    let mut v: Vec<u32> = cells
                        .iter()
                        .filter_map(|c| self.grid.get(c))
                        .flatten()
                        .copied()
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    Cow::Owned(v)
                }
                None => Cow::Borrowed(&self.located),
            });
        }
        lists.sort_by_key(|l| l.len());
        match q.near {
            None => self.page_by_name(&lists, q),
            Some(near) => self.page_by_distance(&lists, near, q),
        }
    }

    fn page_by_name(&self, lists: &[Cow<'_, [u32]>], q: &Query) -> Vec<Hit> {
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
        match lists.split_first() {
            None => (start..self.len() as u32).take(take).map(to_hit).collect(),
            Some((driver, others)) => {
                let from = driver.partition_point(|&p| p < start);
                driver[from..]
                    .iter()
                    .copied()
                    .filter(|p| in_all(others, *p))
                    .take(take)
                    .map(to_hit)
                    .collect()
            }
        }
    }

    fn page_by_distance(&self, lists: &[Cow<'_, [u32]>], near: Near, q: &Query) -> Vec<Hit> {
        let here = (near.lat, near.lon);
        let measure = |pos: u32| {
            self.points[pos as usize]
                .iter()
                .map(|p| distance_km(here, *p))
                .fold(f64::INFINITY, f64::min)
        };
        // The near list is always among `lists`, so the driver only holds
        // listings with coordinates.
        let (driver, others) = lists.split_first().expect("near adds a list");
        let mut hits: Vec<(f64, u32)> = driver
            .iter()
            .copied()
            .filter(|p| in_all(others, *p))
            .map(|pos| (measure(pos), pos))
            .filter(|(d, _)| *d <= near.radius_km)
            .filter(|(d, pos)| match &q.after {
                Some(After::Distance { km, id }) => {
                    (*d, self.keys[*pos as usize].1.as_str()) > (*km, id.as_str())
                }
                _ => true,
            })
            .collect();
        let order = |a: &(f64, u32), b: &(f64, u32)| {
            a.0.total_cmp(&b.0)
                .then_with(|| self.keys[a.1 as usize].1.cmp(&self.keys[b.1 as usize].1))
        };
        let take = q.limit + 1;
        if hits.len() > take {
            hits.select_nth_unstable_by(take - 1, order);
            hits.truncate(take);
        }
        hits.sort_unstable_by(order);
        hits.into_iter()
            .map(|(d, pos)| Hit {
                pos,
                distance_km: Some(d),
            })
            .collect()
    }

    /// Listings with a word starting with `prefix`, sorted; borrowed when
    /// one word matches.
    fn prefixed(&self, prefix: &str) -> Cow<'_, [u32]> {
        let mut matching = self
            .words
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(w, _)| w.starts_with(prefix))
            .map(|(_, list)| list.as_slice());
        let Some(first) = matching.next() else {
            return Cow::Borrowed(&[]);
        };
        let Some(second) = matching.next() else {
            return Cow::Borrowed(first);
        };
        let mut out: Vec<u32> = first
            .iter()
            .chain(second)
            .chain(matching.flatten())
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        Cow::Owned(out)
    }
}

/// Whether every (sorted) list holds `pos`.
fn in_all(lists: &[Cow<'_, [u32]>], pos: u32) -> bool {
    lists.iter().all(|l| l.binary_search(&pos).is_ok())
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
}
