//! A listing's JSON as the read model keeps it: its own text, with the
//! parts many listings have word for word (a clinician's affiliation with
//! a centre, the same sources, verification and notes) kept once and
//! shared.
//!
//! Why: the serialised listings are most of the read model's memory, and
//! much of their text repeats (every clinician of a team page shows the
//! same centre, with the same source). Sharing the repeated parts keeps
//! "serialise once" (a list page still only copies bytes) at a fraction of
//! the memory.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// JSON text made of its own bytes and shared pieces inserted into them.
#[derive(Clone, Debug)]
pub struct SharedJson {
    own: Box<str>,
    /// Pieces and where in `own` each goes, in order.
    shared: Box<[(u32, Arc<str>)]>,
}

impl SharedJson {
    /// Appends the whole text to `out`.
    pub fn write_to(&self, out: &mut String) {
        let mut at = 0;
        for (pos, piece) in self.shared.iter() {
            out.push_str(&self.own[at..*pos as usize]);
            out.push_str(piece);
            at = *pos as usize;
        }
        out.push_str(&self.own[at..]);
    }

    /// The values of the leading members `keys` when they are strings in
    /// the listing's own text, as in `{"id":"..","name":".."...`.
    pub fn leading_strings<const N: usize>(&self, keys: [&str; N]) -> Option<[String; N]> {
        let mut rest = &*self.own;
        let mut separator = "{";
        let mut values: [String; N] = std::array::from_fn(|_| String::new());
        for (key, value) in keys.iter().zip(values.iter_mut()) {
            rest = rest
                .strip_prefix(separator)?
                .strip_prefix('"')?
                .strip_prefix(key)?
                .strip_prefix("\":")?;
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            *value = stream.next()?.ok()?;
            rest = &rest[stream.byte_offset()..];
            separator = ",";
        }
        let read = self.own.len() - rest.len();
        let before_shared = self
            .shared
            .first()
            .is_none_or(|(at, _)| *at as usize >= read);
        before_shared.then_some(values)
    }

    pub fn len(&self) -> usize {
        self.own.len() + self.shared.iter().map(|(_, p)| p.len()).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Display for SharedJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::with_capacity(self.len());
        self.write_to(&mut out);
        f.write_str(&out)
    }
}

/// Builds a [`SharedJson`] from text written in order.
#[derive(Default)]
pub struct Builder {
    own: String,
    shared: Vec<(u32, Arc<str>)>,
}

impl Builder {
    /// Text of this listing alone.
    pub fn own(&mut self, text: &str) -> &mut Self {
        self.own.push_str(text);
        self
    }

    /// Text other listings may have too: kept once for all of them.
    pub fn shared(&mut self, text: &str) -> &mut Self {
        let at = u32::try_from(self.own.len()).expect("a listing's JSON is under 4 GiB");
        self.shared.push((at, intern(text)));
        self
    }

    pub fn finish(self) -> SharedJson {
        SharedJson {
            own: self.own.into_boxed_str(),
            shared: self.shared.into_boxed_slice(),
        }
    }
}

/// `open`, a JSON object as serde_json writes it (compact) without its
/// closing brace, with the members named in `groups` shared (neighbouring
/// members of one group as one piece) and each element of the arrays
/// named in `split` shared on its own.
pub fn share_members(open: &str, groups: &[&[&str]], split: &[&str]) -> SharedJson {
    let mut out = Builder::default();
    let mut run: Option<(usize, usize)> = None; // (group, start of its text)
    let members = top_level(open, 1, b'{');
    for (i, (start, end)) in members.iter().copied().enumerate() {
        let text = &open[start..end];
        let key = key_of(text);
        let group = groups.iter().position(|g| g.contains(&key));
        if let Some((g, from)) = run {
            if group != Some(g) {
                out.shared(&open[from..start]);
                run = None;
            }
        }
        match group {
            Some(g) if run.is_none() => run = Some((g, start)),
            Some(_) => {}
            None if split.contains(&key) => match text.find(":[") {
                Some(k) => {
                    // Each element on its own, the brackets and commas own.
                    let array = start + k + 1;
                    let mut at = start;
                    for (s, e) in top_level(&open[array..end], 1, b'[') {
                        let (s, e) = (array + s + 1, array + e);
                        if s < e {
                            out.own(&open[at..s]).shared(&open[s..e]);
                            at = e;
                        }
                    }
                    out.own(&open[at..end]);
                }
                None => {
                    out.own(text);
                }
            },
            None => {
                out.own(text);
            }
        }
        if i + 1 == members.len() {
            if let Some((_, from)) = run.take() {
                out.shared(&open[from..end]);
            }
        }
    }
    out.finish()
}

/// Spans of the members (or elements) of the object or array (`kind`) that
/// `text` opens, `depth` 1 being its own level: each span starts at its
/// separator (the opening `{` or `[`, or a `,`) and ends before the next
/// separator or the closing bracket.
fn top_level(text: &str, depth: usize, kind: u8) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut level, mut in_string, mut escaped) = (0usize, false, false);
    let mut spans = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                level += 1;
                if level == depth && b == kind && start.is_none() {
                    start = Some(i);
                }
            }
            b'}' | b']' => {
                if level == depth {
                    if let Some(s) = start.take() {
                        spans.push((s, i));
                    }
                }
                level -= 1;
            }
            b',' if level == depth => {
                if let Some(s) = start.replace(i) {
                    spans.push((s, i));
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, bytes.len()));
    }
    spans
}

