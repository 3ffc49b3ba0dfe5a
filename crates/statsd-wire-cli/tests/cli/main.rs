//! The `statsd-wire` binary, driven as a user (or a script) drives it: every
//! subcommand on good and bad input, exit codes, diagnostics, JSON shapes, and
//! `listen`/`send` over real loopback sockets.

mod adapter;
mod asterisk;
mod check;
mod fmt;
mod json;
mod listen;
mod listen_faults;
mod send;
mod streaming;
mod support;
