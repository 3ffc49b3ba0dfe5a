//! Errors: [`ParseError`] (a located, `Copy` error for a rejected line) and
//! [`EncodeError`] (why a metric cannot be written).

use core::fmt;

/// A byte range `start..end` in the parsed input (for [`crate::parse_datagram`],
/// offsets count from the start of the datagram).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte of the fault.
    pub start: usize,
    /// Offset one past the last byte of the fault (`start == end` for a missing token).
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The number of bytes covered.
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte (a missing token).
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The span moved `by` bytes to the right.
    pub const fn shift(self, by: usize) -> Self {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }
}

/// Why a line was rejected. The list is closed per release; each kind's
/// [`code`](ErrorKind::code) is one of the error classes of `spec-vectors/errors.json`
/// (a test checks that the two lists are the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum ErrorKind {
    /// The line holds no byte at all (only [`crate::parse_line`] reports it: a
    /// datagram skips empty lines).
    EmptyLine,
    /// The line is longer than [`crate::Config::max_line_len`].
    LineTooLong,
    /// A control character (bytes 0x00 to 0x1F and 0x7F, e.g. NUL, TAB, CR) where
    /// none is allowed.
    ControlCharacter,
    /// The line starts with `:` or `|`: there is no metric name.
    EmptyName,
    /// The metric name (or a set member) is not valid UTF-8.
    InvalidUtf8,
    /// There is no value: `name:|c`, `name|c`, `name:`, or (outside the spec
    /// dialect) a bare `name`.
    MissingValue,
    /// The value is not a number in the dialect's number grammar (or not a valid
    /// set member).
    InvalidValue,
    /// The value is a number, but outside the range of its metric type.
    ValueOutOfRange,
    /// There is no `|<type>` after the value, or the type is empty.
    MissingType,
    /// The type is not one the dialect knows (types are case-sensitive).
    UnknownType,
    /// The text after `|@` is not a number in the dialect's grammar.
    InvalidSampleRate,
    /// The sample rate is a number, but not in `(0, 1]`.
    SampleRateOutOfRange,
    /// A sample rate on a type that takes none in this dialect (the spec allows
    /// it on counters only).
    SampleRateNotAllowed,
    /// A second `|@<rate>` field.
    DuplicateSampleRate,
    /// A field after the type that the dialect does not define (an empty field,
    /// `|#tags` outside DogStatsD, a rate without `@`, ...).
    UnknownField,
    /// A `|T` timestamp that is not a decimal integer from 1 to 2^63 - 1.
    InvalidTimestamp,
    /// An event whose `_e{<title length>,<text length>}:` header is malformed.
    InvalidEventHeader,
    /// An event whose title length is 0.
    EmptyEventTitle,
    /// An event whose title and text are not where its header's lengths say:
    /// the line is too short, or no `|` follows the title or the text.
    EventLengthMismatch,
    /// A service check whose status is not exactly `0`, `1`, `2` or `3`.
    InvalidServiceCheckStatus,
    /// An event or a service check read through a metrics-only function
    /// ([`crate::parse_line`], [`crate::parse_datagram`]).
    NotAMetric,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::EmptyLine,
        ErrorKind::LineTooLong,
        ErrorKind::ControlCharacter,
        ErrorKind::EmptyName,
        ErrorKind::InvalidUtf8,
        ErrorKind::MissingValue,
        ErrorKind::InvalidValue,
        ErrorKind::ValueOutOfRange,
        ErrorKind::MissingType,
        ErrorKind::UnknownType,
        ErrorKind::InvalidSampleRate,
        ErrorKind::SampleRateOutOfRange,
        ErrorKind::SampleRateNotAllowed,
        ErrorKind::DuplicateSampleRate,
        ErrorKind::UnknownField,
        ErrorKind::InvalidTimestamp,
        ErrorKind::InvalidEventHeader,
        ErrorKind::EmptyEventTitle,
        ErrorKind::EventLengthMismatch,
        ErrorKind::InvalidServiceCheckStatus,
        ErrorKind::NotAMetric,
    ];

    /// The stable error class, as listed in `spec-vectors/errors.json`.
    ///
    /// ```
    /// use statsd_wire::{parse_line, Config};
    /// let err = parse_line(b"a:1|x", &Config::spec()).unwrap_err();
    /// assert_eq!(err.kind().code(), "unknown_type");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::EmptyLine => "empty_line",
            ErrorKind::LineTooLong => "line_too_long",
            ErrorKind::ControlCharacter => "control_character",
            ErrorKind::EmptyName => "empty_name",
            ErrorKind::InvalidUtf8 => "invalid_utf8",
            ErrorKind::MissingValue => "missing_value",
            ErrorKind::InvalidValue => "invalid_value",
            ErrorKind::ValueOutOfRange => "value_out_of_range",
            ErrorKind::MissingType => "missing_type",
            ErrorKind::UnknownType => "unknown_type",
            ErrorKind::InvalidSampleRate => "invalid_sample_rate",
            ErrorKind::SampleRateOutOfRange => "sample_rate_out_of_range",
            ErrorKind::SampleRateNotAllowed => "sample_rate_not_allowed",
            ErrorKind::DuplicateSampleRate => "duplicate_sample_rate",
            ErrorKind::UnknownField => "unknown_field",
            ErrorKind::InvalidTimestamp => "invalid_timestamp",
            ErrorKind::InvalidEventHeader => "invalid_event_header",
            ErrorKind::EmptyEventTitle => "empty_event_title",
            ErrorKind::EventLengthMismatch => "event_length_mismatch",
            ErrorKind::InvalidServiceCheckStatus => "invalid_service_check_status",
            ErrorKind::NotAMetric => "not_a_metric",
        }
    }

    /// The kind whose [`code`](ErrorKind::code) is `code`.
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// A coarse category, for callers that only need to know what went wrong in
    /// broad terms.
    pub const fn category(self) -> Category {
        match self {
            ErrorKind::LineTooLong => Category::Limit,
            ErrorKind::ValueOutOfRange | ErrorKind::SampleRateOutOfRange => Category::Range,
            ErrorKind::UnknownType
            | ErrorKind::SampleRateNotAllowed
            | ErrorKind::UnknownField
            | ErrorKind::NotAMetric => Category::Unsupported,
            _ => Category::Syntax,
        }
    }

    /// What is wrong, in a few words.
    pub const fn message(self) -> &'static str {
        match self {
            ErrorKind::EmptyLine => "empty line",
            ErrorKind::LineTooLong => "line longer than the configured maximum",
            ErrorKind::ControlCharacter => "control character in the line",
            ErrorKind::EmptyName => "empty metric name",
            ErrorKind::InvalidUtf8 => "invalid UTF-8",
            ErrorKind::MissingValue => "missing value",
            ErrorKind::InvalidValue => "invalid value",
            ErrorKind::ValueOutOfRange => "value out of range for its metric type",
            ErrorKind::MissingType => "missing metric type",
            ErrorKind::UnknownType => "unknown metric type",
            ErrorKind::InvalidSampleRate => "invalid sample rate",
            ErrorKind::SampleRateOutOfRange => "sample rate out of range",
            ErrorKind::SampleRateNotAllowed => "sample rate not allowed on this metric type",
            ErrorKind::DuplicateSampleRate => "second sample rate",
            ErrorKind::UnknownField => "unknown field after the metric type",
            ErrorKind::InvalidTimestamp => "invalid timestamp",
            ErrorKind::InvalidEventHeader => "invalid event header",
            ErrorKind::EmptyEventTitle => "empty event title",
            ErrorKind::EventLengthMismatch => "event title or text length does not match",
            ErrorKind::InvalidServiceCheckStatus => "invalid service check status",
            ErrorKind::NotAMetric => "an event or service check where a metric was expected",
        }
    }

    /// How to fix it.
    pub const fn hint(self) -> &'static str {
        match self {
            ErrorKind::EmptyLine => {
                "remove the empty line, or parse the datagram with parse_datagram, which skips empty lines"
            }
            ErrorKind::LineTooLong => "shorten the metric name, or raise Config::max_line_len",
            ErrorKind::ControlCharacter => {
                "remove the byte; lines end with \\n only (the etsy dialect also accepts \\r\\n)"
            }
            ErrorKind::EmptyName => "write the metric as <name>:<value>|<type>",
            ErrorKind::InvalidUtf8 => "metric names and set members must be UTF-8 text",
            ErrorKind::MissingValue => {
                "write the metric as <name>:<value>|<type>, e.g. requests:1|c"
            }
            ErrorKind::InvalidValue => {
                "write a decimal number such as 42, -3, 1.5 or 2e3 (no '+', hex, inf, nan, spaces or '_'; the spec dialect also forbids a leading or trailing '.')"
            }
            ErrorKind::ValueOutOfRange => {
                "counters take -9223372036854775807 to 9223372036854775807; gauges, timers, histograms and meters 0 to 18446744073709551615"
            }
            ErrorKind::MissingType => {
                "add the type after the value, e.g. |c (counter), |g (gauge), |ms (timer), |h (histogram), |m (meter)"
            }
            ErrorKind::UnknownType => {
                "types are case-sensitive: c, g, ms, h, m (and s in the etsy dialect)"
            }
            ErrorKind::InvalidSampleRate => "write the rate as a decimal such as |@0.1",
            ErrorKind::SampleRateOutOfRange => "a sample rate is greater than 0 and at most 1",
            ErrorKind::SampleRateNotAllowed => {
                "the spec dialect allows |@<rate> on counters only; drop the rate or use the etsy dialect"
            }
            ErrorKind::DuplicateSampleRate => "keep one |@<rate>",
            ErrorKind::UnknownField => {
                "remove the field; after the type only |@<rate> is allowed (the dogstatsd dialect also reads |#tags, |T, |c:, |e:, |card:)"
            }
            ErrorKind::InvalidTimestamp => {
                "write |T followed by the Unix time in whole seconds, e.g. |T1657100540"
            }
            ErrorKind::InvalidEventHeader => {
                "write _e{<title length>,<text length>}:<title>|<text>, lengths in decimal bytes"
            }
            ErrorKind::EmptyEventTitle => "give the event a title",
            ErrorKind::EventLengthMismatch => {
                "the lengths count the bytes of the title and text as sent (a \\n escape is 2 bytes)"
            }
            ErrorKind::InvalidServiceCheckStatus => {
                "write the status as one digit: 0 (OK), 1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN)"
            }
            ErrorKind::NotAMetric => {
                "read datagrams with parse_messages to get events and service checks too"
            }
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A coarse grouping of [`ErrorKind`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// The bytes do not follow the grammar.
    Syntax,
    /// A number is well formed but outside its allowed range.
    Range,
    /// Well formed, but not part of the dialect.
    Unsupported,
    /// A configured limit was exceeded.
    Limit,
}

/// A rejected line: what is wrong ([`kind`](ParseError::kind)), where
/// ([`span`](ParseError::span), in bytes) and on which line
/// ([`line_number`](ParseError::line_number) and [`column`](ParseError::column),
/// both from 1, as a person reads them; [`line_index`](ParseError::line_index)
/// from 0, counted over every `\n`-separated line of the datagram, empty ones
/// included).
///
/// Small and `Copy`: it borrows nothing and allocates nothing.
///
/// ```
/// use statsd_wire::{parse_datagram, Config, ErrorKind};
/// let input = b"ok:1|c\nbad:1.|c\n";
/// let err = parse_datagram(input, &Config::spec()).find_map(Result::err).unwrap();
/// assert_eq!(err.kind(), ErrorKind::InvalidValue);
/// assert_eq!((err.line_number(), err.column()), (2, 5));
/// assert_eq!((err.span().start, err.span().end), (11, 13));
/// assert_eq!(err.to_string(), "line 2, column 5: invalid value (write a decimal number such as 42, -3, 1.5 or 2e3 (no '+', hex, inf, nan, spaces or '_'; the spec dialect also forbids a leading or trailing '.'))");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParseError {
    kind: ErrorKind,
    span: Span,
    line: usize,
    line_start: usize,
}

