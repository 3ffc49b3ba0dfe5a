#!/usr/bin/env node
/*
 * Adapter (protocol version 1) over the npm StatsD clients and the npm
 * statsd-parser decoder, installed in ./node_modules from package-lock.json.
 *
 *   node adapter.js --impl NAME capabilities | decode --dialect D | encode --dialect D | batch --dialect D
 *
 * NAME: hot-shots | statsd-client | lynx | node-statsd (encoders),
 *       statsd-parser (decoder).
 *
 * Encoders: each request metric goes through the client's public API call for
 * its type (see CLIENTS below) and the bytes the client hands to its socket
 * are captured, never sent: hot-shots' own `mock: true` buffer; a fake socket
 * object for the others (statsd-client's `_socket` option, lynx's documented
 * `socket` option, node-statsd's `socket` property). Random sampling is made
 * deterministic ("sampled in"): Math.random returns 0 (hot-shots,
 * node-statsd), lynx's Mersenne twister returns 0. Exit 1 ("refused") when
 * the client threw, reported an error, sent nothing, or has no API for the
 * metric (a type, a rate, a delta, tags or several values it cannot express);
 * stderr says which.
 *
 * Dialects: every client has one behaviour; the adapter declares the suite
 * dialects listed in DIALECTS for each implementation. A DogStatsD column is
 * added by declaring `dogstatsd` for the clients that speak it (hot-shots,
 * node-statsd, statsd-client): tags are already passed to the clients' tag
 * arguments.
 *
 * Exit codes: 0, 1 (refused), 89 (dialect/op not implemented), 64 usage,
 * 70 unexpected crash of a decoder.
 */
'use strict';

const path = require('path');
const readline = require('readline');

const EXIT_REFUSED = 1;
const EXIT_CRASH = 70;
const EXIT_UNIMPLEMENTED = 89;
const EXIT_USAGE = 64;
const EXIT_HARNESS = 75;

const NM = path.join(__dirname, 'node_modules');
const req = (name) => require(path.join(NM, name));
const version = (name) => req(name + '/package.json').version;

class Refused extends Error {}

/** A request value string as the JS number an application would pass. */
function num(s) {
  if (typeof s !== 'string') throw new Refused('value is not a string');
  const n = Number(s);
  if (Number.isNaN(n) && s !== 'NaN') throw new Refused('value ' + JSON.stringify(s) + ' is not a number');
  return n;
}

/** The request's sample rate as a number, or undefined. */
function rateOf(m) {
  return m.sample_rate === null || m.sample_rate === undefined ? undefined : num(m.sample_rate);
}

function tagsOf(m) {
  if (m.tags === null || m.tags === undefined) return undefined;
  // DogStatsD-style "key:value" strings, a bare key for a null value.
  return m.tags.map(([k, v]) => (v === null ? k : k + ':' + v));
}

function oneValue(m) {
  if (!Array.isArray(m.values) || m.values.length !== 1) {
    throw new Refused('the client writes one value per call, not ' + JSON.stringify(m.values));
  }
  return m.values[0];
}

function no(what, m) {
  throw new Refused('the client has no API for ' + what + ' (' + JSON.stringify(m) + ')');
}

/** Patch Math.random so that a sampled call is always sampled in. */
function sampledIn() {
  Math.random = () => 0;
}

// ------------------------------------------------------------------ encoders

