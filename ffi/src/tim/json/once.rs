//! The written-once JSON writer (the pieces `message.rs` and `conv.rs`
//! write their texts with).
//!
//! The Message and ConvInfo texts of lists and listener batches are written
//! straight into one `String`: the stored body's top-level values are
//! spliced in as the store holds them (`RawValue`: no tree, nothing re-parsed
//! below the top level, nothing to drop), the store's keys laid over them.
//! The text is byte for byte what the `Value` route (`message(m).to_string()`)
//! writes: serde_json's maps keep their keys sorted, so the top level is
//! written in that order whatever order the host used; and a value is spliced
//! only when it is already in serde_json's own form (`is_canonical`: compact,
//! keys sorted at every level, its escapes and integers), as a host's element
//! array usually is. A body with any other value (spaces inside, nested keys
//! out of order, a float) takes the `Value` route, which puts it in that form.

use std::fmt::Write as _;

/// One value of a text written once.
pub(crate) enum Piece<'a> {
    /// JSON text spliced as it is.
    Raw(&'a str),
    /// JSON text written before.
    Text(String),
    /// A string, escaped when written.
    Str(&'a str),
    U64(u64),
    I64(i64),
    Bool(bool),
}

impl Piece<'_> {
    fn write(&self, out: &mut String) {
        match self {
            Piece::Raw(t) => out.push_str(t),
            Piece::Text(t) => out.push_str(t),
            Piece::Str(s) => write_str(out, s),
            // Integers print as serde_json writes them.
            Piece::U64(n) => {
                let _ = write!(out, "{n}");
            }
            Piece::I64(n) => {
                let _ = write!(out, "{n}");
            }
            Piece::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        }
    }
}

/// Writes `{"key":value,...}` in key order (the map's), as serde_json
/// writes a map. Keys must need no escaping (`is_canonical` bodies' and the
/// reference's keys do not).
pub(crate) fn write_object(out: &mut String, fields: &std::collections::BTreeMap<&str, Piece<'_>>) {
    out.push('{');
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(k);
        out.push_str("\":");
        v.write(out);
    }
    out.push('}');
}

/// A JSON string as serde_json escapes it.
pub(crate) fn write_str(out: &mut String, s: &str) {
    // Nothing to escape (the usual id or text): as it is.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    // serde_json's writer into a Vec never fails for a str.
    let mut buf = Vec::with_capacity(s.len() + 2);
    let _ = serde_json::to_writer(&mut buf, s);
    out.push_str(std::str::from_utf8(&buf).unwrap_or("\"\""));
}

/// Whether `text` is a JSON text exactly as serde_json writes its `Value`:
/// no whitespace, object keys strictly increasing at every level and free
/// of escapes, strings with serde_json's escapes only, integers only (a
/// fraction or exponent is re-formatted by the tree), within i64 / u64.
/// Conservative: `false` only costs the tree route.
pub(crate) fn is_canonical(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    // Per open container: is it an object, and its last key (byte range).
    let mut stack: Vec<(bool, Option<(usize, usize)>)> = Vec::new();
    // What may come next: a value, or (in an object) a key / the end.
    let mut expect_key = false;
    loop {
        if expect_key {
            // At a key: `"key":` (or `}` right after `{`, handled below).
            if b.get(i) != Some(&b'"') {
                return false;
            }
            let start = i + 1;
            let Some(end) = string_end(b, i) else {
                return false;
            };
            if b[start..end].contains(&b'\\') {
                return false;
            }
            let top = stack.last_mut().expect("a key is inside an object");
            if let Some((ps, pe)) = top.1 {
                if b[ps..pe] >= b[start..end] {
                    return false;
                }
            }
            top.1 = Some((start, end));
            i = end + 1;
            if b.get(i) != Some(&b':') {
                return false;
            }
            i += 1;
            expect_key = false;
        }
        // A value.
        match b.get(i) {
            Some(b'{') => {
                stack.push((true, None));
                i += 1;
                if b.get(i) == Some(&b'}') {
                    stack.pop();
                    i += 1;
                } else {
                    expect_key = true;
                    continue;
                }
            }
            Some(b'[') => {
                stack.push((false, None));
                i += 1;
                if b.get(i) == Some(&b']') {
                    stack.pop();
                    i += 1;
                } else {
                    continue;
                }
            }
            Some(b'"') => match string_end(b, i) {
                Some(end) if canonical_escapes(&b[i + 1..end]) => i = end + 1,
                _ => return false,
            },
            Some(b't') if b[i..].starts_with(b"true") => i += 4,
            Some(b'f') if b[i..].starts_with(b"false") => i += 5,
            Some(b'n') if b[i..].starts_with(b"null") => i += 4,
            Some(&c) if c == b'-' || c.is_ascii_digit() => {
                let start = i;
                if c == b'-' {
                    i += 1;
                }
                let digits = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                let n = &text[start..i];
                let ok = i > digits
                    && !(b[digits] == b'0' && i - digits > 1)
                    && n != "-0"
                    && (n.parse::<u64>().is_ok() || n.parse::<i64>().is_ok());
                if !ok || matches!(b.get(i), Some(b'.' | b'e' | b'E')) {
                    return false;
                }
            }
            _ => return false,
        }
        // After a value: `,` then the next, or close containers.
        loop {
            let Some(&(is_obj, _)) = stack.last() else {
                return i == b.len();
            };
            match (b.get(i), is_obj) {
                (Some(b','), true) => {
                    i += 1;
                    expect_key = true;
                    break;
                }
                (Some(b','), false) => {
                    i += 1;
                    break;
                }
                (Some(b'}'), true) | (Some(b']'), false) => {
                    stack.pop();
                    i += 1;
                }
                _ => return false,
            }
        }
    }
}

