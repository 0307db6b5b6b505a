//! A string interner: each distinct string is stored once and named by a 4-byte [`Sym`].

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// A handle to an interned string. `Sym::EMPTY` is the empty string, used for "absent".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Sym(pub u32);

impl Sym {
    pub const EMPTY: Sym = Sym(0);

    pub fn is_empty(self) -> bool {
        self == Sym::EMPTY
    }
}

/// Stores each distinct string once (shared between the map and the index by `Arc`). There are
/// few distinct strings: principals, IPs, user agents and event names repeat heavily.
#[derive(Debug)]
pub struct Interner {
    map: HashMap<Arc<str>, Sym>,
    texts: Vec<Arc<str>>,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Interner {
            map: HashMap::default(),
            texts: Vec::new(),
        };
        let empty = interner.intern("");
        debug_assert_eq!(empty, Sym::EMPTY);
        interner
    }
}

impl Interner {
    /// The symbol for `text`, adding it if new.
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.map.get(text) {
            return sym;
        }
        let shared: Arc<str> = text.into();
        let sym = Sym(self.texts.len() as u32);
        self.texts.push(shared.clone());
        self.map.insert(shared, sym);
        sym
    }

    /// The symbol for `text` if it was interned.
    pub fn lookup(&self, text: &str) -> Option<Sym> {
        self.map.get(text).copied()
    }

    /// The text of `sym`.
    pub fn get(&self, sym: Sym) -> &str {
        &self.texts[sym.0 as usize]
    }

    /// Number of distinct strings, counting the empty one.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.len() <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_symbol_and_empty_is_zero() {
        let mut interner = Interner::default();
        let a = interner.intern("dynamodb.amazonaws.com");
        let b = interner.intern("kms.amazonaws.com");
        assert_ne!(a, b);
        assert_eq!(interner.intern("dynamodb.amazonaws.com"), a);
        assert_eq!(interner.intern(""), Sym::EMPTY);
        assert_eq!(interner.get(b), "kms.amazonaws.com");
        for i in 0..10_000 {
            interner.intern(&format!("s{i}"));
        }
        assert_eq!(interner.get(a), "dynamodb.amazonaws.com");
        assert_eq!(interner.len(), 10_003);
    }
}