const CLIENTS = {
  'hot-shots': {
    package: 'hot-shots',
    dialects: ['spec', 'etsy', 'dogstatsd'],
    make() {
      sampledIn();
      const StatsD = req('hot-shots');
      // Plain StatsD mode: no DogStatsD auto-detection, no telemetry, no
      // client-side aggregation, no global tags from DD_* variables.
      const c = new StatsD({ mock: true, datadog: false, telegraf: false, includeDataDogTags: false,
        maxBufferSize: 0, errorHandler: (e) => { throw e; } });
      return {
        send(m) {
          const v = oneValue(m);
          const rate = rateOf(m);
          const tags = tagsOf(m);
          switch (m.type) {
            case 'counter': return c.increment(m.name, num(v), rate, tags);
            case 'gauge': return m.delta ? c.gaugeDelta(m.name, num(v), rate, tags) : c.gauge(m.name, num(v), rate, tags);
            case 'timer': return c.timing(m.name, num(v), rate, tags);
            case 'histogram': return c.histogram(m.name, num(v), rate, tags);
            case 'distribution': return c.distribution(m.name, num(v), rate, tags);
            case 'set': return c.set(m.name, v, rate, tags);
            default: return no(m.type, m);
          }
        },
        output() {
          if (typeof c.flush === 'function') c.flush(); // client-side aggregation, if any
          return c.mockBuffer;
        },
      };
    },
  },

  'statsd-client': {
    package: 'statsd-client',
    dialects: ['spec', 'etsy', 'dogstatsd'],
    make() {
      const SDC = req('statsd-client');
      const sent = [];
      const c = new SDC({ _socket: { send: (data) => sent.push(String(data)), close() {} } });
      return {
        send(m) {
          const v = oneValue(m);
          if (m.sample_rate !== null && m.sample_rate !== undefined) no('sample rates', m);
          const tags = m.tags ? Object.fromEntries(m.tags.map(([k, val]) => [k, val === null ? '' : val])) : undefined;
          switch (m.type) {
            case 'counter': return c.counter(m.name, num(v), tags);
            case 'gauge': return m.delta ? c.gaugeDelta(m.name, num(v), tags) : c.gauge(m.name, num(v), tags);
            case 'timer': return c.timing(m.name, num(v), tags);
            case 'histogram': return c.histogram(m.name, num(v), tags);
            case 'distribution': return c.distribution(m.name, num(v), tags);
            case 'set': return c.set(m.name, v, tags);
            default: return no(m.type, m);
          }
        },
        output: () => sent,
      };
    },
  },

  lynx: {
    package: 'lynx',
    dialects: ['spec', 'etsy'],
    make() {
      // lynx draws from a module-level MersenneTwister19937 made when it is
      // loaded: give it one whose genrand_real2() is 0 (always sampled in).
      const mersenne = req('mersenne');
      const Twister = mersenne.MersenneTwister19937;
      mersenne.MersenneTwister19937 = function SampledIn() {
        const g = new Twister();
        g.genrand_real2 = () => 0;
        return g;
      };
      const Lynx = req('lynx');
      const sent = [];
      const errors = [];
      const socket = { send: (buf, off, len) => sent.push(buf.toString('utf8', off, off + len)), close() {} };
      const c = new Lynx('127.0.0.1', 8125, { socket, on_error: (e) => errors.push(e) });
      return {
        send(m) {
          const v = oneValue(m);
          if (m.tags !== null && m.tags !== undefined) no('tags', m);
          if (m.delta) no('gauge deltas', m);
          const rate = rateOf(m);
          switch (m.type) {
            case 'counter': c.count(m.name, num(v), rate); break;
            case 'gauge': c.gauge(m.name, num(v), rate); break;
            case 'timer': c.timing(m.name, num(v), rate); break;
            case 'set': c.set(m.name, v, rate); break;
            default: no(m.type, m);
          }
          if (errors.length) throw new Refused('lynx reported: ' + errors.map((e) => e.message).join('; '));
        },
        output: () => sent,
      };
    },
  },

  'node-statsd': {
    package: 'node-statsd',
    dialects: ['spec', 'etsy', 'dogstatsd'],
    make() {
      sampledIn();
      const Client = req('node-statsd');
      const c = new Client({ host: '127.0.0.1', port: 8125 });
      c.socket.close(); // never used: replaced by a fake socket
      const sent = [];
      c.socket = { send: (buf, off, len) => sent.push(buf.toString('utf8', off, off + len)), close() {} };
      return {
        send(m) {
          const v = oneValue(m);
          if (m.delta) no('gauge deltas', m);
          const rate = rateOf(m);
          const tags = tagsOf(m);
          switch (m.type) {
            case 'counter': return c.increment(m.name, num(v), rate, tags);
            case 'gauge': return c.gauge(m.name, num(v), rate, tags);
            case 'timer': return c.timing(m.name, num(v), rate, tags);
            case 'histogram': return c.histogram(m.name, num(v), rate, tags);
            case 'set': return c.set(m.name, v, rate, tags);
            default: return no(m.type, m);
          }
        },
        output: () => sent,
      };
    },
  },
};

/**
 * Encode one request: a fresh client, one API call per metric; the datagrams
 * the client produced joined by "\n" (one call per metric gives one message
 * each; that is also how hot-shots' and pystatsd's buffers pack them).
 */
