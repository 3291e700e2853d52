use std::fmt;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(i64);

        impl $name {
            /// Wraps the number storage assigned; does not check that the entity exists.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The number itself, as storage and clients know it.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies a [`crate::User`].
    UserId
);
id_type!(
    /// Identifies a [`crate::Post`].
    PostId
);
id_type!(
    /// Identifies a [`crate::Session`]: one sign-in and every token refreshed from it.
    SessionId
);
