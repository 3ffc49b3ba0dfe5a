//! [`Tags`]: a DogStatsD tag section (`|#k:v,flag,...`), borrowed from the
//! datagram or from a caller's slice, iterated lazily.

use core::fmt;

/// A tag section, iterated lazily: the text after `|#` as read from the wire,
/// or tags a caller built from a slice of `(key, value)` pairs.
///
/// Each tag splits at its first `:` into key and value; a tag without `:` has no
/// value; order and duplicates are kept, and so are empty tags (`#a,,b` has three
/// tags, the middle one `("", None)`). An empty section (a bare `|#`) has no tag.
/// Two `Tags` are equal when they yield the same tags, whatever their origin.
///
/// ```
/// use statsd_wire::Tags;
/// let tags: Vec<_> = Tags::new("env:prod,canary,,url:http://x").iter().collect();
/// assert_eq!(tags, [("env", Some("prod")), ("canary", None), ("", None), ("url", Some("http://x"))]);
/// let built = [("env", Some("prod")), ("canary", None), ("", None), ("url", Some("http://x"))];
/// assert_eq!(Tags::from_pairs(&built), Tags::new("env:prod,canary,,url:http://x"));
/// assert_eq!(Tags::new("").iter().count(), 0);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Tags<'a> {
    repr: Repr<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Repr<'a> {
    Wire(&'a str),
    Pairs(&'a [(&'a str, Option<&'a str>)]),
}

impl<'a> Tags<'a> {
    /// Tags over the raw text of a tag section (`k:v,flag,...`, without `|#`).
    pub const fn new(raw: &'a str) -> Self {
        Tags {
            repr: Repr::Wire(raw),
        }
    }

    /// Tags from `(key, value)` pairs (for the encoder, which refuses a key
    /// holding `:` and any tag holding `,`, `|` or a control character).
    pub const fn from_pairs(pairs: &'a [(&'a str, Option<&'a str>)]) -> Self {
        Tags {
            repr: Repr::Pairs(pairs),
        }
    }

    /// The raw text as on the wire, when these tags were read from it.
    pub const fn as_wire(&self) -> Option<&'a str> {
        match self.repr {
            Repr::Wire(raw) => Some(raw),
            Repr::Pairs(_) => None,
        }
    }

    /// The tags in order, `(key, value)`.
    pub fn iter(&self) -> TagIter<'a> {
        TagIter {
            repr: match self.repr {
                Repr::Wire(raw) => IterRepr::Wire {
                    rest: raw,
                    done: raw.is_empty(),
                },
                Repr::Pairs(pairs) => IterRepr::Pairs(pairs.iter()),
            },
        }
    }

    /// The number of tags.
    pub fn len(&self) -> usize {
        match self.repr {
            Repr::Wire("") => 0,
            Repr::Wire(raw) => 1 + raw.bytes().filter(|&b| b == b',').count(),
            Repr::Pairs(pairs) => pairs.len(),
        }
    }

    /// Whether there is no tag (an empty section).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the section's wire text (without `|#`).
    pub(crate) fn write_wire<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        match self.repr {
            Repr::Wire(raw) => w.write_str(raw),
            Repr::Pairs(pairs) => {
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        w.write_str(",")?;
                    }
                    w.write_str(k)?;
                    if let Some(v) = v {
                        w.write_str(":")?;
                        w.write_str(v)?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl PartialEq for Tags<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Tags<'_> {}

impl<'a> IntoIterator for Tags<'a> {
    type Item = (&'a str, Option<&'a str>);
    type IntoIter = TagIter<'a>;

    fn into_iter(self) -> TagIter<'a> {
        self.iter()
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Tags<'a> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Tags::new(u.arbitrary()?))
    }
}

/// An iterator over the `(key, value)` pairs of [`Tags`].
#[derive(Clone, Debug)]
pub struct TagIter<'a> {
    repr: IterRepr<'a>,
}

#[derive(Clone, Debug)]
enum IterRepr<'a> {
    Wire { rest: &'a str, done: bool },
    Pairs(core::slice::Iter<'a, (&'a str, Option<&'a str>)>),
}

/// `key:value` split at the first `:`.
fn split_tag(item: &str) -> (&str, Option<&str>) {
    match item.split_once(':') {
        Some((k, v)) => (k, Some(v)),
        None => (item, None),
    }
}

impl<'a> Iterator for TagIter<'a> {
    type Item = (&'a str, Option<&'a str>);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.repr {
            IterRepr::Wire { rest, done } => {
                if *done {
                    return None;
                }
                let item = match rest.split_once(',') {
                    Some((item, tail)) => {
                        *rest = tail;
                        item
                    }
                    None => {
                        *done = true;
                        *rest
                    }
                };
                Some(split_tag(item))
            }
            IterRepr::Pairs(it) => it.next().copied(),
        }
    }
}

impl core::iter::FusedIterator for TagIter<'_> {}
