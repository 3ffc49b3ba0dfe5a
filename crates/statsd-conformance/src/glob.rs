//! A tiny glob matcher (`*` any run of characters, `?` one character) and the
//! case selectors built on it.

/// Whether `text` matches `pattern`, where `*` matches any run of characters
/// (including `/`) and `?` exactly one.
///
/// ```
/// use statsd_conformance::glob::matches;
/// assert!(matches("counter/*", "counter/rate-half"));
/// assert!(matches("*rate*", "counter/rate-half"));
/// assert!(matches("gauge/?", "gauge/a"));
/// assert!(!matches("gauge/?", "gauge/ab"));
/// ```
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether a case selector matches a graded case. A selector is
/// `[DIALECT_GLOB:]ID_GLOB`; the id glob is matched against the case id and
/// against `id#kind` (`counter/*#encode` selects only the encode side), the
/// dialect glob (if any) against the dialect.
///
/// ```
/// use statsd_conformance::glob::selects;
/// assert!(selects("counter/*", "counter/basic", "spec", "decode"));
/// assert!(selects("counter/*", "counter/basic", "spec", "encode"));
/// assert!(!selects("*#encode", "counter/basic", "spec", "decode"));
/// assert!(selects("etsy:counter/*", "counter/basic", "etsy", "decode"));
/// assert!(!selects("etsy:counter/*", "counter/basic", "spec", "decode"));
/// ```
pub fn selects(selector: &str, id: &str, dialect: &str, kind: &str) -> bool {
    let (dialect_glob, id_glob) = match selector.split_once(':') {
        Some((d, i)) => (Some(d), i),
        None => (None, selector),
    };
    if let Some(d) = dialect_glob {
        if !matches(d, dialect) {
            return false;
        }
    }
    matches(id_glob, id) || matches(id_glob, &format!("{id}#{kind}"))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        for (p, t) in [
            ("*", ""),
            ("*", "abc"),
            ("a*c", "abbbc"),
            ("a*b*c", "axbyc"),
            ("*/x", "a/b/x"),
            ("a?c", "abc"),
            ("ab", "ab"),
            ("a**", "a"),
        ] {
            assert!(matches(p, t), "{p} ~ {t}");
        }
        for (p, t) in [
            ("a", "b"),
            ("a*c", "abd"),
            ("?", ""),
            ("ab", "abc"),
            ("", "a"),
        ] {
            assert!(!matches(p, t), "{p} !~ {t}");
        }
    }
}
