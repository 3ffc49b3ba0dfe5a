//! The codecs: partial input, CRLF in the etsy dialect, the maximum line length
//! and resynchronisation, encoding, and both codecs over real loopback sockets.

use bytes::BytesMut;
use futures::{SinkExt, StreamExt};
use statsd_wire::{Config, EncodeErrorKind, ErrorKind, Metric, MetricType};
use statsd_wire_tokio::{CodecError, Datagram, DatagramCodec, Line, LineCodec};
use tokio_util::codec::{Decoder, Encoder, FramedRead, FramedWrite};
use tokio_util::udp::UdpFramed;

fn decode_all(codec: &mut LineCodec, buf: &mut BytesMut) -> Vec<Line> {
    let mut out = Vec::new();
    while let Some(line) = codec.decode(buf).unwrap() {
        out.push(line);
    }
    out
}

fn text(line: &Line) -> String {
    match line.metric() {
        Ok(m) => m.to_string(),
        Err(e) => format!("{}@{}", e.kind().code(), e.line_index()),
    }
}

#[test]
fn partial_lines_wait_for_their_newline() {
    let input = b"api.requests:1|c|@0.1\nconfBridgeUsers:2|g\n";
    // Feed the stream one byte at a time: every frame appears exactly when its `\n` does.
    let mut codec = LineCodec::new(Config::spec());
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for (i, &b) in input.iter().enumerate() {
        buf.extend_from_slice(&[b]);
        match codec.decode(&mut buf).unwrap() {
            Some(line) => {
                assert_eq!(b, b'\n', "a frame before its newline, at byte {i}");
                frames.push((line.number(), text(&line)));
            }
            None => assert_ne!(b, b'\n', "no frame at the newline at byte {i}"),
        }
    }
    assert_eq!(
        frames,
        [
            (1, "api.requests:1|c|@0.1".to_string()),
            (2, "confBridgeUsers:2|g".to_string())
        ]
    );
    assert!(buf.is_empty());
}

#[test]
fn the_last_line_without_newline_is_a_frame_at_eof() {
    let mut codec = LineCodec::new(Config::spec());
    let mut buf = BytesMut::from(&b"a:1|c\nb:2|g"[..]);
    assert_eq!(text(&codec.decode(&mut buf).unwrap().unwrap()), "a:1|c");
    assert!(codec.decode(&mut buf).unwrap().is_none());
    let last = codec.decode_eof(&mut buf).unwrap().unwrap();
    assert_eq!((last.number(), text(&last)), (2, "b:2|g".to_string()));
    assert!(codec.decode_eof(&mut buf).unwrap().is_none());
}

#[test]
fn empty_lines_are_skipped_but_counted() {
    let mut codec = LineCodec::new(Config::spec());
    let mut buf = BytesMut::from(&b"\n\na:1|c\n\nbad\n"[..]);
    let lines = decode_all(&mut codec, &mut buf);
    let got: Vec<_> = lines.iter().map(|l| (l.number(), text(l))).collect();
    // `bad` is a bare-name meter in the spec dialect.
    assert_eq!(got, [(3, "a:1|c".to_string()), (5, "bad:1|m".to_string())]);
}

#[test]
fn crlf_is_a_line_end_in_etsy_and_an_error_in_spec() {
    let input = b"users:+1|g\r\nhits:3|c\r\n\r\nt:5|ms\r\n";
    let mut etsy = LineCodec::new(Config::etsy());
    let got: Vec<_> = decode_all(&mut etsy, &mut BytesMut::from(&input[..]))
        .iter()
        .map(|l| (l.number(), text(l)))
        .collect();
    assert_eq!(
        got,
        [
            (1, "users:+1|g".to_string()),
            (2, "hits:3|c".to_string()),
            (4, "t:5|ms".to_string())
        ]
    );

    let mut spec = LineCodec::new(Config::spec());
    let lines = decode_all(&mut spec, &mut BytesMut::from(&input[..]));
    // The `\r`-only line 3 is not empty in the spec dialect: it is a control character too.
    assert_eq!(lines.len(), 4);
    for line in &lines {
        let err = line.metric().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ControlCharacter);
        assert_eq!(err.span().end, line.bytes().len());
    }
}

