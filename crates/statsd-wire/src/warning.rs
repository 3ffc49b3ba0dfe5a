//! [`Warning`]s: what a dialect accepts but is almost surely a mistake, reported
//! next to the message rather than rejecting it.

use core::fmt;

use crate::error::Span;

/// Why an accepted line deserves a second look. Each kind's
/// [`code`](WarningKind::code) is a class of `spec-vectors/warnings.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum WarningKind {
    /// An integer outside the spec's compatibility range (-2^53, 2^53), which
    /// servers that store doubles round (every dialect).
    NonPortableInteger,
    /// A name with a character outside `[A-Za-z0-9_.]`, which the DogStatsD
    /// documentation forbids (the Agent accepts it; the backend rewrites it).
    NonPortableName,
    /// A sample rate outside `(0, 1]`, which the Agent accepts and applies
    /// (`@2` halves a counter; `@0` makes it infinite).
    SampleRateOutOfRange,
    /// A field given twice: the last one wins.
    DuplicateField,
    /// A field the dialect does not define (an empty one included); kept in
    /// `unknown_fields`.
    UnknownField,
    /// A known field whose value the dialect cannot read (`|p:urgent`,
    /// `|card:sometimes`, `|d:yesterday`): ignored by the Agent, kept here in
    /// `unknown_fields`.
    InvalidFieldValue,
    /// An empty tag (`#a,,b`, a trailing `,`).
    EmptyTag,
    /// An empty packed value (`a:1::2|c`, `a:1:|c`), skipped.
    EmptyValue,
    /// A `|T` timestamp on a type the Agent does not forward with one (only
    /// gauges and counters are; the Agent drops the others).
    TimestampIgnored,
}

