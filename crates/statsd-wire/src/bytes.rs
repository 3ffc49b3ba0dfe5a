//! Byte classes of a text, eight bytes at a time (SWAR, safe Rust): the name of
//! every line is checked for control characters when parsed, and for `:`, `|` and
//! control characters when encoded. A byte-at-a-time loop cost about 10
//! instructions per byte here (callgrind); this costs about 3.

/// A control character: bytes 0x00 to 0x1F and 0x7F.
pub(crate) const CONTROL: u8 = 1;
/// A `:` or `|`, which end a name or a value on the wire.
pub(crate) const RESERVED: u8 = 2;

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Nonzero iff a byte of `x` is zero (exact as a boolean).
#[inline]
const fn has_zero_byte(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Nonzero iff a byte of `x` equals `b`.
#[inline]
const fn has_byte(x: u64, b: u8) -> u64 {
    has_zero_byte(x ^ (ONES * b as u64))
}

/// Nonzero iff a byte of `x` is below `n` (`n <= 128`; exact as a boolean).
#[inline]
const fn has_byte_below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * n as u64) & !x & HIGHS
}

#[inline]
fn classes_of_word(x: u64) -> u8 {
    let control = has_byte_below(x, 0x20) | has_byte(x, 0x7f);
    let reserved = has_byte(x, b':') | has_byte(x, b'|');
    (u8::from(control != 0) * CONTROL) | (u8::from(reserved != 0) * RESERVED)
}

/// The [`CONTROL`] and [`RESERVED`] bits of the bytes of `bytes`.
#[inline]
pub(crate) fn classes(bytes: &[u8]) -> u8 {
    let mut chunks = bytes.chunks_exact(8);
    let mut acc = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        acc |= classes_of_word(u64::from_ne_bytes(word));
    }
    // The tail, padded with a byte of no class.
    let tail = chunks.remainder();
    let mut word = [b'a'; 8];
    word[..tail.len()].copy_from_slice(tail);
    acc | classes_of_word(u64::from_ne_bytes(word))
}