#[test]
fn a_line_too_long_is_an_error_frame_then_the_stream_resyncs() {
    let config = Config::spec().with_max_line_len(16);
    let mut codec = LineCodec::new(config);
    let mut buf = BytesMut::from(&b"ok:1|c\n"[..]);
    assert_eq!(text(&codec.decode(&mut buf).unwrap().unwrap()), "ok:1|c");

    // A line that never ends: reported as soon as it passes the maximum, and the
    // buffer never grows past one maximum line however much arrives.
    buf.extend_from_slice(&[b'x'; 10]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    buf.extend_from_slice(&[b'x'; 10]);
    let long = codec.decode(&mut buf).unwrap().unwrap();
    assert!(long.is_truncated());
    assert_eq!(long.number(), 2);
    assert_eq!(long.bytes().len(), 16);
    let err = long.metric().unwrap_err();
    assert_eq!(
        (err.kind(), err.line_index(), err.span().end),
        (ErrorKind::LineTooLong, 1, 20)
    );
    for _ in 0..1000 {
        buf.extend_from_slice(&[b'y'; 1000]);
        assert!(codec.decode(&mut buf).unwrap().is_none());
        assert!(buf.len() <= 16, "buffered {} bytes", buf.len());
    }
    // The end of the long line, then good lines again, with the right numbers.
    buf.extend_from_slice(b"yyy\nb:2|g\n");
    let next = codec.decode(&mut buf).unwrap().unwrap();
    assert_eq!((next.number(), text(&next)), (3, "b:2|g".to_string()));

    // A complete line over the maximum in one read is cut the same way.
    buf.extend_from_slice(b"0123456789abcdefXYZ\nc:3|c\n");
    let lines = decode_all(&mut codec, &mut buf);
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0].metric().unwrap_err().kind(),
        ErrorKind::LineTooLong
    );
    assert_eq!(lines[0].bytes().as_ref(), b"0123456789abcdef");
    assert_eq!(
        (lines[1].number(), text(&lines[1])),
        (5, "c:3|c".to_string())
    );

    // Exactly the maximum is fine; the `\n` does not count.
    buf.extend_from_slice(b"name.sixteen:1|c\n");
    assert_eq!(
        text(&codec.decode(&mut buf).unwrap().unwrap()),
        "name.sixteen:1|c"
    );
}

#[test]
fn a_too_long_line_at_eof_is_dropped_after_its_error() {
    let mut codec = LineCodec::new(Config::spec().with_max_line_len(4));
    let mut buf = BytesMut::from(&b"abcdefgh"[..]);
    let long = codec.decode_eof(&mut buf).unwrap().unwrap();
    assert_eq!(long.metric().unwrap_err().kind(), ErrorKind::LineTooLong);
    assert!(codec.decode_eof(&mut buf).unwrap().is_none());
    assert!(buf.is_empty());
}

#[test]
fn datagrams_are_whole_frames() {
    let mut codec = DatagramCodec::new(Config::etsy());
    let mut buf = BytesMut::from(&b"a:1|c\r\n\nbad\nusers:alice|s"[..]);
    let datagram = codec.decode(&mut buf).unwrap().unwrap();
    assert!(buf.is_empty());
    assert!(codec.decode(&mut buf).unwrap().is_none());
    let results: Vec<_> = datagram.lines().with_raw().collect();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].1.unwrap().to_string(), "a:1|c");
    let err = results[1].1.unwrap_err();
    assert_eq!(
        (err.kind(), err.line_index(), results[1].0.index),
        (ErrorKind::MissingValue, 2, 2)
    );
    assert_eq!(results[2].1.unwrap().to_string(), "users:alice|s");
}

#[test]
fn encoders_write_the_canonical_form_and_refuse_invalid_metrics() {
    let mut out = BytesMut::new();
    let mut lines = LineCodec::new(Config::etsy());
    lines
        .encode(Metric::gauge_delta("confBridgeUsers", 1i64), &mut out)
        .unwrap();
    lines
        .encode(
            Metric::new("t", MetricType::Timer, 12.5).with_sample_rate(0.1),
            &mut out,
        )
        .unwrap();
    assert_eq!(&out[..], b"confBridgeUsers:+1|g\nt:12.5|ms|@0.1\n");

    // Refused: nothing written.
    let before = out.len();
    let mut spec = LineCodec::new(Config::spec());
    for (metric, kind) in [
        (
            Metric::gauge_delta("g", 1i64),
            EncodeErrorKind::DeltaNotAllowed,
        ),
        (Metric::set("s", "x"), EncodeErrorKind::TypeNotInDialect),
        (
            Metric::new("a:b", MetricType::Counter, 1u64),
            EncodeErrorKind::ReservedByteInName,
        ),
        (
            Metric::new("nan", MetricType::Gauge, f64::NAN),
            EncodeErrorKind::NonFiniteValue,
        ),
        (
            Metric::new("g", MetricType::Gauge, 1u64).with_sample_rate(0.5),
            EncodeErrorKind::SampleRateNotAllowed,
        ),
    ] {
        match spec.encode(metric, &mut out) {
            Err(CodecError::Encode(e)) => assert_eq!(e.kind(), kind),
            other => panic!("{metric:?}: {other:?}"),
        }
        assert_eq!(out.len(), before);
    }

    // Too long for the configured maximum.
    let mut short = DatagramCodec::new(Config::spec().with_max_line_len(5));
    let mut out = BytesMut::new();
    match short.encode(
        Metric::new("long.name", MetricType::Counter, 1u64),
        &mut out,
    ) {
        Err(CodecError::Encode(e)) => assert_eq!(e.kind(), EncodeErrorKind::LineTooLong),
        other => panic!("{other:?}"),
    }
    assert!(out.is_empty());

    // Round trip: what the encoder writes, the decoder reads back as the same metric.
    let metrics = [
        Metric::new("a", MetricType::Counter, -3i64),
        Metric::new("b", MetricType::Meter, 1u64),
        Metric::new("c", MetricType::Histogram, 1.5e-7),
    ];
    let mut codec = DatagramCodec::new(Config::spec());
    let mut out = BytesMut::new();
    codec.encode(&metrics[..], &mut out).unwrap();
    assert_eq!(&out[..], b"a:-3|c\nb:1|m\nc:1.5e-7|h");
    let datagram = codec.decode(&mut out).unwrap().unwrap();
    let back: Vec<_> = datagram.lines().map(Result::unwrap).collect();
    assert_eq!(back, metrics);
}

