//! TIM JSON in and out: every TIM key imcore reads or writes lives in this
//! module tree (`conv`: ConvInfo, filters, operation results; `message`:
//! Message, receipts; `envelope`: the transport's envelopes; `once`: the
//! pieces Message and ConvInfo texts are written once with). This file
//! holds the reading helpers and conversation ids.
//!
//! In: `serde_json::Value` parsing (a duplicate key keeps its last value),
//! unknown keys ignored, `null` treated as absent, wrong types refused with
//! `TIM_ERR_JSON` naming the key. Out: the reference's snake_case keys,
//! enums as integers, times in seconds, `[]` for empty lists.

use crate::boundary::{Checked, Reject};
use imcore::ConvKey;
use serde_json::{Map, Value};

/// Parses a JSON text; an error names `what`.
pub fn parse(text: &str, what: &str) -> Checked<Value> {
    serde_json::from_str(text).map_err(|e| Reject::json(format!("{what} is not valid JSON: {e}")))
}

/// Parses optional JSON: NULL, "", whitespace and the literal `null` give `None`.
pub fn parse_opt(text: Option<&str>, what: &str) -> Checked<Option<Value>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => match parse(t, what)? {
            Value::Null => Ok(None),
            v => Ok(Some(v)),
        },
    }
}

/// A JSON object (or refusal naming `what`).
pub fn object<'a>(v: &'a Value, what: &str) -> Checked<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| Reject::json(format!("{what} must be a JSON object")))
}

/// A JSON array (or refusal naming `what`).
pub fn array<'a>(v: &'a Value, what: &str) -> Checked<&'a Vec<Value>> {
    v.as_array()
        .ok_or_else(|| Reject::json(format!("{what} must be a JSON array")))
}

/// Typed access to the keys of one object; errors name `<ctx>.<key>`.
pub struct Obj<'a> {
    /// The object.
    pub map: &'a Map<String, Value>,
    /// Where it is (for error text), e.g. `json_msg_param`.
    pub ctx: String,
}

impl<'a> Obj<'a> {
    /// Wraps an object value.
    pub fn new(v: &'a Value, ctx: impl Into<String>) -> Checked<Self> {
        let ctx = ctx.into();
        Ok(Obj {
            map: object(v, &ctx)?,
            ctx,
        })
    }
    fn name(&self, key: &str) -> String {
        format!("{}.{key}", self.ctx)
    }
    /// A present, non-null value.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }
    /// An optional string.
    pub fn str(&self, key: &str) -> Checked<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Reject::json(format!("{} must be a string", self.name(key)))),
        }
    }
    /// An optional unsigned integer.
    pub fn u64(&self, key: &str) -> Checked<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                Reject::json(format!("{} must be a non-negative integer", self.name(key)))
            }),
        }
    }
    /// An optional integer.
    pub fn i64(&self, key: &str) -> Checked<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| Reject::json(format!("{} must be an integer", self.name(key)))),
        }
    }
    /// An optional bool.
    pub fn bool(&self, key: &str) -> Checked<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Reject::json(format!(
                "{} must be true or false",
                self.name(key)
            ))),
        }
    }
    /// An optional array of strings.
    pub fn strings(&self, key: &str) -> Checked<Option<Vec<String>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().map(str::to_owned).ok_or_else(|| {
                        Reject::json(format!("{}[{i}] must be a string", self.name(key)))
                    })
                })
                .collect::<Checked<Vec<_>>>()
                .map(Some),
            Some(_) => Err(Reject::json(format!(
                "{} must be an array of strings",
                self.name(key)
            ))),
        }
    }
    /// A required key's presence.
    pub fn require<T>(&self, key: &str, v: Option<T>) -> Checked<T> {
        v.ok_or_else(|| Reject::json(format!("{} is missing", self.name(key))))
    }
}

/// A JSON array of strings (e.g. `conversation_id_array`).
pub fn string_array(text: &str, what: &str) -> Checked<Vec<String>> {
    let v = parse(text, what)?;
    array(&v, what)?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| Reject::json(format!("{what}[{i}] must be a string")))
        })
        .collect()
}

/// A JSON array of V2 conversation ids; a malformed id is `TIM_ERR_CONV`.
pub fn v2_keys(text: &str, what: &str) -> Checked<(Vec<String>, Vec<ConvKey>)> {
    let ids = string_array(text, what)?;
    let keys = ids
        .iter()
        .enumerate()
        .map(|(i, id)| crate::boundary::v2_key(id, &format!("{what}[{i}]")))
        .collect::<Checked<Vec<_>>>()?;
    Ok((ids, keys))
}

/// A JSON array of V2 ids for a list of keys.
pub fn v2_id_array(keys: &[ConvKey]) -> String {
    Value::Array(keys.iter().map(|k| Value::String(k.v2_id())).collect()).to_string()
}

mod conv;
pub mod envelope;
pub mod lifecycle;
mod message;
mod once;

pub use conv::*;
pub use message::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_keep_the_last_value_and_null_is_absent() {
        let v = parse(r#"{"a":1,"a":2,"b":null}"#, "x").unwrap();
        let o = Obj::new(&v, "x").unwrap();
        assert_eq!(o.u64("a").unwrap(), Some(2));
        assert_eq!(o.u64("b").unwrap(), None);
        assert!(parse_opt(Some(" null "), "x").unwrap().is_none());
        assert!(parse_opt(Some(""), "x").unwrap().is_none());
    }

    #[test]
    fn wrong_types_name_the_key() {
        let v = parse(r#"{"message_seq":"7"}"#, "m").unwrap();
        let e = Obj::new(&v, "json_msg")
            .unwrap()
            .u64("message_seq")
            .unwrap_err();
        assert_eq!(e.code, crate::TIM_ERR_JSON);
        assert!(e.desc.contains("json_msg.message_seq"), "{}", e.desc);
        assert!(parse("{", "json_msg")
            .unwrap_err()
            .desc
            .contains("json_msg"));
    }
}