/// The key of a member span (`,"key":value`).
fn key_of(member: &str) -> &str {
    let rest = member[1..].strip_prefix('"').unwrap_or_default();
    rest.split('"').next().unwrap_or_default()
}

/// Pieces in use, by hash of their text. Held weakly: a piece is freed
/// with the last listing that has it, and its slot is swept later.
struct Pieces {
    hasher: RandomState,
    by_hash: HashMap<u64, Vec<Weak<str>>>,
    /// Slots at the last sweep; the next sweep comes at twice as many.
    swept_at: usize,
}

fn intern(text: &str) -> Arc<str> {
    static PIECES: OnceLock<Mutex<Pieces>> = OnceLock::new();
    let mut pieces = PIECES
        .get_or_init(|| {
            Mutex::new(Pieces {
                hasher: RandomState::new(),
                by_hash: HashMap::new(),
                swept_at: 1024,
            })
        })
        .lock()
        // Every change below is whole (a push or a retain), so a panic
        // elsewhere cannot leave the table inconsistent.
        .unwrap_or_else(|e| e.into_inner());
    let hash = pieces.hasher.hash_one(text);
    let slot = pieces.by_hash.entry(hash).or_default();
    if let Some(known) = slot.iter().filter_map(Weak::upgrade).find(|p| &**p == text) {
        return known;
    }
    let piece: Arc<str> = text.into();
    slot.push(Arc::downgrade(&piece));
    if pieces.by_hash.len() >= pieces.swept_at * 2 {
        pieces.by_hash.retain(|_, list| {
            list.retain(|w| w.strong_count() > 0);
            !list.is_empty()
        });
        pieces.swept_at = pieces.by_hash.len().max(1024);
    }
    piece
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_pieces_are_one_copy_and_the_text_is_whole() {
        let piece = r#","sources":[{"url":"https://example.org/a-test-piece"}]"#;
        let mut a = Builder::default();
        a.own(r#"{"id":"a""#).shared(piece).own(r#","x":1"#);
        let a = a.finish();
        let mut b = Builder::default();
        b.own(r#"{"id":"b""#).shared(piece);
        let b = b.finish();
        assert_eq!(
            a.to_string(),
            r#"{"id":"a","sources":[{"url":"https://example.org/a-test-piece"}],"x":1"#
        );
        assert_eq!(a.len(), a.to_string().len());
        assert_eq!(b.to_string(), format!(r#"{{"id":"b"{piece}"#));
        assert_eq!(b.leading_strings(["id"]), Some(["b".to_owned()]));
        assert_eq!(b.leading_strings(["name"]), None);
        let mut c = Builder::default();
        c.own(r#"{"id":"c","name":"Dr \"Q\" \\ Ünal","x":1"#);
        let c = c.finish();
        assert_eq!(
            c.leading_strings(["id", "name"]),
            Some(["c".to_owned(), r#"Dr "Q" \ Ünal"#.to_owned()])
        );
        assert!(Arc::ptr_eq(&a.shared[0].1, &b.shared[0].1));
        // Freed with its last holder; the same text later is a new piece.
        let weak = Arc::downgrade(&a.shared[0].1);
        drop((a, b));
        assert_eq!(weak.strong_count(), 0);
        assert_eq!(&*intern(piece), piece);
    }

    #[test]
    fn members_split_where_serde_json_separates_them() {
        // Strings holding separators, brackets, escaped quotes and
        // backslashes; empty and nested arrays; a group split by an own
        // member.
        let value = serde_json::json!({
            "id": "x,\"}]{[\\",
            "a": [],
            "b": {"k": [1, {"z": "],"}]},
            "c": null,
            "list": [{"q": "a\",b"}, [], "s,]"],
            "d": "last"
        });
        let mut open = serde_json::to_string(&value).unwrap();
        open.pop();
        for (groups, split) in [
            (&[&["a", "b"][..], &["d"][..]][..], &["list"][..]),
            (&[&["id", "a", "b", "c", "list", "d"][..]][..], &[][..]),
            (&[][..], &["list", "a"][..]),
        ] {
            let json = share_members(&open, groups, split);
            assert_eq!(json.to_string(), open, "{groups:?} {split:?}");
        }
        let json = share_members(&open, &[&["a", "b"], &["d"]], &["list"]);
        let shared: Vec<&str> = json.shared.iter().map(|(_, p)| &**p).collect();
        // json! orders members by key: a, b, c, d, id, list.
        assert_eq!(
            shared,
            [
                r#"{"a":[],"b":{"k":[1,{"z":"],"}]}"#,
                r#","d":"last""#,
                r#"{"q":"a\",b"}"#,
                "[]",
                r#""s,]""#,
            ]
        );
    }
}
