#!/usr/bin/env node
/*
 * Adapter-protocol (version 1) adapter for collectd's statsd plugin (Debian
 * package collectd-core, installed by ../install.sh with apt).
 *
 *   node conformance/peers/collectd/adapter.js capabilities
 *   node conformance/peers/collectd/adapter.js decode --dialect spec|etsy
 *   node conformance/peers/collectd/adapter.js batch  --dialect spec|etsy
 *   node conformance/peers/collectd/adapter.js encode ...      -> exit 89
 *
 * How it works (README.md has the full mapping and its limits):
 *  1. Start a private `collectd -f` with a generated config: the statsd plugin
 *     on 127.0.0.1 (a free port), Interval 0.05 s, one read thread, and the
 *     write_log plugin printing every dispatched value as JSON to stdout.
 *  2. Split the datagram like the plugin does (on "\n", empty lines skipped)
 *     and send each line as its own UDP datagram, followed by a "sentinel"
 *     datagram (a timer whose name sorts after every other metric). The plugin
 *     handles datagrams in order on one thread and dispatches its metrics in
 *     name order once per interval, so everything dispatched after the
 *     previous sentinel and up to this one is the line's effect; an "Unable to
 *     parse line" error logged in that window means the line was rejected.
 *  3. Map each line's observed effect to one LineResult.
 *  4. If collectd exits, exit 70 (the runner records CRASH).
 */
'use strict';

const path = require('path');
const fs = require('fs');
const os = require('os');
const dgram = require('dgram');
const { spawn } = require('child_process');
const P = require('../common/protocol');

const { HarnessError, fmt, splitLines } = P;

const COLLECTD = process.env.COLLECTD_BIN ||
  ['/usr/sbin/collectd', '/usr/bin/collectd'].find((p) => fs.existsSync(p)) || 'collectd';
const PLUGIN_DIR = process.env.COLLECTD_PLUGIN_DIR || '/usr/lib/collectd';
const TYPES_DB = process.env.COLLECTD_TYPES_DB || '/usr/share/collectd/types.db';

/** collectd Interval (s): each line costs about one to two intervals. */
const INTERVAL_S = Number(process.env.COLLECTD_PEER_INTERVAL_S) > 0 ? Number(process.env.COLLECTD_PEER_INTERVAL_S) : 0.05;
const LINE_TIMEOUT_MS = P.envInt('COLLECTD_PEER_LINE_TIMEOUT_MS', 3000);
const START_TIMEOUT_MS = P.envInt('COLLECTD_PEER_START_TIMEOUT_MS', 5000);
/** Sentinel timers: '~' sorts after letters, digits and the usual punctuation. */
const SENTINEL = '~~~peer-sentinel-';

const log = P.makeLog('collectd');

function collectdVersion() {
  // The Debian package version when there is one (e.g. 5.12.0-14), else what
  // `collectd -h` prints ("collectd 5.12.0.git, http://collectd.org/").
  try {
    const r = require('child_process').spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'collectd-core'], { encoding: 'utf8', timeout: 2000 });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  } catch (e) { /* not Debian */ }
  try {
    const r = require('child_process').spawnSync(COLLECTD, ['-h'], { encoding: 'utf8', timeout: 2000 });
    const m = /collectd (\d[^,\s]*)/.exec((r.stdout || '') + (r.stderr || ''));
    return m ? m[1] : null;
  } catch (e) {
    return null;
  }
}

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

class Daemon {
  constructor() {
    this.child = null;
    this.dir = null;
    this.sock = null;
    this.port = null;
    this.seq = 0;
    this.buf = '';          // partial stdout line
    this.events = [];       // parsed events since the last sentinel
    this.waiter = new P.EventWaiter('collectd'); // parsed log events, collectd's exit
    this.gauges = new Map(); // name -> last dispatched value
    this.touchedGauges = false;
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
    throw new HarnessError('collectd did not start: ' + (lastErr && lastErr.message));
  }

