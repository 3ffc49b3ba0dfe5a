//! Robustness: random inputs built from the characters that matter to the
//! parsers (separators, quotes, escapes, comments, brackets, variables, control
//! and multi-byte characters) never make any entry point panic.

use statsd_asterisk::args::{AppCall, StatsdArgs, separate_args};
use statsd_asterisk::conf::StatsdConf;
use statsd_asterisk::lint::{lint_dialplan, parse_dialplan};
use statsd_asterisk::send::FixedRandom;
use statsd_asterisk::{app, simulate};

const PIECES: &[&str] = &[
    ",",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "\\",
    ";",
    ";--",
    "--;",
    "=",
    "=>",
    "+=",
    "$",
    "${",
    "$[",
    "}",
    "|",
    "|@",
    ":",
    ".",
    "+",
    "-",
    "0",
    "1",
    "5",
    "9",
    " ",
    "\t",
    "\n",
    "\r",
    "\0",
    "é",
    "€",
    "😀",
    "StatsD(",
    "statsd",
    "exten",
    "same",
    "n",
    "hint",
    "[general]",
    "[default]",
    "#include",
    "g",
    "c",
    "ms",
    "s",
    "h",
    "m",
    "e3",
    "0.004",
    "0.999",
    "9223372036854776833",
    "18446744073709553665",
    "enabled",
    "server",
    "prefix",
    "meter_support",
    "add_newline",
    "yes",
    "no",
    "127.0.0.1",
    "[::1]",
    "8125",
    "0x10",
    "inf",
    "nan",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self, max_pieces: u64) -> String {
        let n = self.next() % max_pieces;
        (0..n)
            .map(|_| PIECES[(self.next() % PIECES.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn random_inputs_never_panic() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let enabled = StatsdConf {
        enabled: true,
        ..StatsdConf::default()
    };
    let mut odd = enabled.clone();
    odd.meter_support = false;
    odd.add_newline = true;
    odd.set_prefix("p.");
    for round in 0..20_000 {
        let text = rng.text(40);
        let _ = separate_args(&text, (round % 6) as usize);
        let _ = StatsdArgs::split(&text);
        let _ = AppCall::parse(&text);
        let _ = app::statsd_exec(Some(&text));
        let call = format!("StatsD({text})");
        let random = (rng.next() % 1001) as f64 / 1000.0;
        let _ = simulate(&call, &enabled, &mut FixedRandom(random));
        let _ = simulate(&call, &odd, &mut FixedRandom(random));
        let _ = StatsdConf::parse(&text);
        let _ = StatsdConf::parse(&format!("[general]\n{text}"));
        let _ = parse_dialplan(&text);
        let dialplan = format!(
            "[default]\nexten => 1,1,{text}\n same => n,StatsD({})\n",
            rng.text(12)
        );
        let _ = lint_dialplan(&dialplan, &enabled);
        let _ = lint_dialplan(&dialplan, &odd);
        let _ = lint_dialplan(&text, &odd);
    }
}