/// The index of the quote that ends the string opening at `b[open]`.
fn string_end(b: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some(i),
            b'\\' => i += 2,
            c if c < 0x20 => return None,
            _ => i += 1,
        }
    }
    None
}

/// A string's inside (between its quotes) uses serde_json's escapes only:
/// `\" \\ \b \f \n \r \t`, and `\u00xx` (lowercase) for the other control
/// characters.
fn canonical_escapes(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' {
            match s.get(i + 1) {
                Some(b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = s.get(i + 2..i + 6);
                    let ok = hex.is_some_and(|h| {
                        h[0] == b'0'
                            && h[1] == b'0'
                            && h[2..]
                                .iter()
                                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
                    }) && {
                        let h = hex.unwrap_or_default();
                        let v =
                            u8::from_str_radix(std::str::from_utf8(&h[2..]).unwrap_or("ff"), 16)
                                .unwrap_or(0xff);
                        v < 0x20 && !matches!(v, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d)
                    };
                    if !ok {
                        return false;
                    }
                    i += 6;
                }
                _ => return false,
            }
        } else {
            i += 1;
        }
    }
    true
}

/// Writes a JSON object field by field, keys in the order given (the
/// caller's: serde_json's maps write theirs sorted).
pub(crate) struct ObjectWriter<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> ObjectWriter<'o> {
    /// Opens the object.
    pub(crate) fn new(out: &'o mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// `"key":` (keys need no escaping: the reference's and borrowed ones).
    pub(crate) fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
        self.out
    }

    /// A field.
    pub(crate) fn field(&mut self, key: &str, v: &Piece<'_>) {
        v.write(self.key(key));
    }

    /// Closes the object.
    pub(crate) fn end(self) {
        self.out.push('}');
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Bodies a host may store: canonical ones (spliced) and every kind the
    /// check must send to the tree (spaces, key order, escapes, numbers,
    /// not an object, not JSON).
    pub(crate) const BODIES: &[&str] = &[
        r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"hi"}]}"#,
        r#"{"a":{"b":[1,-2,{"c":null}],"d":true},"message_client_time":5,"message_custom_str":"x\n\u001f\"","z":false}"#,
        r#"{"message_client_time":0,"message_elem_array":{"not":"an array"},"message_msg_id":"forged"}"#,
        r#"{"message_client_time":"7","message_status":99}"#,
        r#"{"message_client_time":-3}"#,
        r#"{"message_client_time":18446744073709551615,"n":-9223372036854775808}"#,
        r#"{"message_elem_array": []}"#,
        r#"{"b":1,"a":2}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"y":1,"x":2}}"#,
        r#"{"a":1.5}"#,
        r#"{"a":1e3}"#,
        r#"{"a":-0}"#,
        r#"{"a":01}"#,
        r#"{"a":18446744073709551616}"#,
        r#"{"a":"\/"}"#,
        r#"{"a":"\u00e9"}"#,
        r#"{"a":"\u001F"}"#,
        r#"{"a":"\u000a"}"#,
        r#"{"a\"b":1}"#,
        r#"{"é":1,"z":2}"#,
        "[1,2]",
        "\"text\"",
        "",
        "not json",
        "{}",
        "{",
        r#"{"a":[}"#,
        r#"{"a":1}x"#,
        r#"{"message_msg_id":"host","message_conv_id":"c","message_elem_array":[{"elem_type":0,"text_elem_content":"as a host writes it"}],"message_priority":2,"message_random":12}"#,
        r#" { "z" : [1,2] , "a" : {"b":"c"} , "message_client_time" : 9 } "#,
        r#"{"z":1,"a":2,"z":3}"#,
        r#"{"z":{"b":1, "a":2},"a":2}"#,
        r#"{"k":"\u00e9","a":2}"#,
        r#"{"message_rand":5,"message_unique_id":0}"#,
    ];

    #[test]
    fn only_serde_jsons_own_form_counts_as_canonical() {
        for body in BODIES {
            let canonical =
                serde_json::from_str::<Value>(body).is_ok_and(|v| v.to_string().as_str() == *body);
            // Never canonical when the tree would write it otherwise.
            if is_canonical(body) {
                assert!(canonical, "{body}");
            }
        }
        assert!(is_canonical(BODIES[0]));
        assert!(is_canonical(BODIES[1]));
        assert!(is_canonical(BODIES[5]));
        for v in [
            json!({"k": [1, 2, {"x": "\u{7f}\t\u{1b}"}], "j": null, "i": -5, "h": ""}),
            json!([]),
            json!({}),
            json!("s"),
            json!(u64::MAX),
        ] {
            assert!(is_canonical(&v.to_string()), "{v}");
        }
    }
}
