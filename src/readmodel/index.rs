//! An in-memory inverted index over one kind of listing (centres or
//! clinicians), answering the public list filters without scanning every
//! listing: exact facets (country, region, ...), word prefixes for `q`, and
//! a one-degree grid for `near` (the searches are in `search.rs`).
//!
//! Why labels: every listing carries a `Label`, a number whose order is the
//! public sort order (folded name, then id). Posting lists hold labels, so
//! they are sorted, intersections are merges of integers, and a filtered
//! list comes out already in order. Labels are spaced apart, so a new
//! listing takes a free label between its neighbours and nothing else is
//! renumbered: adding, changing or removing a listing touches only its own
//! posting lists. When neighbours leave no room, every label is spaced
//! out again (a remap of the posting lists, rare).
//!
//! Why persistent maps (`imbl`): a snapshot is shared by readers while a
//! write prepares the next one. Cloning an index shares all of it; a change
//! copies only the map nodes and posting lists it touches, so a write costs
//! what it changes, not what the directory holds.

use std::cmp::Ordering;
use std::sync::Arc;

use imbl::{HashMap, OrdMap};
use triomphe::ThinArc;

use crate::directory::geo::{cell_of, Cell};

/// A listing's place in the public order (see the module comment).
pub type Label = u64;

/// Room left between neighbouring labels when labels are (re)assigned and
/// after the last listing: 2^32 leaves 32 halvings for listings inserted
/// between the same two neighbours.
const GAP: Label = 1 << 32;

/// The public order: folded name, then id.
///
/// Both strings sit in one allocation behind a thin pointer, shared by
/// the index's maps: a directory holds one per listing, and three
/// allocations each (the key, its name, its id) were a tenth of the read
/// model's memory at 500,000 listings.
#[derive(Clone)]
pub struct SortKey(ThinArc<u32, u8>);

impl SortKey {
    pub fn new(name: &str, id: &str) -> Self {
        let split = u32::try_from(name.len()).expect("a name under 4 GiB");
        let mut text = Vec::with_capacity(name.len() + id.len());
        text.extend_from_slice(name.as_bytes());
        text.extend_from_slice(id.as_bytes());
        SortKey(ThinArc::from_header_and_slice(split, &text))
    }

    /// The name and id as bytes (cut where `new` joined them).
    fn parts(&self) -> (&[u8], &[u8]) {
        self.0.slice.split_at(self.0.header.header as usize)
    }

    /// The folded name.
    pub fn name(&self) -> &str {
        text(self.parts().0)
    }

    pub fn id(&self) -> &str {
        text(self.parts().1)
    }
}

/// Bytes `SortKey::new` copied from a `&str` and cut at a boundary of it.
fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("a sort key holds the text it was made of")
}

impl PartialEq for SortKey {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for SortKey {}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By name, then id: as `(String, String)` orders, since `str` orders by
/// its bytes.
impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

impl std::hash::Hash for SortKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl std::fmt::Debug for SortKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SortKey")
            .field(&self.name())
            .field(&self.id())
            .finish()
    }
}

/// Where a listing is, for `near`: read from the listing itself rather
/// than copied into the index.
pub trait Located {
    fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_;
}

/// A facet a list can be filtered on exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// Verification status (`unverified`, `verified`, `needs_review`).
    Verification,
    /// `PROFILE=OUTCOME`: the listing's outcome for each profile.
    Outcome,
}

const FACETS: usize = 10;

/// What one listing contributes to the index. The read model computes it
/// from the listing alone, so removing a listing recomputes exactly what
/// adding it put in.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Terms {
    pub facets: Vec<(Facet, String)>,
    pub text: Vec<String>,
    pub points: Vec<(f64, f64)>,
}

/// The labels of the listings with one term, sorted: one allocation
/// (most words are in one listing's name only). A change makes a new
/// list, as a snapshot shares its lists with the previous one anyway.
pub(super) type Postings = Arc<[Label]>;

