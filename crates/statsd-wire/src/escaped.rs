//! [`EscapedText`]: the title and text of a DogStatsD event and the message of
//! a service check, where a newline travels as the two bytes `\n`.

use core::fmt;

/// A text whose newlines travel escaped: on the wire the two bytes `\n`
/// (backslash, `n`) stand for a newline, and every other byte is itself (a lone
/// backslash stays a backslash). Read from the wire ([`EscapedText::wire`]) or
/// given as plain text by a caller ([`EscapedText::plain`]); unescaping never
/// allocates ([`chunks`](EscapedText::chunks), [`write_unescaped`](EscapedText::write_unescaped),
/// `Display`). Two texts are equal when their unescaped texts are.
///
/// ```
/// use statsd_wire::EscapedText;
/// let t = EscapedText::wire(r"line 1\nline 2\x");
/// assert_eq!(t.to_string(), "line 1\nline 2\\x");
/// assert_eq!(t, EscapedText::plain("line 1\nline 2\\x"));
/// assert_eq!(t.wire_len(), 16);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct EscapedText<'a> {
    repr: Repr<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Repr<'a> {
    Wire(&'a str),
    Plain(&'a str),
}

impl<'a> EscapedText<'a> {
    /// Text as on the wire (escaped).
    pub const fn wire(text: &'a str) -> Self {
        EscapedText {
            repr: Repr::Wire(text),
        }
    }

    /// Plain text (newlines as themselves), for the encoder.
    pub const fn plain(text: &'a str) -> Self {
        EscapedText {
            repr: Repr::Plain(text),
        }
    }

    /// The wire text, when this text was read from the wire.
    pub const fn as_wire(&self) -> Option<&'a str> {
        match self.repr {
            Repr::Wire(t) => Some(t),
            Repr::Plain(_) => None,
        }
    }

    /// The plain text, when a caller gave it.
    pub const fn as_plain(&self) -> Option<&'a str> {
        match self.repr {
            Repr::Plain(t) => Some(t),
            Repr::Wire(_) => None,
        }
    }

    /// The unescaped text in pieces: stretches of text and `"\n"`.
    ///
    /// ```
    /// use statsd_wire::EscapedText;
    /// let pieces: Vec<_> = EscapedText::wire(r"a\nb").chunks().collect();
    /// assert_eq!(pieces, ["a", "\n", "b"]);
    /// ```
    pub fn chunks(&self) -> Chunks<'a> {
        match self.repr {
            Repr::Wire(t) => Chunks {
                rest: t,
                escaped: true,
            },
            Repr::Plain(t) => Chunks {
                rest: t,
                escaped: false,
            },
        }
    }

    /// Writes the unescaped text.
    pub fn write_unescaped<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        self.chunks().try_for_each(|c| w.write_str(c))
    }

    /// Copies the unescaped text into `buf`; returns its length, or `None` when
    /// `buf` is too small.
    pub fn unescape_into(&self, buf: &mut [u8]) -> Option<usize> {
        let mut len = 0;
        for chunk in self.chunks() {
            buf.get_mut(len..len + chunk.len())?
                .copy_from_slice(chunk.as_bytes());
            len += chunk.len();
        }
        Some(len)
    }

    /// The length of the unescaped text, in bytes.
    pub fn unescaped_len(&self) -> usize {
        self.chunks().map(str::len).sum()
    }

    /// The length of the escaped (wire) text, in bytes: what an event's header
    /// counts.
    pub fn wire_len(&self) -> usize {
        match self.repr {
            Repr::Wire(t) => t.len(),
            Repr::Plain(t) => t.len() + t.bytes().filter(|&b| b == b'\n').count(),
        }
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        match self.repr {
            Repr::Wire(t) | Repr::Plain(t) => t.is_empty(),
        }
    }

    /// Whether the wire form would read back as this same text: false for plain
    /// text that holds the two bytes `\n` (backslash, `n`), which a reader
    /// would take for an escaped newline.
    pub(crate) fn round_trips(&self) -> bool {
        match self.repr {
            Repr::Wire(_) => true,
            Repr::Plain(t) => !t.contains("\\n"),
        }
    }

    /// The raw text of either form (for byte-class checks).
    pub(crate) const fn raw(&self) -> &'a str {
        match self.repr {
            Repr::Wire(t) | Repr::Plain(t) => t,
        }
    }

    /// Writes the escaped (wire) text.
    pub(crate) fn write_wire<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        match self.repr {
            Repr::Wire(t) => w.write_str(t),
            Repr::Plain(t) => {
                let mut pieces = t.split('\n');
                if let Some(first) = pieces.next() {
                    w.write_str(first)?;
                }
                for piece in pieces {
                    w.write_str("\\n")?;
                    w.write_str(piece)?;
                }
                Ok(())
            }
        }
    }
}

impl PartialEq for EscapedText<'_> {
    fn eq(&self, other: &Self) -> bool {
        let a = self.chunks().flat_map(str::bytes);
        let b = other.chunks().flat_map(str::bytes);
        a.eq(b)
    }
}

impl Eq for EscapedText<'_> {}

impl fmt::Display for EscapedText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_unescaped(f)
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for EscapedText<'a> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(if u.arbitrary()? {
            EscapedText::wire(u.arbitrary()?)
        } else {
            EscapedText::plain(u.arbitrary()?)
        })
    }
}

/// The pieces of an unescaped [`EscapedText`].
#[derive(Clone, Debug)]
pub struct Chunks<'a> {
    rest: &'a str,
    escaped: bool,
}

impl<'a> Iterator for Chunks<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        if !self.escaped {
            return Some(core::mem::take(&mut self.rest));
        }
        if let Some(tail) = self.rest.strip_prefix("\\n") {
            self.rest = tail;
            return Some("\n");
        }
        let end = self.rest.find("\\n").unwrap_or(self.rest.len());
        let (piece, tail) = self.rest.split_at(end);
        self.rest = tail;
        Some(piece)
    }
}

impl core::iter::FusedIterator for Chunks<'_> {}
