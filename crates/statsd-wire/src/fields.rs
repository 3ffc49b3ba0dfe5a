//! [`UnknownFields`]: the fields after a DogStatsD message that its dialect does
//! not define, kept rather than dropped (forward compatibility).

/// The kind of a line, which decides which fields are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum MessageKind {
    /// A metric: `@`, `#`, `T`, `c:`, `e:`, `card:`.
    Metric,
    /// An event: `d:`, `h:`, `k:`, `p:`, `s:`, `t:`, `#`, `c:`, `e:`, `card:`.
    Event,
    /// A service check: `d:`, `h:`, `#`, `m:`, `c:`, `e:`, `card:`.
    ServiceCheck,
}

impl MessageKind {
    /// The kind's name in the adapter protocol: `metric`, `event`, `service_check`.
    pub const fn name(self) -> &'static str {
        match self {
            MessageKind::Metric => "metric",
            MessageKind::Event => "event",
            MessageKind::ServiceCheck => "service_check",
        }
    }
}

/// The fields of a message that its dialect does not define (and defined fields
/// whose value it cannot read, such as `|card:sometimes`), in order, each as its
/// whole text (`f:wowthisisacoolfeature`); an empty field (`a:1|c|`) is an empty
/// text. Read from the wire, or given by a caller as a slice.
///
/// ```
/// use statsd_wire::{parse_messages, Config, Message};
/// let line = parse_messages(b"a:1|c|#t|f:new|@0.5|", &Config::dogstatsd()).next().unwrap().unwrap();
/// let Message::Metric(m) = line.message else { panic!() };
/// let unknown: Vec<_> = m.unknown_fields.iter().collect();
/// assert_eq!(unknown, ["f:new", ""]);
/// assert_eq!(line.warnings.len(), 2); // each unknown field is a warning
/// ```
#[derive(Clone, Copy, Debug)]
pub struct UnknownFields<'a> {
    repr: Repr<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Repr<'a> {
    /// The `|`-separated field section of a parsed line (without its first
    /// `|`), known fields included; `None` when the line has no field.
    Wire(Option<&'a str>, MessageKind),
    List(&'a [&'a str]),
}

impl<'a> UnknownFields<'a> {
    /// No field.
    pub const NONE: UnknownFields<'static> = UnknownFields {
        repr: Repr::List(&[]),
    };

    /// Fields from a slice, for the encoder (which refuses a field that is
    /// known to the dialect, or holds `|` or a control character).
    pub const fn new(fields: &'a [&'a str]) -> Self {
        UnknownFields {
            repr: Repr::List(fields),
        }
    }

    /// The unknown fields of a parsed section.
    pub(crate) const fn wire(section: Option<&'a str>, kind: MessageKind) -> Self {
        UnknownFields {
            repr: Repr::Wire(section, kind),
        }
    }

    /// The fields in order.
    pub fn iter(&self) -> UnknownFieldIter<'a> {
        UnknownFieldIter {
            repr: match self.repr {
                Repr::Wire(section, kind) => IterRepr::Wire(section.map(|s| s.split('|')), kind),
                Repr::List(list) => IterRepr::List(list.iter()),
            },
        }
    }

    /// Whether there is no unknown field.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Whether there is no field at all, known or unknown (a parsed line without
    /// fields, or an empty list): a check without walking a section.
    #[inline]
    pub(crate) const fn has_no_field(&self) -> bool {
        matches!(self.repr, Repr::Wire(None, _) | Repr::List([]))
    }

    /// The number of unknown fields.
    pub fn len(&self) -> usize {
        self.iter().count()
    }
}

impl Default for UnknownFields<'_> {
    fn default() -> Self {
        UnknownFields::NONE
    }
}

impl PartialEq for UnknownFields<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for UnknownFields<'_> {}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for UnknownFields<'a> {
    fn arbitrary(_: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(UnknownFields::NONE)
    }
}

/// An iterator over [`UnknownFields`].
#[derive(Clone, Debug)]
pub struct UnknownFieldIter<'a> {
    repr: IterRepr<'a>,
}

#[derive(Clone, Debug)]
enum IterRepr<'a> {
    Wire(Option<core::str::Split<'a, char>>, MessageKind),
    List(core::slice::Iter<'a, &'a str>),
}

impl<'a> Iterator for UnknownFieldIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match &mut self.repr {
            IterRepr::Wire(fields, kind) => {
                let kind = *kind;
                fields
                    .as_mut()?
                    .find(|f| !crate::parse::fields::is_known(kind, f.as_bytes()))
            }
            IterRepr::List(list) => list.next().copied(),
        }
    }
}

impl core::iter::FusedIterator for UnknownFieldIter<'_> {}