#[tokio::test]
async fn udp_framed_round_trip_over_loopback() {
    let config = Config::etsy();
    let server = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr().unwrap();
    let mut server = UdpFramed::new(server, DatagramCodec::new(config));
    let client = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut client = UdpFramed::new(client, DatagramCodec::new(config));

    let metrics = [
        Metric::gauge_delta("confBridgeUsers", 1i64),
        Metric::new("hits", MetricType::Counter, 2u64),
    ];
    client.send((&metrics[..], addr)).await.unwrap();
    client
        .send((Metric::gauge_delta("confBridgeUsers", -1i64), addr))
        .await
        .unwrap();

    let (first, _) = server.next().await.unwrap().unwrap();
    let got: Vec<_> = first.lines().map(Result::unwrap).collect();
    assert_eq!(got, metrics);
    let (second, _) = server.next().await.unwrap().unwrap();
    assert_eq!(
        second,
        Datagram::with_config(&b"confBridgeUsers:-1|g"[..], config)
    );
}

#[tokio::test]
async fn dogstatsd_messages_of_every_kind_over_loopback() {
    use statsd_wire_tokio::{Event, Message, ServiceCheck, statsd_wire::ServiceCheckStatus};
    let config = Config::dogstatsd();
    let server = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr().unwrap();
    let mut server = UdpFramed::new(server, DatagramCodec::new(config));
    let client = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut client = UdpFramed::new(client, DatagramCodec::new(config));

    let tags = [("env", Some("prod")), ("canary", None)];
    let sent = [
        Message::from(
            Metric::new("api.hits", MetricType::Counter, 1u64)
                .with_sample_rate(0.5)
                .with_tags(statsd_wire::Tags::from_pairs(&tags)),
        ),
        Message::from(Event::new("Deploy", "line 1\nline 2")),
        Message::from(ServiceCheck::new("db.up", ServiceCheckStatus::Critical)),
    ];
    client.send((&sent[..], addr)).await.unwrap();
    let (datagram, _) = server.next().await.unwrap().unwrap();
    assert_eq!(datagram.config(), &config);
    let got: Vec<_> = datagram.messages().map(|r| r.unwrap().message).collect();
    assert_eq!(got, sent);
    // The metrics-only view reports the event and the service check as such.
    let kinds: Vec<_> = datagram
        .lines()
        .map(|r| r.map(|m| m.name).map_err(|e| e.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            Ok("api.hits"),
            Err(ErrorKind::NotAMetric),
            Err(ErrorKind::NotAMetric)
        ]
    );
}

#[tokio::test]
async fn framed_lines_over_tcp() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = Config::spec();
    let client = tokio::spawn(async move {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut sink = FramedWrite::new(stream, LineCodec::new(config));
        sink.send(Metric::new("a", MetricType::Counter, 1u64))
            .await
            .unwrap();
        sink.send(Metric::new("b", MetricType::Gauge, 2.5))
            .await
            .unwrap();
        // A raw bad line and an unterminated last line, written by hand.
        let stream = sink.get_mut();
        tokio::io::AsyncWriteExt::write_all(stream, b"bad:|c\nc:3|ms")
            .await
            .unwrap();
    });
    let (stream, _) = listener.accept().await.unwrap();
    let frames: Vec<_> = FramedRead::new(stream, LineCodec::new(config))
        .map(|l| {
            let l = l.unwrap();
            (l.number(), text(&l))
        })
        .collect()
        .await;
    client.await.unwrap();
    assert_eq!(
        frames,
        [
            (1, "a:1|c".to_string()),
            (2, "b:2.5|g".to_string()),
            (3, "missing_value@2".to_string()),
            (4, "c:3|ms".to_string()),
        ]
    );
}