/// A listing's id, as the key of the id map: the sort key's own string,
/// shared rather than copied.
#[derive(Clone)]
struct IdKey(SortKey);

impl std::borrow::Borrow<str> for IdKey {
    fn borrow(&self) -> &str {
        self.0.id()
    }
}

impl PartialEq for IdKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.parts().1 == other.0.parts().1
    }
}

impl Eq for IdKey {}

impl PartialOrd for IdKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By id alone, as `str` orders (so lookups by `&str` find it).
impl Ord for IdKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.parts().1.cmp(other.0.parts().1)
    }
}

/// One indexed listing.
pub struct Doc<T> {
    pub item: Arc<T>,
    pub key: SortKey,
}

impl<T> Clone for Doc<T> {
    fn clone(&self) -> Self {
        Doc {
            item: self.item.clone(),
            key: self.key.clone(),
        }
    }
}

pub struct Index<T> {
    pub(super) docs: OrdMap<Label, Doc<T>>,
    /// By id: an ordered map, because its nodes are dense (a hash trie's
    /// are mostly empty at this size, three times the memory).
    ids: OrdMap<IdKey, Label>,
    pub(super) facets: [HashMap<Arc<str>, Postings>; FACETS],
    pub(super) words: OrdMap<Arc<str>, Postings>,
    pub(super) grid: HashMap<Cell, Postings>,
}

impl<T> Clone for Index<T> {
    fn clone(&self) -> Self {
        Index {
            docs: self.docs.clone(),
            ids: self.ids.clone(),
            facets: self.facets.clone(),
            words: self.words.clone(),
            grid: self.grid.clone(),
        }
    }
}

impl<T> Default for Index<T> {
    fn default() -> Self {
        Index {
            docs: OrdMap::new(),
            ids: OrdMap::new(),
            facets: Default::default(),
            words: OrdMap::new(),
            grid: HashMap::new(),
        }
    }
}

impl<T: Located> Index<T> {
    /// Indexes `items` (any order; ids must be unique) under the terms
    /// `terms_of` gives, computed one listing at a time so that a full
    /// load never holds every listing's terms at once.
    ///
    /// Labels are given in order, so every posting list fills by
    /// appending; the lists are gathered in vectors and each stored as
    /// one allocation of its final size.
    pub fn build(mut items: Vec<(Arc<T>, SortKey)>, terms_of: impl Fn(&T) -> Terms) -> Self {
        items.sort_by(|a, b| a.1.cmp(&b.1));
        let mut facets: [std::collections::HashMap<Arc<str>, Gathering>; FACETS] =
            Default::default();
        let mut words = std::collections::HashMap::new();
        let mut grid: std::collections::HashMap<Cell, Gathering> = Default::default();
        let mut index = Index::default();
        let mut placed = Vec::with_capacity(items.len());
        for (i, (item, key)) in items.into_iter().enumerate() {
            let label = (i as Label + 1) * GAP;
            let terms = terms_of(&item);
            for (facet, value) in terms.facets {
                gather(&mut facets[facet as usize], value, label);
            }
            for word in terms.text {
                gather(&mut words, word, label);
            }
            for p in terms.points {
                match grid.get_mut(&cell_of(p)) {
                    Some(list) => list.add(label),
                    None => {
                        grid.insert(cell_of(p), Gathering::One(label));
                    }
                }
            }
            placed.push((label, item, key));
        }
        // The maps' nodes split in half when full, so listings inserted in
        // order leave every node half empty. Inserted spread out (a
        // golden-ratio stride through the listings: every position, none
        // twice) they fill about two thirds, as random inserts would.
        let n = placed.len();
        let mut stride = (n as f64 * 0.618_033_988_75) as usize | 1;
        while n > 0 && gcd(stride, n) != 1 {
            stride += 2;
        }
        for j in 0..n {
            let (label, item, key) = &placed[j * stride % n];
            index.ids.insert(IdKey(key.clone()), *label);
            index.docs.insert(
                *label,
                Doc {
                    item: item.clone(),
                    key: key.clone(),
                },
            );
        }
        drop(placed);
        for (map, lists) in index.facets.iter_mut().zip(facets) {
            *map = lists.into_iter().map(|(v, l)| (v, l.finish())).collect();
        }
        index.words = words.into_iter().map(|(w, l)| (w, l.finish())).collect();
        index.grid = grid.into_iter().map(|(c, l)| (c, l.finish())).collect();
        index
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Arc<T>> {
        let label = self.ids.get(id)?;
        self.docs.get(label).map(|d| &d.item)
    }

    /// Every listing in the public order.
    pub fn iter(&self) -> impl Iterator<Item = &Doc<T>> + '_ {
        self.docs.values()
    }