function encode(impl, body) {
  const metrics = body && body.metrics;
  if (!Array.isArray(metrics)) throw new Refused('no metrics array');
  if (metrics.length === 0) return Buffer.alloc(0); // nothing to send: an empty datagram
  const client = CLIENTS[impl].make();
  for (const m of metrics) {
    // A delta exists only on gauges: no client API can say "delta" for another type.
    if (m.delta && m.type !== 'gauge') no('a delta on a ' + m.type, m);
    try {
      client.send(m);
    } catch (e) {
      if (e instanceof Refused) throw e;
      throw new Refused('the client threw: ' + (e && e.message));
    }
  }
  const out = client.output();
  if (out.length === 0) throw new Refused('the client sent nothing');
  return Buffer.from(out.join('\n'), 'utf8');
}

// ------------------------------------------------------------------ decoder

const DECODERS = {
  'statsd-parser': {
    package: 'statsd-parser',
    dialects: ['spec', 'etsy'],
  },
};

const TYPES = { c: 'counter', g: 'gauge', ms: 'timer', s: 'set' };

/**
 * statsd-parser 0.0.4: its streaming parser (`parser()`, `onstat`/`onerror`,
 * `write`), one line at a time with its "\n" (the datagram split on "\n",
 * empty lines skipped, as every peer here). A line gives at most one event;
 * after an error the parser is `resume()`d; a line of characters it skips
 * (TAB, CR, leading spaces) gives no event and is reported as rejected (the
 * protocol has one LineResult per line; no metric came out of it).
 * The stat's fields are reported as
 * the parser returns them (strings, unparsed: `+4`, `007`, `.5`); gauges
 * `delta: false` (the parser does not interpret the sign).
 */
function decodeStatsdParser(buf) {
  const sp = req('statsd-parser');
  const p = sp.parser();
  const lines = [];
  let events = [];
  p.onstat = (txt, stat) => events.push({ stat });
  p.onerror = (er) => {
    events.push({ error: er });
    p.resume();
  };
  for (const line of splitLines(buf)) {
    events = [];
    p.write(line.toString('utf8') + '\n');
    if (events.length === 0) {
      // Only characters the parser skips (TAB, CR, leading spaces): it emits
      // neither a stat nor an error. The protocol wants one LineResult per
      // line, and no metric came out of it: reported as rejected.
      lines.push({ ok: false, error: { message: 'statsd-parser: no stat and no error (the line holds only characters the parser skips)' } });
      continue;
    }
    if (events.length > 1) process.stderr.write('statsd-parser adapter: ' + events.length + ' events for one line\n');
    const ev = events[0];
    if (ev.error) {
      lines.push({ ok: false, error: { message: String(ev.error.message).split('\n')[0] } });
      continue;
    }
    const s = ev.stat;
    lines.push({
      ok: true,
      metric: {
        name: s.stat,
        type: TYPES[s.type],
        values: [s.value],
        sample_rate: s.sample_rate === undefined ? null : s.sample_rate,
        delta: false,
        tags: null,
      },
    });
  }
  return { lines };
}

function splitLines(buf) {
  const out = [];
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === 0x0a) {
      if (i > start) out.push(buf.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

// ------------------------------------------------------------- command line

function readStdin() {
  return new Promise((resolve, reject) => {
    const parts = [];
    process.stdin.on('data', (d) => parts.push(d));
    process.stdin.on('end', () => resolve(Buffer.concat(parts)));
    process.stdin.on('error', reject);
  });
}

function write(s) {
  return new Promise((resolve) => process.stdout.write(s, () => resolve()));
}

function argOf(args, name) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(name + '=')) return args[i].substring(name.length + 1);
  }
  return undefined;
}

