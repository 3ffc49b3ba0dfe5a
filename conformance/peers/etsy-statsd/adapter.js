#!/usr/bin/env node
/*
 * Adapter-protocol (version 1) adapter for the Etsy StatsD daemon, npm package
 * `statsd` (pinned in package.json / package-lock.json next to this file).
 *
 *   node conformance/peers/etsy-statsd/adapter.js capabilities
 *   node conformance/peers/etsy-statsd/adapter.js decode --dialect spec|etsy
 *   node conformance/peers/etsy-statsd/adapter.js batch  --dialect spec|etsy
 *   node conformance/peers/etsy-statsd/adapter.js encode ...      -> exit 89
 *
 * How it works (README.md has the full mapping and its limits):
 *  1. Start the real daemon (`node_modules/statsd/stats.js`) with a generated
 *     config: UDP and management ports on 127.0.0.1 (free ports), a short
 *     flushInterval, and capture-backend.js as the only backend.
 *  2. Split the datagram the way the daemon does (on "\n", empty lines
 *     skipped) and send each line as its own UDP datagram; after each one, wait
 *     for the flush that follows it. That flush says exactly what the line did:
 *     counters, timers (+ timer_counters), sets, gauges written, and the
 *     increase of the daemon's bad_lines_seen counter.
 *  3. Map each line's observed effect to one LineResult.
 *  4. If the daemon process dies, exit 70 (the runner records CRASH).
 *
 * Exit codes: 0 ok; 89 dialect/op not implemented; 70 the daemon crashed;
 * 75 harness failure (daemon did not start / did not flush in time: see
 * stderr); 64 usage error.
 */
'use strict';

const path = require('path');
const fs = require('fs');
const os = require('os');
const dgram = require('dgram');
const net = require('net');
const { fork } = require('child_process');
const P = require('../common/protocol');

const { HarnessError, fmt, splitLines } = P;

const HERE = __dirname;
const STATSD_DIR = path.join(HERE, 'node_modules', 'statsd');
const BACKEND = path.join(HERE, 'capture-backend.js');

/** Daemon flushInterval (ms): each line costs about one interval. */
const FLUSH_MS = P.envInt('ETSY_PEER_FLUSH_MS', 20);
/** Bound on waiting for one line's flush (ms). */
const LINE_TIMEOUT_MS = P.envInt('ETSY_PEER_LINE_TIMEOUT_MS', 3000);
/** Bound on daemon start-up (ms), per attempt. */
const START_TIMEOUT_MS = P.envInt('ETSY_PEER_START_TIMEOUT_MS', 5000);
/** Internal stats prefix: '#' is stripped from every user key by the
 *  daemon's key sanitiser, so no user metric can collide with these. */
const PREFIX_STATS = '#peer';

const log = P.makeLog('etsy-statsd');

function statsdVersion() {
  try {
    return require(path.join(STATSD_DIR, 'package.json')).version;
  } catch (e) {
    return null;
  }
}

// ------------------------------------------------------------------ ports

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

// ----------------------------------------------------------------- daemon

class Daemon {
  constructor() {
    this.child = null;
    this.dir = null;
    this.sock = null;
    this.port = null;
    this.sent = 0;
    this.waiter = new P.EventWaiter('the daemon'); // messages from the daemon, its exit
    this.gauges = {};   // user gauges after the last observed flush
  }

