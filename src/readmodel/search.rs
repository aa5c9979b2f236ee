//! Answering a list query from an [`Index`]: facets and word prefixes
//! intersect as sorted label lists, `near` walks the grid nearest first.

use std::borrow::Cow;
use std::sync::Arc;

use crate::directory::geo::{cells_within, distance_km, Cell};
use crate::readmodel::index::{Facet, Index, Label, Located, SortKey};

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

/// One listing of a page.
pub struct Hit<'a, T> {
    pub item: &'a Arc<T>,
    pub key: &'a SortKey,
    pub distance_km: Option<f64>,
}

impl<T: Located> Index<T> {
    /// Up to `limit + 1` hits after the cursor, so the caller can tell
    /// whether a next page exists.
    ///
    /// Work grows with the page, not with the number of matches: posting
    /// lists are borrowed; the smallest constraint drives (a lazy merge
    /// when a word prefix matches several words) and the others are probed
    /// by binary search; a name-ordered page stops after `limit + 1`
    /// matches, and `near` visits grid cells nearest first and stops once
    /// no closer listing can remain.
    pub fn search(&self, q: &Query) -> Vec<Hit<'_, T>> {
        let mut constraints: Vec<Union<'_>> = Vec::new();
        for (facet, value) in &q.facets {
            match self.facets[*facet as usize].get(value.as_str()) {
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
        let labels: Vec<(Label, Option<f64>)> = match q.near {
            None => self.page_by_name(&constraints, q),
            Some(near) => self.page_by_distance(&constraints, near, q),
        };
        labels
            .into_iter()
            .map(|(label, distance_km)| {
                let doc = self.doc(label);
                Hit {
                    item: &doc.item,
                    key: &doc.key,
                    distance_km,
                }
            })
            .collect()
    }

    fn page_by_name(&self, constraints: &[Union<'_>], q: &Query) -> Vec<(Label, Option<f64>)> {
        let start = match &q.after {
            Some(After::Name { key, id }) => self.first_label_after(&SortKey::new(key, id)),
            _ => 0,
        };
        let take = q.limit.saturating_add(1);
        match constraints.split_first() {
            None => self
                .docs
                .range(start..)
                .take(take)
                .map(|(l, _)| (*l, None))
                .collect(),
            Some((driver, others)) => driver
                .iter_from(start)
                .filter(|l| others.iter().all(|c| c.contains(*l)))
                .take(take)
                .map(|l| (l, None))
                .collect(),
        }
    }

    fn distance(&self, label: Label, here: (f64, f64)) -> f64 {
        self.doc(label)
            .item
            .points()
            .map(|p| distance_km(here, p))
            .fold(f64::INFINITY, f64::min)
    }

    fn page_by_distance(
        &self,
        constraints: &[Union<'_>],
        near: Near,
        q: &Query,
    ) -> Vec<(Label, Option<f64>)> {
        let here = (near.lat, near.lon);
        let take = q.limit.saturating_add(1);
        // A page keeps its best `take` in order as it goes; asked for
        // everything (facet counts), it collects all and sorts once.
        let everything = take > 4096;
        let key = |d: f64, label: Label| (d, self.doc(label).key.id());
        let after_cursor = |d: f64, label: Label| match &q.after {
            Some(After::Distance { km, id }) => key(d, label) > (*km, id.as_str()),
            _ => true,
        };
        // The best `take` so far, sorted by (distance, id).
        let mut best: Vec<(f64, Label)> = Vec::with_capacity(take.min(4096) + 1);
        let offer = |best: &mut Vec<(f64, Label)>, d: f64, label: Label| {
            if d > near.radius_km || !after_cursor(d, label) {
                return;
            }
            if everything {
                best.push((d, label));
                return;
            }
            if best.len() == take && key(d, label) >= key(best[take - 1].0, best[take - 1].1) {
                return;
            }
            let at = best.partition_point(|(bd, bl)| key(*bd, *bl) < key(d, label));
            best.insert(at, (d, label));
            best.truncate(take);
        };
        match constraints.first() {
            // A small constraint: measure each of its listings.
            Some(driver) if driver.len() <= 512 => {
                for label in driver.iter_from(0) {
                    if constraints[1..].iter().all(|c| c.contains(label))
                        && self.doc(label).item.points().next().is_some()
                    {
                        offer(&mut best, self.distance(label, here), label);
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
                    for &label in self.grid[&cell].iter() {
                        if seen.insert(label) && constraints.iter().all(|c| c.contains(label)) {
                            offer(&mut best, self.distance(label, here), label);
                        }
                    }
                }
            }
        }
        if everything {
            best.sort_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then_with(|| key(a.0, a.1).1.cmp(key(b.0, b.1).1))
            });
            best.truncate(take);
        }
        best.into_iter().map(|(d, l)| (l, Some(d))).collect()
    }

    /// Listings with a word starting with `prefix`: the union of those
    /// words' lists, merged lazily unless there are many.
    fn prefixed(&self, prefix: &str) -> Union<'_> {
        let lists: Vec<&[Label]> = self
            .words
            .range::<_, str>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(w, _)| w.starts_with(prefix))
            .map(|(_, list)| &**list)
            .collect();
        Union::of(lists)
    }
}