    /// The listings after `after` in the public order (all without it).
    pub fn iter_after<'a>(
        &'a self,
        after: Option<&SortKey>,
    ) -> impl Iterator<Item = &'a Doc<T>> + 'a {
        let start = match after {
            Some(key) => self.first_label_after(key),
            None => 0,
        };
        self.docs.range(start..).map(|(_, d)| d)
    }

    /// The smallest label whose key comes after `key` (`Label::MAX` when
    /// none does).
    pub(super) fn first_label_after(&self, key: &SortKey) -> Label {
        self.first_label_where(|k| k > key).unwrap_or(Label::MAX)
    }

    /// The smallest label whose key passes `past`, a test that fails for
    /// the first listings in the public order and holds for the rest.
    ///
    /// Why no map by key: labels follow the public order, so the listings
    /// by label are also by key. A second map, by key, took 20 MiB at
    /// 600,000 listings; instead this halves the range of label numbers,
    /// one lookup a step (about 50 at that size, microseconds).
    fn first_label_where(&self, past: impl Fn(&SortKey) -> bool) -> Option<Label> {
        let first_from = |x: Label| self.docs.range(x..).next();
        let passes = |x: Label| first_from(x).is_none_or(|(_, d)| past(&d.key));
        let lowest = *self.docs.keys().next()?;
        if passes(lowest) {
            return Some(lowest);
        }
        let highest = *self.docs.keys().next_back()?;
        // passes(lo) fails and passes(hi) holds throughout.
        let (mut lo, mut hi) = (lowest, highest.saturating_add(1));
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if passes(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        first_from(hi).map(|(l, _)| *l)
    }

    pub(super) fn doc(&self, label: Label) -> &Doc<T> {
        &self.docs[&label]
    }

    /// Adds a listing whose id is not indexed yet.
    pub fn insert(&mut self, item: Arc<T>, key: SortKey, terms: Terms) {
        debug_assert!(!self.ids.contains_key(key.id()));
        let label = match self.free_label(&key) {
            Some(label) => label,
            None => {
                self.respace();
                self.free_label(&key).expect("respaced labels leave room")
            }
        };
        self.place(label, item, key, terms);
    }

    /// Removes the listing `id`; `terms` must be what it was indexed with.
    pub fn remove(&mut self, id: &str, terms: &Terms) -> Option<Arc<T>> {
        let label = self.ids.remove(id)?;
        let doc = self.docs.remove(&label)?;
        self.unpost_all(label, terms);
        Some(doc.item)
    }

    /// Puts `item` in place of listing `id` (indexed with `old`, or not
    /// indexed). When its sort key is unchanged it keeps its label and only
    /// the posting lists of terms it gained or lost change: a note on a
    /// centre rewrites its clinicians' entries, not every list they are in
    /// (the long ones, such as a verification status, hold most listings).
    pub fn update(&mut self, id: &str, old: &Terms, item: Arc<T>, key: SortKey, terms: Terms) {
        let Some(&label) = self.ids.get(id) else {
            return self.insert(item, key, terms);
        };
        if self.docs[&label].key != key {
            self.remove(id, old);
            return self.insert(item, key, terms);
        }
        let lost = |a: &Terms, b: &Terms| Terms {
            facets: a
                .facets
                .iter()
                .filter(|f| !b.facets.contains(f))
                .cloned()
                .collect(),
            text: a
                .text
                .iter()
                .filter(|w| !b.text.contains(w))
                .cloned()
                .collect(),
            points: a
                .points
                .iter()
                .filter(|p| !b.points.iter().any(|q| cell_of(*q) == cell_of(**p)))
                .copied()
                .collect(),
        };
        let (gone, new) = (lost(old, &terms), lost(&terms, old));
        self.unpost_all(label, &gone);
        self.post_all(label, new);
        self.docs.insert(label, Doc { item, key });
    }

    fn post_all(&mut self, label: Label, terms: Terms) {
        for (facet, value) in terms.facets {
            post(&mut self.facets[facet as usize], value, label);
        }
        for word in terms.text {
            let list = self.words.entry(Arc::from(word)).or_insert_with(empty);
            *list = with(list, label);
        }
        for p in &terms.points {
            let list = self.grid.entry(cell_of(*p)).or_insert_with(empty);
            *list = with(list, label);
        }
    }

    fn unpost_all(&mut self, label: Label, terms: &Terms) {
        for (facet, value) in &terms.facets {
            unpost(&mut self.facets[*facet as usize], value.as_str(), label);
        }
        for word in &terms.text {
            unpost_ord(&mut self.words, word.as_str(), label);
        }
        for p in &terms.points {
            let cell = cell_of(*p);
            if let Some(list) = self.grid.get_mut(&cell) {
                *list = without(list, label);
                if list.is_empty() {
                    self.grid.remove(&cell);
                }
            }
        }
    }

    fn place(&mut self, label: Label, item: Arc<T>, key: SortKey, terms: Terms) {
        self.post_all(label, terms);
        self.ids.insert(IdKey(key.clone()), label);
        self.docs.insert(label, Doc { item, key });
    }

    /// A label between the neighbours of `key`, or `None` when they are
    /// adjacent numbers.
    fn free_label(&self, key: &SortKey) -> Option<Label> {
        let above = self.first_label_where(|k| k >= key);
        let below = match above {
            Some(above) => self.docs.range(..above).next_back(),
            None => self.docs.iter().next_back(),
        }
        .map(|(l, _)| *l);
        let lo = below.unwrap_or(0);
        match above {
            None => lo.checked_add(GAP).or_else(|| mid(lo, Label::MAX)),
            Some(hi) => mid(lo, hi),
        }
    }

    /// Spaces every label `GAP` apart again, keeping the order: a monotone
    /// renumbering, so every posting list stays sorted.
    fn respace(&mut self) {
        log::info!("re-spacing the labels of {} listings", self.docs.len());
        let renumber: std::collections::HashMap<Label, Label> = self
            .docs
            .keys()
            .enumerate()
            .map(|(i, old)| (*old, (i as Label + 1) * GAP))
            .collect();
        let map = |list: &Postings| -> Postings { list.iter().map(|l| renumber[l]).collect() };
        for facet in &mut self.facets {
            *facet = facet.iter().map(|(k, v)| (k.clone(), map(v))).collect();
        }
        self.words = self
            .words
            .iter()
            .map(|(k, v)| (k.clone(), map(v)))
            .collect();
        self.grid = self.grid.iter().map(|(k, v)| (*k, map(v))).collect();
        self.docs = self
            .docs
            .iter()
            .map(|(l, d)| (renumber[l], d.clone()))
            .collect();
        self.ids = self
            .ids
            .iter()
            .map(|(k, l)| (k.clone(), renumber[l]))
            .collect();
    }

    /// Every value of `facet` with the number of listings that have it.
    pub fn facet_counts(&self, facet: Facet) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.facets[facet as usize]
            .iter()
            .map(|(value, list)| (&**value, list.len()))
    }

    /// How many listings have `value` for `facet`.
    pub fn facet_count(&self, facet: Facet, value: &str) -> usize {
        self.facets[facet as usize]
            .get(value)
            .map_or(0, |l| l.len())
    }

    /// Every value of `facet`, with the first listing (in the public
    /// order) that has it.
    pub fn facet_values(&self, facet: Facet) -> impl Iterator<Item = (&str, &Doc<T>)> + '_ {
        self.facets[facet as usize]
            .iter()
            .filter_map(|(value, list)| Some((&**value, self.docs.get(list.first()?)?)))
    }

    /// Every posting list as listing ids, for tests comparing two indexes
    /// that number their listings differently.
    #[cfg(test)]
    pub fn postings_by_id(&self) -> Vec<(String, Vec<String>)> {
        let ids = |list: &Postings| -> Vec<String> {
            list.iter()
                .map(|l| self.docs[l].key.id().to_owned())
                .collect()
        };
        let mut out = Vec::new();
        for (i, facet) in self.facets.iter().enumerate() {
            for (value, list) in facet.iter() {
                out.push((format!("facet {i} {value}"), ids(list)));
            }
        }
        for (word, list) in self.words.iter() {
            out.push((format!("word {word}"), ids(list)));
        }
        for (cell, list) in self.grid.iter() {
            out.push((format!("cell {cell:?}"), ids(list)));
        }
        out.sort();
        out
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn mid(lo: Label, hi: Label) -> Option<Label> {
    (hi - lo >= 2).then(|| lo + (hi - lo) / 2)
}

fn post(map: &mut HashMap<Arc<str>, Postings>, value: String, label: Label) {
    let list = map.entry(Arc::from(value)).or_insert_with(empty);
    *list = with(list, label);
}

fn unpost(map: &mut HashMap<Arc<str>, Postings>, value: &str, label: Label) {
    if let Some(list) = map.get_mut(value) {
        *list = without(list, label);
        if list.is_empty() {
            map.remove(value);
        }
    }
}

fn unpost_ord(map: &mut OrdMap<Arc<str>, Postings>, value: &str, label: Label) {
    if let Some(list) = map.get_mut(value) {
        *list = without(list, label);
        if list.is_empty() {
            map.remove(value);
        }
    }
}

/// A posting list while an index is built, filled in label order. Most
/// words are in one listing's name: one label is kept without a vector.
enum Gathering {
    One(Label),
    Many(Vec<Label>),
}

impl Gathering {
    /// Adds `label`, the largest so far; a label already last stays once
    /// (a listing with the same word twice, or two points in one cell).
    fn add(&mut self, label: Label) {
        match self {
            Gathering::One(first) if *first != label => {
                *self = Gathering::Many(vec![*first, label]);
            }
            Gathering::One(_) => {}
            Gathering::Many(list) => {
                if list.last() != Some(&label) {
                    list.push(label);
                }
            }
        }
    }

    fn finish(self) -> Postings {
        match self {
            Gathering::One(label) => Arc::new([label]),
            Gathering::Many(list) => list.into(),
        }
    }
}

fn gather(map: &mut std::collections::HashMap<Arc<str>, Gathering>, value: String, label: Label) {
    match map.get_mut(value.as_str()) {
        Some(list) => list.add(label),
        None => {
            map.insert(Arc::from(value), Gathering::One(label));
        }
    }
}

fn empty() -> Postings {
    Arc::new([])
}

/// `list` with `label` (once).
fn with(list: &Postings, label: Label) -> Postings {
    match list.binary_search(&label) {
        Ok(_) => list.clone(),
        Err(at) => list[..at]
            .iter()
            .chain(std::iter::once(&label))
            .chain(&list[at..])
            .copied()
            .collect(),
    }
}

/// `list` without `label`.
fn without(list: &Postings, label: Label) -> Postings {
    match list.binary_search(&label) {
        Ok(at) => list[..at].iter().chain(&list[at + 1..]).copied().collect(),
        Err(_) => list.clone(),
    }
}