impl WarningKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [WarningKind] = &[
        WarningKind::NonPortableInteger,
        WarningKind::NonPortableName,
        WarningKind::SampleRateOutOfRange,
        WarningKind::DuplicateField,
        WarningKind::UnknownField,
        WarningKind::InvalidFieldValue,
        WarningKind::EmptyTag,
        WarningKind::EmptyValue,
        WarningKind::TimestampIgnored,
    ];

    /// The stable class, as listed in `spec-vectors/warnings.json`.
    pub const fn code(self) -> &'static str {
        match self {
            WarningKind::NonPortableInteger => "non_portable_integer",
            WarningKind::NonPortableName => "non_portable_name",
            WarningKind::SampleRateOutOfRange => "sample_rate_out_of_range",
            WarningKind::DuplicateField => "duplicate_field",
            WarningKind::UnknownField => "unknown_field",
            WarningKind::InvalidFieldValue => "invalid_field_value",
            WarningKind::EmptyTag => "empty_tag",
            WarningKind::EmptyValue => "empty_value",
            WarningKind::TimestampIgnored => "timestamp_ignored",
        }
    }

    /// The kind whose [`code`](WarningKind::code) is `code`.
    pub fn from_code(code: &str) -> Option<WarningKind> {
        WarningKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// What is odd, in a few words.
    pub const fn message(self) -> &'static str {
        match self {
            WarningKind::NonPortableInteger => "integer outside the portable range (-2^53, 2^53)",
            WarningKind::NonPortableName => "name character outside [A-Za-z0-9_.]",
            WarningKind::SampleRateOutOfRange => "sample rate outside (0, 1]",
            WarningKind::DuplicateField => "field given twice; the last one wins",
            WarningKind::UnknownField => "unknown field, kept but not interpreted",
            WarningKind::InvalidFieldValue => "field value not understood, field ignored",
            WarningKind::EmptyTag => "empty tag",
            WarningKind::EmptyValue => "empty packed value, skipped",
            WarningKind::TimestampIgnored => {
                "timestamp on a type that is not forwarded with one (only g and c are)"
            }
        }
    }

    /// How to fix it.
    pub const fn hint(self) -> &'static str {
        match self {
            WarningKind::NonPortableInteger => {
                "servers that store values as doubles (Etsy, statsite, brubeck, Vector, ...) round it; keep integers between -9007199254740991 and 9007199254740991"
            }
            WarningKind::NonPortableName => {
                "use letters, digits, '_' and '.' only; the Datadog backend rewrites other characters"
            }
            WarningKind::SampleRateOutOfRange => "a sample rate is greater than 0 and at most 1",
            WarningKind::DuplicateField => "send each field once",
            WarningKind::UnknownField => {
                "check the field's spelling; after the type come |@rate, |#tags, |T, |c:, |e:, |card:"
            }
            WarningKind::InvalidFieldValue => {
                "p: takes normal|low, t: info|warning|error|success, card: none|low|orchestrator|high, d: an integer"
            }
            WarningKind::EmptyTag => "remove the extra ','",
            WarningKind::EmptyValue => "remove the extra ':'",
            WarningKind::TimestampIgnored => "send timestamps on gauges and counters only",
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A located warning: its kind, the bytes it is about (offsets in the parsed
/// input), and its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Warning {
    kind: WarningKind,
    span: Span,
    line: usize,
    line_start: usize,
}

impl Warning {
    /// A new warning about `span`, on the line with index `line` that starts at
    /// byte `line_start`.
    pub const fn new(kind: WarningKind, span: Span, line: usize, line_start: usize) -> Self {
        Warning {
            kind,
            span,
            line,
            line_start,
        }
    }

    /// What is odd.
    pub const fn kind(&self) -> WarningKind {
        self.kind
    }

    /// Where, as byte offsets into the input given to the parser.
    pub const fn span(&self) -> Span {
        self.span
    }

    /// The index of the line (from 0).
    pub const fn line_index(&self) -> usize {
        self.line
    }

    /// The line number, from 1.
    pub const fn line_number(&self) -> usize {
        self.line + 1
    }

    /// The column of the span's first byte in its line, in bytes, from 1.
    pub const fn column(&self) -> usize {
        self.span.start - self.line_start + 1
    }

    /// The same warning, `by` bytes further into a larger input and `lines`
    /// lines further down (for a caller that parses one line of a stream).
    pub const fn shifted(self, by: usize, lines: usize) -> Self {
        Warning {
            kind: self.kind,
            span: self.span.shift(by),
            line: self.line + lines,
            line_start: self.line_start + by,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: warning: {} ({})",
            self.line_number(),
            self.column(),
            self.kind.message(),
            self.kind.hint()
        )
    }
}

/// The warnings of one line, in the order found: at most
/// [`Warnings::CAPACITY`] are kept (without allocating); [`dropped`](Warnings::dropped)
/// counts the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Warnings {
    items: [Option<Warning>; Warnings::CAPACITY],
    len: u8,
    dropped: u32,
}

impl Default for Warnings {
    fn default() -> Self {
        Warnings::new()
    }
}

impl Warnings {
    /// How many warnings a line keeps.
    pub const CAPACITY: usize = 4;

    /// No warning.
    pub const fn new() -> Self {
        Warnings {
            items: [None; Warnings::CAPACITY],
            len: 0,
            dropped: 0,
        }
    }

    pub(crate) fn push(&mut self, w: Warning) {
        match self.items.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = Some(w);
                self.len += 1;
            }
            None => self.dropped = self.dropped.saturating_add(1),
        }
    }

    pub(crate) fn add_dropped(&mut self, n: usize) {
        self.dropped = self
            .dropped
            .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
    }

    /// The warnings kept, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Warning> + '_ {
        self.items.iter().flatten()
    }

    /// The number of warnings kept.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the line has no warning at all.
    pub const fn is_empty(&self) -> bool {
        self.len == 0 && self.dropped == 0
    }

    /// Every warning [`shifted`](Warning::shifted).
    pub fn shifted(mut self, by: usize, lines: usize) -> Self {
        for w in self.items.iter_mut().flatten() {
            *w = w.shifted(by, lines);
        }
        self
    }

    /// How many warnings were found beyond [`Warnings::CAPACITY`].
    pub const fn dropped(&self) -> usize {
        self.dropped as usize
    }
}

impl<'w> IntoIterator for &'w Warnings {
    type Item = &'w Warning;
    type IntoIter = core::iter::Flatten<core::slice::Iter<'w, Option<Warning>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter().flatten()
    }
}