  async _startOnce() {
    this.waiter.reset();
    this.seq = 0;
    this.events = [];
    this.gauges = new Map();
    this.touchedGauges = false;
    this.port = await freeUdpPort();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collectd-peer-'));
    const conf = [
      'Hostname "peer"',
      'FQDNLookup false',
      `BaseDir "${this.dir}"`,
      `PIDFile "${this.dir}/collectd.pid"`,
      `PluginDir "${PLUGIN_DIR}"`,
      `TypesDB "${TYPES_DB}"`,
      `Interval ${INTERVAL_S}`,
      'ReadThreads 1',
      'WriteThreads 1',
      'LoadPlugin logfile',
      '<Plugin logfile>',
      '  LogLevel "info"',
      '  File STDOUT',
      '  Timestamp false',
      '  PrintSeverity true',
      '</Plugin>',
      'LoadPlugin write_log',
      '<Plugin write_log>',
      '  Format JSON',
      '</Plugin>',
      'LoadPlugin statsd',
      '<Plugin statsd>',
      '  Host "127.0.0.1"',
      `  Port "${this.port}"`,
      '  DeleteCounters true',
      '  DeleteTimers true',
      '  DeleteGauges false',
      '  DeleteSets true',
      '  CounterSum true',
      '  TimerCount true',
      '</Plugin>',
      '',
    ].join('\n');
    const confPath = path.join(this.dir, 'collectd.conf');
    fs.writeFileSync(confPath, conf);
    // collectd does not notice when the adapter dies (it would run on,
    // orphaned). So it runs under a small sh watchdog: when the adapter's end
    // of the watchdog's stdin closes (stop(), or the adapter being killed),
    // collectd is killed; when collectd exits, sh exits with its status.
    // It also removes the private directory ($2, made by mkdtemp) afterwards.
    const watchdog = 'exec 3<&0; "$0" -f -C "$1" & pid=$!; ' +
      '{ cat <&3 >/dev/null; kill -9 $pid 2>/dev/null; sleep 1; rm -rf "$2"; } & ' +
      'wait $pid; exit $?';
    const child = spawn('/bin/sh', ['-c', watchdog, COLLECTD, confPath, this.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stdin.on('error', () => { /* watchdog gone */ });
    child.on('error', (e) => this.waiter.exit(null, null, e.message));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => this._onData(d));
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('exit', (code, signal) => this.waiter.exit(code, signal));
    await this.waiter.wait((ev) => ev.kind === 'listening', START_TIMEOUT_MS, 'start-up');
    this.sock = dgram.createSocket('udp4');
    this.sock.on('error', (e) => log('UDP socket error: ' + e.message));
  }

  _onData(d) {
    this.buf += d;
    let i;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.substring(0, i);
      this.buf = this.buf.substring(i + 1);
      this._onLine(line);
    }
  }

  _onLine(line) {
    let ev = null;
    if (line.startsWith('[{')) {
      let vl;
      try {
        vl = JSON.parse(line)[0];
      } catch (e) {
        log('unparsable write_log line: ' + line);
        return;
      }
      if (!vl || vl.plugin !== 'statsd') return;
      ev = { kind: 'value', type: vl.type, inst: vl.type_instance, value: vl.values[0] };
    } else if (line.includes('statsd plugin: Unable to parse line')) {
      ev = { kind: 'error', text: line };
    } else if (line.includes('statsd plugin: Listening on')) {
      ev = { kind: 'listening' };
    } else {
      if (/^\[(error|warning)\]/.test(line)) process.stderr.write('collectd: ' + line + '\n');
      return;
    }
    this.events.push(ev);
    this.waiter.offer(ev);
  }

  /**
   * Send one line, then a sentinel timer; resolve with the events logged
   * between the previous sentinel's last dispatch and this one's.
   */
  async sendLine(buf) {
    this.seq += 1;
    const name = SENTINEL + this.seq;
    this.events = [];
    const p = this.waiter.wait((ev) => ev.kind === 'value' && ev.inst === name + '-count', LINE_TIMEOUT_MS, 'sentinel ' + this.seq);
    this.sock.send(buf, this.port, '127.0.0.1');
    this.sock.send(Buffer.from(name + ':1|ms'), this.port, '127.0.0.1');
    await p;
    const evs = this.events;
    this.events = [];
    return evs.filter((ev) => !(ev.kind === 'value' && ev.inst.startsWith(SENTINEL)));
  }