/** One request: {exit, output?|lines?}. */
function handle(impl, op, dialect, input) {
  const enc = CLIENTS[impl];
  const dec = DECODERS[impl];
  const spec = enc || dec;
  if (!spec.dialects.includes(dialect)) return { exit: EXIT_UNIMPLEMENTED, log: 'dialect ' + JSON.stringify(dialect) + ' not implemented' };
  if (op === 'encode') {
    if (!enc) return { exit: EXIT_UNIMPLEMENTED, log: impl + ' has no encoder' };
    try {
      return { exit: 0, output: encode(impl, input) };
    } catch (e) {
      if (e instanceof Refused) return { exit: EXIT_REFUSED, log: 'refused: ' + e.message };
      throw e;
    }
  }
  if (op === 'decode') {
    if (!dec) return { exit: EXIT_UNIMPLEMENTED, log: impl + ' has no decoder' };
    try {
      return { exit: 0, body: decodeStatsdParser(input) };
    } catch (e) {
      return { exit: EXIT_CRASH, log: 'statsd-parser threw: ' + (e && e.stack) };
    }
  }
  return { exit: EXIT_USAGE, log: 'unknown op ' + JSON.stringify(op) };
}

async function main() {
  // Nothing from the environment may change what a client writes (hot-shots
  // adds global tags and a transport from DD_* variables).
  for (const k of Object.keys(process.env)) if (k.startsWith('DD_')) delete process.env[k];
  const args = process.argv.slice(2);
  const impl = argOf(args, '--impl');
  const rest = args.filter((a, i) => !(a === '--impl' || args[i - 1] === '--impl' || a.startsWith('--impl=')));
  const sub = rest[0];
  const log = (msg) => process.stderr.write((impl || 'clients-node') + ' adapter: ' + msg + '\n');
  if (!CLIENTS[impl] && !DECODERS[impl]) {
    log('usage: adapter.js --impl {' + Object.keys(CLIENTS).concat(Object.keys(DECODERS)).join('|') + '} capabilities|decode|encode|batch --dialect D');
    return EXIT_USAGE;
  }
  const spec = CLIENTS[impl] || DECODERS[impl];
  let pkgVersion;
  try {
    pkgVersion = version(spec.package);
  } catch (e) {
    log(spec.package + ' is not installed: run bash conformance/peers/install.sh ' + impl);
    return EXIT_HARNESS;
  }
  const dialect = argOf(rest, '--dialect');
  if (sub === 'capabilities') {
    const ops = [CLIENTS[impl] ? 'encode' : 'decode', 'batch'];
    await write(JSON.stringify({
      protocol: 1, name: impl, version: pkgVersion, dialects: spec.dialects, ops,
      features: { error_class: false, error_offset: false, canonical: false },
    }) + '\n');
    return 0;
  }
  if (sub === 'decode' || sub === 'encode') {
    const raw = await readStdin();
    let input = raw;
    if (sub === 'encode') {
      try {
        input = JSON.parse(raw.toString('utf8'));
      } catch (e) {
        log('encode: stdin is not JSON: ' + e.message);
        return EXIT_USAGE;
      }
    }
    const r = handle(impl, sub, dialect, input);
    if (r.log) log(r.log);
    if (r.exit === 0) {
      if (sub === 'encode') await new Promise((res) => process.stdout.write(r.output, res));
      else await write(JSON.stringify(r.body) + '\n');
    }
    return r.exit;
  }
  if (sub === 'batch') {
    const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      if (line.trim() === '') continue;
      let q;
      try {
        q = JSON.parse(line);
      } catch (e) {
        log('batch: bad request line: ' + e.message);
        return EXIT_USAGE;
      }
      const id = q.id === undefined ? null : q.id;
      let input;
      if (q.op === 'encode') input = { metrics: q.metrics };
      else if (typeof q.input === 'string') input = Buffer.from(q.input, 'utf8');
      else if (typeof q.input_hex === 'string') input = Buffer.from(q.input_hex, 'hex');
      const r = handle(impl, q.op, dialect, input);
      if (r.log) log('case ' + JSON.stringify(id) + ': ' + r.log);
      const answer = { id, exit: r.exit };
      if (r.exit === 0 && q.op === 'encode') {
        const text = r.output.toString('utf8');
        if (Buffer.from(text, 'utf8').equals(r.output)) answer.output = text;
        else answer.output_hex = r.output.toString('hex');
      } else if (r.exit === 0) {
        Object.assign(answer, r.body);
      }
      await write(JSON.stringify(answer) + '\n');
    }
    return 0;
  }
  log('usage: adapter.js --impl NAME capabilities|decode|encode|batch --dialect D');
  return EXIT_USAGE;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write('clients-node adapter: internal error: ' + (e && e.stack ? e.stack : e) + '\n');
    process.exit(EXIT_HARNESS);
  },
);