  async start() {
    let lastErr = null;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this._startOnce();
        return;
      } catch (e) {
        lastErr = e;
        log('start attempt ' + attempt + ' failed: ' + e.message);
        this.stop();
      }
    }
    throw new HarnessError('the daemon did not start: ' + (lastErr && lastErr.message));
  }

  async _startOnce() {
    this.waiter.reset();
    this.sent = 0;
    this.gauges = {};
    const udpPort = await freeUdpPort();
    const mgmtPort = await freeTcpPort();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etsy-peer-'));
    const config = {
      address: '127.0.0.1',
      port: udpPort,
      mgmt_address: '127.0.0.1',
      mgmt_port: mgmtPort,
      flushInterval: FLUSH_MS,
      backends: [BACKEND],
      prefixStats: PREFIX_STATS,
      deleteCounters: true,
      deleteTimers: true,
      deleteSets: true,
      deleteGauges: false,
      automaticConfigReload: false,
      peerStatsdDir: STATSD_DIR,
    };
    const cfgPath = path.join(this.dir, 'config.js');
    fs.writeFileSync(cfgPath, JSON.stringify(config, null, 1) + '\n');
    const child = fork(path.join(STATSD_DIR, 'stats.js'), [cfgPath], {
      cwd: STATSD_DIR,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    // The daemon logs (bad lines, the crash's stack trace) go to our stderr.
    child.stdout.on('data', (d) => process.stderr.write(d));
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('message', (m) => this.waiter.offer(m));
    child.on('exit', (code, signal) => this.waiter.exit(code, signal));
    const ready = await this.waiter.wait((m) => m.type === 'ready', START_TIMEOUT_MS, 'start-up');
    this.port = ready.port;
    this.sock = dgram.createSocket('udp4');
    this.sock.on('error', (e) => log('UDP socket error: ' + e.message));
  }

  /** Send one line as one datagram; resolve with the flush that covers it. */
  async sendLine(buf) {
    this.sent += 1;
    const seq = this.sent;
    const p = this.waiter.wait((m) => m.type === 'flush' && m.seq >= seq, LINE_TIMEOUT_MS, 'flush after line ' + seq);
    this.sock.send(buf, this.port, '127.0.0.1', (err) => {
      if (err) log('send failed: ' + err.message);
    });
    const obs = await p;
    if (obs.seq !== seq) {
      throw new HarnessError('flush covers packet ' + obs.seq + ', expected ' + seq);
    }
    return obs;
  }

  /** Delete every user gauge (between batch cases). */
  async reset() {
    const p = this.waiter.wait((m) => m.type === 'reset-done', LINE_TIMEOUT_MS, 'gauge reset');
    this.child.send({ cmd: 'reset' });
    await p;
    this.gauges = {};
  }

  stop() {
    if (this.sock) {
      try { this.sock.close(); } catch (e) { /* already closed */ }
      this.sock = null;
    }
    if (this.child && !this.waiter.exited) {
      try { this.child.kill('SIGKILL'); } catch (e) { /* gone */ }
    }
    this.child = null;
    if (this.dir) {
      try { fs.rmSync(this.dir, { recursive: true, force: true }); } catch (e) { /* best effort */ }
      this.dir = null;
    }
  }
}

// ---------------------------------------------------------------- mapping

/** The daemon's own "is a number" test (lib/helpers.js isNumber). */
function isNum(s) {
  return Boolean(s && !isNaN(s));
}

/**
 * The line's chunks, split the way the daemon splits a line (text after the
 * first "|#" is tags; the rest split on ":"; the first part is the key; each
 * further part split on "|" into value, type, rate). This is used only to
 * LABEL an observed effect (which value and rate the line stated for it); the
 * observed effect decides, see explain*().
 */
function chunks(line) {
  const bits = line.split('|#')[0].split(':');
  bits.shift();
  if (bits.length === 0) bits.push('1');
  return bits.map((b) => {
    const f = b.split('|');
    const type = f[1] === undefined ? undefined : f[1].trim();
    let kind = null;
    if (type !== undefined) {
      kind = type === 'ms' ? 'timer' : type === 'g' ? 'gauge' : type === 's' ? 'set' : 'counter';
    }
    // The rate as the line states it: the number after '@'.
    let rate = 1;
    let hasRate = false;
    if (f[2] !== undefined) {
      hasRate = true;
      rate = f[2].length > 1 && f[2][0] === '@' ? Number(f[2].substring(1)) : NaN;
    }
    return { valueText: f[0], kind, hasRate, rate };
  });
}

/** The common stated rate of the chunks: [ok, protocol value]. */
function commonRate(cs) {
  if (cs.every((c) => !c.hasRate)) return [true, null];
  if (cs.every((c) => c.hasRate && Object.is(c.rate, cs[0].rate)) && !Number.isNaN(cs[0].rate)) {
    return [true, fmt(cs[0].rate)];
  }
  return [false, null];
}

function sameMultiset(a, b) {
  if (a.length !== b.length) return false;
  const sa = a.slice().sort((x, y) => x - y);
  const sb = b.slice().sort((x, y) => x - y);
  return sa.every((x, i) => Object.is(x, sb[i]));
}

/**
 * Counter: the daemon adds value * (1/rate) to counters[key]. If the observed
 * total is exactly what the line's stated values and rate give, report those;
 * otherwise report the observed total as one unsampled value (so a rate the
 * daemon applied differently from what the line states is a MISMATCH).
 */
function explainCounter(cs, total) {
  const cands = cs.filter((c) => c.kind === 'counter' && isNum(c.valueText));
  if (cands.length > 0) {
    let t = 0;
    for (const c of cands) t += Number(c.valueText || 1) * (1 / c.rate);
    const [ok, rate] = commonRate(cands);
    if (ok && Object.is(t, total)) {
      return { values: cands.map((c) => fmt(Number(c.valueText))), sample_rate: rate, explained: true };
    }
  }
  return { values: [fmt(total)], sample_rate: null, explained: false };
}

/**
 * Timer: the daemon pushes the value and adds 1/rate to timer_counters[key].
 * Explained => the stated values and rate; otherwise the observed values and
 * the effective rate n/count (null when count == n).
 */
function explainTimer(cs, values, count) {
  const cands = cs.filter((c) => c.kind === 'timer' && isNum(c.valueText));
  if (cands.length > 0) {
    let n = 0;
    for (const c of cands) n += 1 / c.rate;
    const [ok, rate] = commonRate(cands);
    const stated = cands.map((c) => Number(c.valueText || 0));
    if (ok && Object.is(n, count) && sameMultiset(stated, values)) {
      return { values: stated.map(fmt), sample_rate: rate, explained: true };
    }
  }
  return {
    values: values.map(fmt),
    sample_rate: count === values.length ? null : fmt(values.length / count),
    explained: false,
  };
}

/**
 * Gauge: the daemon adds the value when it starts with '+'/'-' AND the gauge
 * already holds a truthy value; otherwise it sets the gauge. delta = true
 * exactly when the line's value went down the "add" path. The check against
 * the observed after-value decides; unexplained => the observed value, no
 * delta. The sample rate is not observable (the daemon ignores it for
 * gauges): the stated rate is reported.
 */
function explainGauge(cs, before, after) {
  const cands = cs.filter((c) => c.kind === 'gauge' && isNum(c.valueText));
  const [rok, rate] = commonRate(cands);
  if (cands.length > 0) {
    let g = before;
    const deltas = [];
    for (const c of cands) {
      if (g && /^[-+]/.test(c.valueText)) {
        g += Number(c.valueText || 0);
        deltas.push(true);
      } else {
        g = Number(c.valueText || 0);
        deltas.push(false);
      }
    }
    if (Object.is(g, after) && deltas.every((d) => d === deltas[0])) {
      return {
        values: cands.map((c) => fmt(Number(c.valueText))),
        sample_rate: rok ? rate : null,
        delta: deltas[0],
        explained: true,
      };
    }
  }
  return { values: [fmt(after)], sample_rate: rok ? rate : null, delta: false, explained: false };
}

/** Set: the members as stored; the stated rate (not observable). */
function explainSet(cs, members) {
  const cands = cs.filter((c) => c.kind === 'set');
  const [rok, rate] = commonRate(cands);
  return { values: members.slice(), sample_rate: rok ? rate : null, explained: true };
}

/**
 * One line's LineResult from the flush that followed it. `before` is the
 * user-gauge state before the line.
 */
function lineResult(line, obs, before) {
  const effects = [];
  for (const k of Object.keys(obs.counters)) {
    effects.push({ kind: 'counter', key: k });
  }
  for (const k of Object.keys(obs.timers)) {
    effects.push({ kind: 'timer', key: k });
  }
  for (const k of Object.keys(obs.sets)) {
    effects.push({ kind: 'set', key: k });
  }
  const writes = new Set(obs.gauge_writes);
  for (const k of Object.keys(obs.gauges)) {
    if (!Object.prototype.hasOwnProperty.call(before, k) || writes.has(k)) {
      effects.push({ kind: 'gauge', key: k });
    }
  }
  const bad = obs.bad_lines || 0;
  if (effects.length === 0) {
    if (bad > 0) {
      return { ok: false, error: { message: 'bad line: the daemon counted ' + bad + ' bad line(s) (bad_lines_seen) and aggregated nothing' } };
    }
    return { ok: false, error: { message: 'the daemon neither aggregated anything nor counted a bad line' } };
  }
  const cs = chunks(line);
  // The effect of the first chunk (in line order) that has one.
  let eff = null;
  for (const c of cs) {
    eff = effects.find((e) => e.kind === c.kind);
    if (eff) break;
  }
  if (!eff) eff = effects[0];
  if (effects.length > 1) {
    log('line ' + JSON.stringify(line) + ' had ' + effects.length + ' effects (' +
      effects.map((e) => e.kind + ' ' + JSON.stringify(e.key)).join(', ') + '); reporting the ' + eff.kind);
  }
  if (bad > 0) {
    log('line ' + JSON.stringify(line) + ' was partly accepted: ' + bad + ' bad chunk(s) counted, and the daemon aggregated a ' + eff.kind);
  }
  let m;
  switch (eff.kind) {
    case 'counter':
      m = explainCounter(cs, obs.counters[eff.key]);
      break;
    case 'timer':
      m = explainTimer(cs, obs.timers[eff.key], obs.timer_counters[eff.key]);
      break;
    case 'set':
      m = explainSet(cs, obs.sets[eff.key]);
      break;
    default: {
      const had = Object.prototype.hasOwnProperty.call(before, eff.key);
      m = explainGauge(cs, had ? before[eff.key] : undefined, obs.gauges[eff.key]);
    }
  }
  if (!m.explained) {
    log('line ' + JSON.stringify(line) + ': the ' + eff.kind + ' effect is not what the line states; reporting the observed effect');
  }
  const metric = { name: eff.key, type: eff.kind, values: m.values, sample_rate: m.sample_rate };
  if (eff.kind === 'gauge') metric.delta = m.delta;
  metric.tags = null;
  return { ok: true, metric };
}

/** A daemon started lazily on the first non-empty datagram and reused. */
class Session {
  constructor() {
    this.daemon = null;
  }

  async decode(buf) {
    const lines = splitLines(buf);
    if (lines.length === 0) return { lines: [] };
    if (!this.daemon) {
      this.daemon = new Daemon();
      await this.daemon.start();
    }
    const d = this.daemon;
    const results = [];
    for (const lb of lines) {
      const before = d.gauges;
      const obs = await d.sendLine(lb);
      results.push(lineResult(lb.toString(), obs, before));
      d.gauges = obs.gauges;
    }
    return { lines: results };
  }

  /** Between batch cases: the next case starts from "no gauge". */
  async afterCase() {
    if (this.daemon && Object.keys(this.daemon.gauges).length > 0) {
      await this.daemon.reset();
    }
  }

  stop() {
    if (this.daemon) this.daemon.stop();
    this.daemon = null;
  }
}

P.main(
  {
    capabilities: () => ({
      protocol: 1,
      name: 'etsy-statsd',
      version: statsdVersion(),
      dialects: P.DIALECTS,
      ops: ['decode', 'batch'],
      features: { error_class: false, error_offset: false, canonical: false },
    }),
    newSession: () => new Session(),
  },
  {
    name: 'etsy-statsd',
    installed: () => (fs.existsSync(path.join(STATSD_DIR, 'stats.js')) ? null : 'npm package statsd is not installed'),
  },
);