  stop() {
    if (this.sock) {
      try { this.sock.close(); } catch (e) { /* closed */ }
      this.sock = null;
    }
    if (this.child) {
      // Closing the watchdog's stdin kills collectd; then sh exits.
      try { this.child.stdin.destroy(); } catch (e) { /* gone */ }
      this.child.stdout.destroy();
      this.child.stderr.destroy();
    }
    this.child = null;
    if (this.dir) {
      try { fs.rmSync(this.dir, { recursive: true, force: true }); } catch (e) { /* best effort */ }
      this.dir = null;
    }
  }
}

// ---------------------------------------------------------------- mapping

/**
 * The line as the plugin splits it: the type starts after the first '|', the
 * value after the last ':' before it, the "extra" field after the next '|'.
 * Used only to LABEL an observed effect; the observation decides.
 */
function splitLine(line) {
  const bar = line.indexOf('|');
  if (bar < 0) return null;
  const head = line.substring(0, bar);
  const colon = head.lastIndexOf(':');
  if (colon < 0) return null;
  const rest = line.substring(bar + 1);
  const bar2 = rest.indexOf('|');
  return {
    name: head.substring(0, colon),
    valueText: head.substring(colon + 1),
    type: bar2 < 0 ? rest : rest.substring(0, bar2),
    extra: bar2 < 0 ? undefined : rest.substring(bar2 + 1),
  };
}

/** A value as C's strtod would read it (what the plugin uses), for labels. */
function strtod(s) {
  const t = s.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t[0] === '-' ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  return t === '' ? NaN : Number(t);
}

function statedRate(sl) {
  if (!sl || sl.extra === undefined) return [false, 1];
  return [true, sl.extra[0] === '@' ? strtod(sl.extra.substring(1)) : NaN];
}

/**
 * write_log prints numbers with 15 significant digits: an observed value
 * "equals" a stated one when they agree to that precision.
 */
function same(observed, stated) {
  if (Object.is(observed, stated)) return true;
  if (observed === null || !Number.isFinite(observed) || !Number.isFinite(stated)) return false;
  return Number(stated.toPrecision(15)) === Number(observed.toPrecision(15));
}

/**
 * write_log's JSON writer replaces every byte outside printable ASCII in a
 * name by '?'. If the line's own name (bytes) gives the observed name under
 * that rule, report the line's name instead ("name", or "name_hex" when it is
 * not UTF-8); otherwise the observed one.
 */
function nameField(observed, lineNameBytes) {
  if (lineNameBytes && observed.includes('?')) {
    let esc = '';
    for (const b of lineNameBytes) esc += b < 0x20 || b >= 0x7f ? '?' : String.fromCharCode(b);
    if (esc === observed) {
      const text = lineNameBytes.toString('utf8');
      if (Buffer.from(text, 'utf8').equals(lineNameBytes)) return ['name', text];
      return ['name_hex', lineNameBytes.toString('hex')];
    }
  }
  return ['name', observed];
}

/** A latency in seconds (cdtime_t, 2^-30 s resolution) as milliseconds. */
function seconds2ms(s) {
  if (s === null) return null;
  return Number((s * 1000).toFixed(6));
}

