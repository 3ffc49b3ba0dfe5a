//! `serde` support (feature `serde`): `Serialize` for every message type in
//! the shape of the adapter protocol (numbers as JSON numbers, tags as
//! `[key, value]` pairs, texts unescaped); `Deserialize` for [`Number`],
//! [`MetricType`] and the owned [`OwnedMetric`].

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::error::{ParseError, Span};
use crate::escaped::EscapedText;
use crate::fields::UnknownFields;
use crate::message::{
    AlertType, Cardinality, Event, Message, Priority, ServiceCheck, ServiceCheckStatus,
};
use crate::metric::{Metric, MetricType, Number, OwnedMetric, OwnedValue, Value};
use crate::packed::Packed;
use crate::tags::Tags;
use crate::warning::Warning;

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Number::PosInt(v) => s.serialize_u64(v),
            Number::NegInt(v) => s.serialize_i64(v),
            Number::Float(v) => s.serialize_f64(v),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number::PosInt(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number::from_i64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Float(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for MetricType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for MetricType {
    /// From the protocol name (`"counter"`) or the wire code (`"c"`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        MetricType::from_name(&text)
            .or_else(|| MetricType::from_code_bytes(text.as_bytes()))
            .ok_or_else(|| de::Error::custom("unknown metric type"))
    }
}

macro_rules! keyword_serde {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                <$t>::from_wire(text.as_bytes())
                    .ok_or_else(|| de::Error::custom(concat!("unknown ", stringify!($t))))
            }
        }
    )*};
}

keyword_serde!(Cardinality, Priority, AlertType);

impl Serialize for ServiceCheckStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for tag in self.iter() {
            seq.serialize_element(&tag)?;
        }
        seq.end()
    }
}

impl Serialize for Packed<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl Serialize for Value<'_> {
    /// A number, a set member (a string), or packed values (a sequence).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Number(n) => n.serialize(s),
            Value::Set(member) => s.serialize_str(member),
            Value::Packed(p) => p.serialize(s),
        }
    }
}

impl Serialize for EscapedText<'_> {
    /// The unescaped text.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for UnknownFields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl Serialize for Metric<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Metric", 11)?;
        m.serialize_field("name", self.name)?;
        m.serialize_field("type", &self.kind)?;
        m.serialize_field("value", &self.value)?;
        m.serialize_field("sample_rate", &self.sample_rate)?;
        m.serialize_field("delta", &self.delta)?;
        m.serialize_field("tags", &self.tags)?;
        m.serialize_field("timestamp", &self.timestamp)?;
        m.serialize_field("container_id", &self.container_id)?;
        m.serialize_field("external_data", &self.external_data)?;
        m.serialize_field("cardinality", &self.cardinality)?;
        m.serialize_field("unknown_fields", &self.unknown_fields)?;
        m.end()
    }
}

impl Serialize for Event<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Event", 13)?;
        m.serialize_field("title", &self.title)?;
        m.serialize_field("text", &self.text)?;
        m.serialize_field("timestamp", &self.timestamp)?;
        m.serialize_field("hostname", &self.hostname)?;
        m.serialize_field("aggregation_key", &self.aggregation_key)?;
        m.serialize_field("priority", &self.priority)?;
        m.serialize_field("source_type", &self.source_type)?;
        m.serialize_field("alert_type", &self.alert_type)?;
        m.serialize_field("tags", &self.tags)?;
        m.serialize_field("container_id", &self.container_id)?;
        m.serialize_field("external_data", &self.external_data)?;
        m.serialize_field("cardinality", &self.cardinality)?;
        m.serialize_field("unknown_fields", &self.unknown_fields)?;
        m.end()
    }
}

impl Serialize for ServiceCheck<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("ServiceCheck", 10)?;
        m.serialize_field("name", self.name)?;
        m.serialize_field("status", &self.status)?;
        m.serialize_field("timestamp", &self.timestamp)?;
        m.serialize_field("hostname", &self.hostname)?;
        m.serialize_field("tags", &self.tags)?;
        m.serialize_field("message", &self.message)?;
        m.serialize_field("container_id", &self.container_id)?;
        m.serialize_field("external_data", &self.external_data)?;
        m.serialize_field("cardinality", &self.cardinality)?;
        m.serialize_field("unknown_fields", &self.unknown_fields)?;
        m.end()
    }
}

impl Serialize for Message<'_> {
    /// `{"metric": ...}`, `{"event": ...}` or `{"service_check": ...}`, as the
    /// adapter protocol's encode requests.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        match self {
            Message::Metric(x) => m.serialize_entry("metric", x)?,
            Message::Event(x) => m.serialize_entry("event", x)?,
            Message::ServiceCheck(x) => m.serialize_entry("service_check", x)?,
        }
        m.end()
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.start, self.end).serialize(s)
    }
}