struct Union<'a> {
    lists: Vec<Cow<'a, [Label]>>,
    len: usize,
}

const LAZY_LISTS: usize = 8;

impl<'a> Union<'a> {
    fn one(list: &'a [Label]) -> Self {
        Union {
            len: list.len(),
            lists: vec![Cow::Borrowed(list)],
        }
    }

    fn of(lists: Vec<&'a [Label]>) -> Self {
        if lists.len() <= LAZY_LISTS {
            return Union {
                len: lists.iter().map(|l| l.len()).sum(),
                lists: lists.into_iter().map(Cow::Borrowed).collect(),
            };
        }
        let mut all: Vec<Label> = lists.into_iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        Union {
            len: all.len(),
            lists: vec![Cow::Owned(all)],
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn contains(&self, label: Label) -> bool {
        self.lists.iter().any(|l| l.binary_search(&label).is_ok())
    }

    fn iter_from(&self, start: Label) -> impl Iterator<Item = Label> + '_ {
        let mut heads: Vec<(&[Label], usize)> = self
            .lists
            .iter()
            .map(|l| (l.as_ref(), l.partition_point(|&p| p < start)))
            .collect();
        let mut last: Option<Label> = None;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readmodel::index::Terms;

    fn key(n: &str) -> SortKey {
        SortKey::new(n, n)
    }

    /// A listing named by its id, at its points.
    #[derive(Debug, PartialEq)]
    struct Item {
        id: String,
        points: Vec<(f64, f64)>,
    }

    impl Located for Item {
        fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
            self.points.iter().copied()
        }
    }

    fn item(id: &str, terms: &Terms) -> Arc<Item> {
        Arc::new(Item {
            id: id.to_owned(),
            points: terms.points.clone(),
        })
    }

    fn index() -> Index<Item> {
        let names = ["alpha", "bravo", "charlie", "delta"];
        let items = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let terms = Terms {
                    facets: vec![(Facet::Country, if i % 2 == 0 { "AA" } else { "BB" }.into())],
                    text: vec![n.to_string()],
                    points: vec![(0.0, i as f64)],
                };
                (item(n, &terms), key(n), terms)
            })
            .collect();
        build(items)
    }

    /// An index of the listings given, with the terms given.
    fn build(items: Vec<(Arc<Item>, SortKey, Terms)>) -> Index<Item> {
        let mut terms = std::collections::HashMap::new();
        let items = items
            .into_iter()
            .map(|(item, key, t)| {
                terms.insert(item.id.clone(), t);
                (item, key)
            })
            .collect();
        Index::build(items, |item: &Item| terms[&item.id].clone())
    }

    fn ids<T>(hits: &[Hit<'_, T>]) -> Vec<String> {
        hits.iter().map(|h| h.key.id().to_owned()).collect()
    }

    #[test]
    fn facets_and_words_intersect_in_name_order() {
        let idx = index();
        let q = Query {
            facets: vec![(Facet::Country, "AA".into())],
            limit: 10,
            ..Default::default()
        };
        assert_eq!(ids(&idx.search(&q)), ["alpha", "charlie"]);
        let q = Query {
            words: vec!["ch".into()],
            limit: 10,
            ..Default::default()
        };
        assert_eq!(ids(&idx.search(&q)), ["charlie"]);
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
        assert_eq!(ids(&first), ["delta", "charlie"], "one more than the limit");
        q.after = Some(After::Distance {
            km: first[0].distance_km.unwrap(),
            id: "delta".into(),
        });
        let second = idx.search(&q);
        assert_eq!(second[0].key.id(), "charlie");
        assert!(second[0].distance_km.unwrap() > 100.0);
    }

    #[test]
    fn inserts_between_neighbours_and_removals_keep_the_order() {
        let mut idx = index();
        let terms = |c: &str| Terms {
            facets: vec![(Facet::Country, c.into())],
            text: vec!["zulu".into()],
            points: vec![],
        };
        // More inserts between two neighbours than the gap allows halvings:
        // the index re-spaces its labels and stays ordered.
        for i in 0..40 {
            let n = format!("alpha{:02}", 39 - i);
            idx.insert(item(&n, &terms("AA")), key(&n), terms("AA"));
        }
        let q = Query {
            facets: vec![(Facet::Country, "AA".into())],
            limit: 100,
            ..Default::default()
        };
        let got = ids(&idx.search(&q));
        let mut want: Vec<String> = (0..40).map(|i| format!("alpha{i:02}")).collect();
        want.insert(0, "alpha".into());
        want.push("charlie".into());
        assert_eq!(got, want);
        assert_eq!(
            idx.remove("alpha07", &terms("AA")).map(|i| i.id.clone()),
            Some("alpha07".to_owned())
        );
        assert!(idx.get("alpha07").is_none());
        assert_eq!(idx.search(&q).len(), 41);
        let zulu = Query {
            words: vec!["zu".into()],
            limit: 100,
            ..Default::default()
        };
        assert_eq!(idx.search(&zulu).len(), 39);
        // The incrementally built index equals one built at once.
        let fresh = build(
            idx.iter()
                .map(|d| {
                    let n = d.item.id.as_str();
                    let t = if n.starts_with("alpha") && n != "alpha" {
                        terms("AA")
                    } else {
                        let i = ["alpha", "bravo", "charlie", "delta"]
                            .iter()
                            .position(|x| *x == n)
                            .unwrap();
                        Terms {
                            facets: vec![(
                                Facet::Country,
                                if i % 2 == 0 { "AA" } else { "BB" }.into(),
                            )],
                            text: vec![n.to_string()],
                            points: vec![(0.0, i as f64)],
                        }
                    };
                    (d.item.clone(), key(n), t)
                })
                .collect(),
        );
        assert_eq!(fresh.postings_by_id(), idx.postings_by_id());
    }

    /// A page after a cursor starts at the first listing past it, found
    /// by halving label numbers (there is no map by key): checked against
    /// the sorted keys for cursors on, between, before and after them,
    /// after inserts that took labels between neighbours.
    #[test]
    fn cursors_find_the_first_listing_after_them() {
        let terms = Terms::default();
        let names: Vec<String> = (0..60).map(|i| format!("k{:03}", i * 2)).collect();
        let mut idx = build(
            names
                .iter()
                .map(|n| (item(n, &terms), key(n), terms.clone()))
                .collect(),
        );
        let mut all: Vec<SortKey> = names.iter().map(|n| key(n)).collect();
        for n in ["k001", "k051", "k0511", "k119", "a", "z"] {
            idx.insert(item(n, &terms), key(n), terms.clone());
            all.push(key(n));
        }
        // Two listings with one name, told apart by id.
        let twin = SortKey::new("k050", "k050-b");
        idx.insert(item("k050-b", &terms), twin.clone(), terms.clone());
        all.push(twin);
        all.sort();
        let mut probes = all.clone();
        for n in ["", "k0505", "k05", "k999", "zz", "k050"] {
            probes.push(SortKey::new(n, ""));
            probes.push(SortKey::new(n, "~"));
        }
        for probe in probes {
            let want = all.iter().find(|k| **k > probe).map(|k| k.id().to_owned());
            let got = idx
                .iter_after(Some(&probe))
                .next()
                .map(|d| d.key.id().to_owned());
            assert_eq!(got, want, "after {probe:?}");
        }
        let order: Vec<&str> = idx.iter().map(|d| d.key.id()).collect();
        let want: Vec<&str> = all.iter().map(|k| k.id()).collect();
        assert_eq!(order, want);
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
        let items = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let id = format!("id{i:04}");
                let key = SortKey::new(&format!("k{i:04}"), &id);
                let terms = Terms {
                    points: vec![*p],
                    ..Default::default()
                };
                (item(&id, &terms), key, terms)
            })
            .collect();
        let idx = build(items);
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
                    .map(|h| (h.distance_km.unwrap(), h.key.id().to_owned())),
            );
            if hits.len() <= 25 {
                break;
            }
            let last = page.last().unwrap();
            q.after = Some(After::Distance {
                km: last.distance_km.unwrap(),
                id: last.key.id().to_owned(),
            });
        }
        assert_eq!(walked, brute);
    }
}