function lineResult(d, lineBytes, evs) {
  const line = lineBytes.toString('latin1');
  const errors = evs.filter((e) => e.kind === 'error');
  const values = evs.filter((e) => e.kind === 'value');
  const effects = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v.type === 'count') {
      effects.push({ kind: 'counter', name: v.inst, value: v.value });
    } else if (v.type === 'latency' && v.inst.endsWith('-average')) {
      const name = v.inst.substring(0, v.inst.length - '-average'.length);
      const next = values[i + 1];
      const count = next && next.type === 'gauge' && next.inst === name + '-count' ? next.value : null;
      if (count !== null) i += 1;
      effects.push({ kind: 'timer', name, value: v.value, count });
    } else if (v.type === 'objects') {
      effects.push({ kind: 'set', name: v.inst, value: v.value });
    } else if (v.type === 'gauge') {
      const had = d.gauges.has(v.inst);
      const before = d.gauges.get(v.inst);
      if (!had || !Object.is(before, v.value)) {
        effects.push({ kind: 'gauge', name: v.inst, before: had ? before : undefined, value: v.value });
      }
    }
  }
  // Gauges are dispatched at every interval: remember the latest values.
  for (const v of values) if (v.type === 'gauge') d.gauges.set(v.inst, v.value);

  const sl = splitLine(line);
  if (effects.length === 0) {
    if (errors.length > 0) {
      return { ok: false, error: { message: 'collectd: ' + errors[0].text.replace(/^\[error\]\s*/, '') } };
    }
    // Nothing visible and no error: the only such case is a gauge written
    // with the value it already had. Identify it by the line's name.
    if (sl && sl.type === 'g' && d.gauges.has(sl.name)) {
      effects.push({ kind: 'gauge', name: sl.name, before: d.gauges.get(sl.name), value: d.gauges.get(sl.name), inferred: true });
    } else {
      return { ok: false, error: { message: 'collectd logged no error but dispatched nothing for this line' } };
    }
  }
  if (effects.length > 1 || errors.length > 0) {
    log('line ' + JSON.stringify(line) + ': ' + effects.length + ' effect(s), ' + errors.length + ' error(s); reporting the first effect');
  }
  const eff = effects[0];
  const [hasRate, rate] = statedRate(sl);
  const v = sl ? strtod(sl.valueText) : NaN;
  const [nameKey, nameVal] = nameField(eff.name, sl ? Buffer.from(sl.name, 'latin1') : null);
  const metric = { [nameKey]: nameVal, type: eff.kind, values: null, sample_rate: null };
  switch (eff.kind) {
    case 'counter': {
      // CounterSum: what the interval added. Explained if it is value/rate.
      if (eff.value !== null && same(eff.value, v / rate)) {
        metric.values = [fmt(v)];
        metric.sample_rate = hasRate ? fmt(rate) : null;
      } else {
        metric.values = [eff.value === null ? fmt(v / rate) : fmt(eff.value)];
      }
      break;
    }
    case 'timer': {
      const ms = seconds2ms(eff.value);
      const count = eff.count === null ? 1 : eff.count;
      // Explained when the value is kept and the count carries 1/rate.
      // count 0: the plugin accepted the line but recorded no sample.
      if (count === 0) {
        metric.values = [];
        metric.sample_rate = null;
      } else if (ms !== null && same(ms, v) && same(count, 1 / rate)) {
        metric.values = [fmt(v)];
        metric.sample_rate = hasRate ? fmt(rate) : null;
      } else {
        metric.values = [ms === null ? 'NaN' : fmt(ms)];
        metric.sample_rate = count === 1 ? null : fmt(1 / count);
      }
      break;
    }
    case 'set':
      // collectd dispatches only the number of members; the member shown
      // is the line's text (the plugin stores it verbatim).
      metric.values = eff.value >= 1 && sl ? [sl.valueText] : [];
      metric.sample_rate = null;
      break;
    default: {
      const signed = sl && /^[-+]/.test(sl.valueText);
      const base = eff.before === undefined ? 0 : eff.before;
      const after = eff.value === null ? (Number.isFinite(v) ? null : v) : eff.value;
      if (signed && (same(after, base + v) || (eff.value === null && !Number.isFinite(v)))) {
        metric.values = [fmt(v)];
        metric.delta = true;
      } else if (same(after, v) || (after === null && Number.isNaN(v)) || Object.is(after, v)) {
        metric.values = [fmt(v)];
        metric.delta = false;
      } else {
        metric.values = [after === null ? 'NaN' : fmt(after)];
        metric.delta = false;
      }
      d.touchedGauges = true;
    }
  }
  metric.tags = null;
  return { ok: true, metric };
}

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
    const results = [];
    for (const lb of lines) {
      const evs = await this.daemon.sendLine(lb);
      // The plugin reads bytes; a JS string is only used to label the effect.
      results.push(lineResult(this.daemon, lb, evs));
    }
    return { lines: results };
  }

  /** collectd cannot delete a gauge: restart it when a case left gauges behind. */
  async afterCase() {
    if (this.daemon && (this.daemon.touchedGauges || this.daemon.gauges.size > 0)) this.stop();
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
      name: 'collectd',
      version: collectdVersion(),
      dialects: P.DIALECTS,
      ops: ['decode', 'batch'],
      features: { error_class: false, error_offset: false, canonical: false },
    }),
    newSession: () => new Session(),
  },
  {
    name: 'collectd',
    installed: () => {
      for (const f of [COLLECTD, path.join(PLUGIN_DIR, 'statsd.so'), path.join(PLUGIN_DIR, 'write_log.so'), TYPES_DB]) {
        if (!fs.existsSync(f)) return f + ' is missing';
      }
      return null;
    },
  },
);