/// `{"class", "span", "line", "column", "message"}` (line and column from 1),
/// the form [`ParseError`] and [`Warning`] share.
fn serialize_located<S: Serializer>(
    s: S,
    name: &'static str,
    class: &'static str,
    span: Span,
    line: usize,
    column: usize,
    message: &'static str,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_struct(name, 5)?;
    m.serialize_field("class", class)?;
    m.serialize_field("span", &span)?;
    m.serialize_field("line", &line)?;
    m.serialize_field("column", &column)?;
    m.serialize_field("message", message)?;
    m.end()
}

impl Serialize for ParseError {
    /// `{"class", "span", "line", "column", "message"}`: line and column from 1.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let k = self.kind();
        serialize_located(
            s,
            "ParseError",
            k.code(),
            self.span(),
            self.line_number(),
            self.column(),
            k.message(),
        )
    }
}

impl Serialize for Warning {
    /// `{"class", "span", "line", "column", "message"}`: line and column from 1.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let k = self.kind();
        serialize_located(
            s,
            "Warning",
            k.code(),
            self.span(),
            self.line_number(),
            self.column(),
            k.message(),
        )
    }
}

/// The serde form of an [`OwnedValue`]: a number, a member, or numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum ValueForm {
    Number(Number),
    Set(String),
    Packed(Vec<Number>),
}

/// The serde form of an [`OwnedMetric`], the same as [`Metric`]'s `Serialize`
/// output (tags as pairs).
#[derive(Deserialize)]
struct MetricForm {
    name: String,
    #[serde(rename = "type")]
    kind: MetricType,
    value: ValueForm,
    #[serde(default)]
    sample_rate: Option<f64>,
    #[serde(default)]
    delta: bool,
    #[serde(default)]
    tags: Option<Vec<(String, Option<String>)>>,
    #[serde(default)]
    timestamp: Option<u64>,
    #[serde(default)]
    container_id: Option<String>,
    #[serde(default)]
    external_data: Option<String>,
    #[serde(default)]
    cardinality: Option<Cardinality>,
    #[serde(default)]
    unknown_fields: Vec<String>,
}

impl Serialize for OwnedMetric {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_metric().serialize(s)
    }
}

impl<'de> Deserialize<'de> for OwnedMetric {
    /// Reads what `Serialize` writes (a metric the encoder may still refuse:
    /// validate it before sending).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = MetricForm::deserialize(d)?;
        // The wire text, written by the one tag writer the encoder uses.
        let tags = f.tags.map(|pairs| {
            let pairs: Vec<(&str, Option<&str>)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_deref()))
                .collect();
            let mut text = String::new();
            let _ = Tags::from_pairs(&pairs).write_wire(&mut text);
            text
        });
        let unknown_fields = (!f.unknown_fields.is_empty()).then(|| f.unknown_fields.join("|"));
        Ok(OwnedMetric {
            name: f.name,
            kind: f.kind,
            value: match f.value {
                ValueForm::Number(n) => OwnedValue::Number(n),
                ValueForm::Set(s) => OwnedValue::Set(s),
                ValueForm::Packed(v) => OwnedValue::Packed(v),
            },
            sample_rate: f.sample_rate,
            delta: f.delta,
            tags,
            timestamp: f.timestamp,
            container_id: f.container_id,
            external_data: f.external_data,
            cardinality: f.cardinality,
            unknown_fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, OwnedMetric, parse_messages};

    #[test]
    fn metrics_round_trip_through_json() {
        let input = b"lat:1:2.5|d|@0.5|#env:prod,canary|T1657100540|c:abc|card:low|f:x";
        let line = parse_messages(input, &Config::dogstatsd())
            .next()
            .unwrap()
            .unwrap();
        let crate::Message::Metric(m) = line.message else {
            panic!()
        };
        let json = serde_json::to_string(&m).unwrap();
        assert!(
            json.contains(r#""tags":[["env","prod"],["canary",null]]"#),
            "{json}"
        );
        assert!(json.contains(r#""value":[1,2.5]"#), "{json}");
        let back: OwnedMetric = serde_json::from_str(&json).unwrap();
        assert_eq!(back.as_metric(), m);
        let message = serde_json::to_string(&line.message).unwrap();
        assert!(
            message.starts_with(r#"{"metric":{"name":"lat""#),
            "{message}"
        );
    }
}
