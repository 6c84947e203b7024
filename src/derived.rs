//! Data a struct derives from its own fields on first use (lookup tables
//! over a model's weights or vocabularies): never serialized, rebuilt by a
//! clone, and no part of equality.

use std::sync::OnceLock;

/// A value derived from the struct that holds it, built on first use.
/// Equal whenever the fields it derives from are (so always, here); a clone
/// starts empty and builds its own from the clone's fields, which is cheap
/// next to loading a model and never shares per-thread cache ids with a
/// value it may outlive. Its holder must not change those fields after the
/// first use.
pub(crate) struct Derived<T>(OnceLock<T>);

impl<T> Derived<T> {
    /// The value, built by `build` on the first call.
    pub(crate) fn get_or_init(&self, build: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(build)
    }
}

impl<T> Default for Derived<T> {
    fn default() -> Self {
        Derived(OnceLock::new())
    }
}

impl<T> Clone for Derived<T> {
    fn clone(&self) -> Self {
        Derived::default()
    }
}

impl<T> PartialEq for Derived<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Derived<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Derived(built)"
        } else {
            "Derived(not built)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_once_and_a_clone_starts_empty() {
        let derived = Derived::default();
        let mut builds = 0;
        assert_eq!(
            *derived.get_or_init(|| {
                builds += 1;
                7
            }),
            7
        );
        assert_eq!(*derived.get_or_init(|| 8), 7);
        assert_eq!(builds, 1);
        assert_eq!(format!("{derived:?}"), "Derived(built)");
        let clone = derived.clone();
        assert_eq!(format!("{clone:?}"), "Derived(not built)");
        assert_eq!(*clone.get_or_init(|| 9), 9);
        assert_eq!(derived, clone);
    }
}
