//! Answers computed from one snapshot, kept with it for the next request
//! that asks the same.
//!
//! Why: some reads (filter counts) must visit every matching listing, far
//! slower than a list page, yet front-ends ask the same few combinations
//! over and over. A snapshot never changes, so an answer made from it
//! stays right for as long as the snapshot is served; the next snapshot
//! starts empty, because cloning a memo gives an empty one (a write never
//! inherits an answer from before it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Answers (serialised bodies) by request key, at most [`Memo::CAPACITY`].
#[derive(Default)]
pub struct Memo(Mutex<HashMap<Box<str>, Arc<str>>>);

impl Clone for Memo {
    /// An empty memo: answers belong to the snapshot they were made from.
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl Memo {
    /// Distinct keys kept; when full, the memo starts over (a client
    /// cycling through keys costs a miss each, never memory).
    pub const CAPACITY: usize = 1024;

    /// The answer for `key`, made by `make` when not kept yet. `make` runs
    /// without the lock held, so a slow answer never blocks other keys.
    pub fn get_or_make(&self, key: &str, make: impl FnOnce() -> String) -> Arc<str> {
        if let Some(hit) = self.lock().get(key) {
            return hit.clone();
        }
        let answer: Arc<str> = make().into();
        let mut map = self.lock();
        if map.len() >= Self::CAPACITY {
            map.clear();
        }
        map.insert(key.into(), answer.clone());
        answer
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Arc<str>>> {
        // A panic while holding the lock cannot leave the map half
        // written (insert and clear are whole), so a poisoned lock is used.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_made_once_per_key_and_never_cloned() {
        let memo = Memo::default();
        let mut made = 0;
        for _ in 0..3 {
            let a = memo.get_or_make("country=DE", || {
                made += 1;
                "DE".into()
            });
            assert_eq!(&*a, "DE");
        }
        assert_eq!(made, 1);
        assert_eq!(&*memo.get_or_make("country=FR", || "FR".into()), "FR");
        assert_eq!(memo.len(), 2);
        assert!(memo.clone().is_empty());
        for i in 0..Memo::CAPACITY + 5 {
            memo.get_or_make(&i.to_string(), String::new);
        }
        assert!(memo.len() <= Memo::CAPACITY);
        assert!(!memo.is_empty());
    }
}