impl ParseError {
    /// A new error about `span`, on the line with index `line` (from 0) that
    /// starts at byte `line_start`.
    pub const fn new(kind: ErrorKind, span: Span, line: usize, line_start: usize) -> Self {
        ParseError {
            kind,
            span,
            line,
            line_start,
        }
    }

    /// What is wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where, as byte offsets into the input given to the parser.
    pub const fn span(&self) -> Span {
        self.span
    }

    /// The byte offset where the fault starts (`span().start`).
    pub const fn offset(&self) -> usize {
        self.span.start
    }

    /// The index of the line (from 0).
    pub const fn line_index(&self) -> usize {
        self.line
    }

    /// The line number, from 1.
    pub const fn line_number(&self) -> usize {
        self.line + 1
    }

    /// The byte offset where the line starts.
    pub const fn line_start(&self) -> usize {
        self.line_start
    }

    /// The column of the fault's first byte in its line, in bytes, from 1.
    pub const fn column(&self) -> usize {
        self.span.start - self.line_start + 1
    }

    /// The same error, `by` bytes further into a larger input and `lines`
    /// lines further down (for a caller that parses one line of a stream).
    pub const fn shifted(self, by: usize, lines: usize) -> Self {
        ParseError {
            kind: self.kind,
            span: self.span.shift(by),
            line: self.line + lines,
            line_start: self.line_start + by,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {} ({})",
            self.line_number(),
            self.column(),
            self.kind.message(),
            self.kind.hint()
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParseError {}

/// Why a message cannot be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// The name is empty.
    EmptyName,
    /// The name holds `:` or `|`, which would end it early on the wire.
    ReservedByteInName,
    /// The name holds a control character (including `\n` and `\r`).
    ControlCharacterInName,
    /// A float value is NaN or infinite.
    NonFiniteValue,
    /// The value is outside the range of the metric type.
    ValueOutOfRange,
    /// The sample rate is not a finite number in `(0, 1]`.
    SampleRateOutOfRange,
    /// The dialect has no such metric type.
    TypeNotInDialect,
    /// The dialect allows no sample rate on this type.
    SampleRateNotAllowed,
    /// A delta (signed change) on a type or in a dialect that has none.
    DeltaNotAllowed,
    /// Tags in a dialect without tags.
    TagsNotAllowed,
    /// A set value on a numeric type, or a number on a set.
    ValueKindMismatch,
    /// A set member that is empty or holds `:`, `|` or a control character.
    InvalidSetMember,
    /// The encoded line would exceed [`crate::Config::max_line_len`].
    LineTooLong,
    /// The output buffer is too small (see [`crate::Metric::encoded_len`]).
    BufferTooSmall,
    /// The `fmt::Write` sink reported an error.
    Fmt,
    /// A metric name that starts like an event (`_e{`) or a service check
    /// (`_sc|`), so a DogStatsD reader would not read it as a metric.
    ReservedNamePrefix,
    /// A tag that would not read back as itself: a key holding `:`, or a tag
    /// holding `,`, `|` or a control character.
    InvalidTag,
    /// A field text (container id, external data, hostname, aggregation key,
    /// source type, an unknown field) holding `|` or a control character, or an
    /// unknown field that the dialect would read as a known one.
    InvalidFieldText,
    /// A `|T` timestamp of 0.
    InvalidTimestamp,
    /// Packed values on a set, in a dialect without packing, or none at all.
    InvalidPackedValues,
    /// An event with an empty title.
    EmptyEventTitle,
    /// An event title or text, or a service-check message, that would not read
    /// back as itself: a control character other than a newline, the two bytes
    /// `\n` (read back as a newline), or a `|` in a service-check message.
    InvalidText,
    /// An event or a service check in a dialect without them.
    MessageNotInDialect,
    /// A DogStatsD field (`|T`, `|c:`, `|e:`, `|card:`, an unknown field) in a
    /// dialect without them.
    FieldNotInDialect,
}

impl EncodeErrorKind {
    /// A stable identifier.
    pub const fn code(self) -> &'static str {
        match self {
            EncodeErrorKind::EmptyName => "empty_name",
            EncodeErrorKind::ReservedByteInName => "reserved_byte_in_name",
            EncodeErrorKind::ControlCharacterInName => "control_character_in_name",
            EncodeErrorKind::NonFiniteValue => "non_finite_value",
            EncodeErrorKind::ValueOutOfRange => "value_out_of_range",
            EncodeErrorKind::SampleRateOutOfRange => "sample_rate_out_of_range",
            EncodeErrorKind::TypeNotInDialect => "type_not_in_dialect",
            EncodeErrorKind::SampleRateNotAllowed => "sample_rate_not_allowed",
            EncodeErrorKind::DeltaNotAllowed => "delta_not_allowed",
            EncodeErrorKind::TagsNotAllowed => "tags_not_allowed",
            EncodeErrorKind::ValueKindMismatch => "value_kind_mismatch",
            EncodeErrorKind::InvalidSetMember => "invalid_set_member",
            EncodeErrorKind::LineTooLong => "line_too_long",
            EncodeErrorKind::BufferTooSmall => "buffer_too_small",
            EncodeErrorKind::Fmt => "fmt",
            EncodeErrorKind::ReservedNamePrefix => "reserved_name_prefix",
            EncodeErrorKind::InvalidTag => "invalid_tag",
            EncodeErrorKind::InvalidFieldText => "invalid_field_text",
            EncodeErrorKind::InvalidTimestamp => "invalid_timestamp",
            EncodeErrorKind::InvalidPackedValues => "invalid_packed_values",
            EncodeErrorKind::EmptyEventTitle => "empty_event_title",
            EncodeErrorKind::InvalidText => "invalid_text",
            EncodeErrorKind::MessageNotInDialect => "message_not_in_dialect",
            EncodeErrorKind::FieldNotInDialect => "field_not_in_dialect",
        }
    }

    /// What is wrong, in a sentence.
    pub const fn message(self) -> &'static str {
        match self {
            EncodeErrorKind::EmptyName => "the metric name is empty",
            EncodeErrorKind::ReservedByteInName => "the metric name contains ':' or '|'",
            EncodeErrorKind::ControlCharacterInName => {
                "the metric name contains a control character"
            }
            EncodeErrorKind::NonFiniteValue => "the value is NaN or infinite",
            EncodeErrorKind::ValueOutOfRange => "the value is out of range for its metric type",
            EncodeErrorKind::SampleRateOutOfRange => {
                "the sample rate is not a finite number greater than 0 and at most 1"
            }
            EncodeErrorKind::TypeNotInDialect => "the dialect has no such metric type",
            EncodeErrorKind::SampleRateNotAllowed => {
                "the dialect allows no sample rate on this metric type"
            }
            EncodeErrorKind::DeltaNotAllowed => {
                "a delta is allowed only on gauges, in the etsy dialect"
            }
            EncodeErrorKind::TagsNotAllowed => "the dialect has no tags",
            EncodeErrorKind::ValueKindMismatch => {
                "sets take a member text, every other type a number"
            }
            EncodeErrorKind::InvalidSetMember => {
                "the set member is empty or contains ':', '|' or a control character"
            }
            EncodeErrorKind::LineTooLong => "the encoded line exceeds the maximum line length",
            EncodeErrorKind::BufferTooSmall => "the output buffer is too small",
            EncodeErrorKind::Fmt => "the output sink failed",
            EncodeErrorKind::ReservedNamePrefix => {
                "the metric name starts with _e{ or _sc|, which DogStatsD reads as an event or a service check"
            }
            EncodeErrorKind::InvalidTag => {
                "a tag key contains ':' or a tag contains ',', '|' or a control character"
            }
            EncodeErrorKind::InvalidFieldText => {
                "a field contains '|' or a control character, or an unknown field looks like a known one"
            }
            EncodeErrorKind::InvalidTimestamp => "the timestamp is 0",
            EncodeErrorKind::InvalidPackedValues => {
                "packed values need the dogstatsd dialect, a numeric type and at least one value"
            }
            EncodeErrorKind::EmptyEventTitle => "the event title is empty",
            EncodeErrorKind::InvalidText => {
                "the text contains a control character other than a newline, the two bytes \\n, or (service-check message) '|'"
            }
            EncodeErrorKind::MessageNotInDialect => {
                "events and service checks need the dogstatsd dialect"
            }
            EncodeErrorKind::FieldNotInDialect => {
                "timestamps, container ids, external data, cardinality and unknown fields need the dogstatsd dialect"
            }
        }
    }
}

/// A metric that cannot be written; nothing was written (or, for a
/// `fmt::Write` sink, nothing past the point of failure: the metric is validated
/// before the first byte is written, so only a failing sink can stop it midway).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EncodeError {
    kind: EncodeErrorKind,
}

impl EncodeError {
    /// A new error.
    pub const fn new(kind: EncodeErrorKind) -> Self {
        EncodeError { kind }
    }

    /// What is wrong.
    pub const fn kind(&self) -> EncodeErrorKind {
        self.kind
    }
}

impl From<EncodeErrorKind> for EncodeError {
    fn from(kind: EncodeErrorKind) -> Self {
        EncodeError { kind }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot encode metric: {}", self.kind.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for EncodeError {}