/// The offset of the first control character in `bytes`, if any: one pass,
/// eight bytes at a time (the lowest flag of the borrowing masks is exact).
#[inline]
pub(crate) fn first_control(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at < bytes.len() {
        let x = word_at(bytes, at, b'a');
        let control = has_byte_below(x, 0x20) | has_byte(x, 0x7f);
        if control != 0 {
            return Some(at + (control.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    None
}

const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);

/// The high bit of each byte of `x` that equals `b`, exactly (no borrow
/// between bytes, unlike [`has_byte`]).
#[inline]
const fn eq_mask(x: u64, b: u8) -> u64 {
    let y = x ^ (ONES * b as u64);
    !(((y & LOW7) + LOW7) | y) & HIGHS
}

/// The 8 bytes at `at` as a little-endian word (byte `at` lowest), padded
/// with `pad` past the end of `bytes`.
#[inline]
fn word_at(bytes: &[u8], at: usize, pad: u8) -> u64 {
    match bytes.get(at..at + 8) {
        Some(chunk) => {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            u64::from_le_bytes(word)
        }
        None => {
            let tail = bytes.get(at..).unwrap_or_default();
            let mut word = [pad; 8];
            word[..tail.len()].copy_from_slice(tail);
            u64::from_le_bytes(word)
        }
    }
}

/// The offset of the first `:`, `|` or control character in `bytes`, if any:
/// where a metric name ends, or the control character that makes it invalid.
/// One pass, eight bytes at a time.
#[inline]
pub(crate) fn first_name_stop(bytes: &[u8]) -> Option<usize> {
    // The borrowing masks ([`has_byte`], [`has_byte_below`]) may also flag
    // bytes above (after) a flagged one, never a byte below the first: the
    // lowest flag is exact, and it is the only one used.
    let mut at = 0;
    while at < bytes.len() {
        let x = word_at(bytes, at, b'a');
        let stop =
            has_byte(x, b':') | has_byte(x, b'|') | has_byte_below(x, 0x20) | has_byte(x, 0x7f);
        if stop != 0 {
            return Some(at + (stop.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    None
}

/// Whether every byte of `bytes` is in `[A-Za-z0-9_.]` (the characters the
/// DogStatsD documentation allows in a metric name): one table lookup per
/// byte, with no branch (callgrind: fewer instructions than the eight-byte
/// masks, whose set takes four range tests a word).
#[inline]
pub(crate) fn is_portable_name(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |portable, &b| portable & PORTABLE[usize::from(b)])
}

/// `[A-Za-z0-9_.]` as a table of the 256 byte values.
static PORTABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'.';
        b += 1;
    }
    table
};

/// Whether `bytes` hold two `b` in a row, eight bytes at a time (the
/// empty-tag check of a tag section: `,,`).
#[inline]
pub(crate) fn has_pair(bytes: &[u8], b: u8) -> bool {
    // `previous`: the high bit of byte 0 set iff the byte before this word is `b`.
    let mut previous = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Padded with a byte other than `b`.
        let m = eq_mask(word_at(bytes, at, !b), b);
        if (m & (m << 8)) | (m & previous) != 0 {
            return true;
        }
        previous = m >> 56;
        at += 8;
    }
    false
}

/// Whether `bytes` hold a control character.
#[inline]
pub(crate) fn has_control(bytes: &[u8]) -> bool {
    classes(bytes) & CONTROL != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(bytes: &[u8]) -> u8 {
        bytes.iter().fold(0, |acc, &b| {
            acc | if b < 0x20 || b == 0x7f { CONTROL } else { 0 }
                | if b == b':' || b == b'|' { RESERVED } else { 0 }
        })
    }

    #[test]
    fn pairs_agree_with_a_byte_loop_on_every_string_of_two_bytes_up_to_18() {
        for len in 0..=18u32 {
            for bits in 0..1u32 << len {
                let s: Vec<u8> = (0..len)
                    .map(|i| if bits >> i & 1 == 1 { b',' } else { b'a' })
                    .collect();
                let slow = s.windows(2).any(|w| w == b",,");
                assert_eq!(
                    has_pair(&s, b','),
                    slow,
                    "{:?}",
                    String::from_utf8_lossy(&s)
                );
            }
        }
        // Bytes next to `,` that differ from it only in their high bit or by
        // a borrow.
        for b in 0..=255u8 {
            for at in 0..17 {
                let mut s = vec![b; 17];
                s[at] = b',';
                let slow = s.windows(2).any(|w| w == b",,");
                assert_eq!(has_pair(&s, b','), slow, "{b:#x} at {at}");
            }
        }
    }

    #[test]
    fn portable_names_agree_with_a_byte_loop_on_every_byte_at_every_position() {
        let portable = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.';
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    for n in [
                        b'x', b'Z', 0x00, 0x2f, b'.', 0x40, 0x5b, 0x60, 0x7b, 0x7f, 0x80, 0xff,
                    ] {
                        let mut bytes = vec![b'a'; len];
                        bytes[at] = b;
                        if at + 1 < len {
                            bytes[at + 1] = n;
                        }
                        if at > 0 {
                            bytes[at - 1] = n;
                        }
                        let expected = bytes.iter().all(portable);
                        assert_eq!(is_portable_name(&bytes), expected, "{bytes:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn stops_agree_with_a_byte_loop_on_every_byte_at_every_position() {
        let is_stop = |b: u8| b == b':' || b == b'|' || b < 0x20 || b == 0x7f;
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    for n in [
                        b'x', 0x00, 0x01, 0x0a, 0x1f, 0x20, b':', 0x7e, 0x7f, 0x80, 0xff,
                    ] {
                        let mut bytes = vec![b'x'; len];
                        bytes[at] = b;
                        if at + 1 < len {
                            bytes[at + 1] = n;
                        }
                        if at > 0 {
                            bytes[at - 1] = n;
                        }
                        let first = bytes.iter().position(|&b| is_stop(b));
                        assert_eq!(first_name_stop(&bytes), first, "{bytes:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn agrees_with_a_byte_loop_on_every_byte_at_every_position() {
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'x'; len];
                    bytes[at] = b;
                    assert_eq!(classes(&bytes), slow(&bytes), "{bytes:?}");
                    let first = bytes.iter().position(|&b| b < 0x20 || b == 0x7f);
                    assert_eq!(first_control(&bytes), first, "{bytes:?}");
                    // Neighbours that could borrow into the byte under test.
                    for n in [0x00, 0x01, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff] {
                        if at + 1 < len {
                            bytes[at + 1] = n;
                            assert_eq!(classes(&bytes), slow(&bytes), "{bytes:?}");
                        }
                    }
                }
            }
        }
    }
}
