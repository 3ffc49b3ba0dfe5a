/*
 * capture-backend.js: a StatsD backend for the Etsy daemon (npm `statsd`),
 * loaded by stats.js through the generated config's `backends` list. It is
 * the daemon half of adapter.js (see README.md); it never runs on its own.
 *
 * The daemon is started by adapter.js with child_process.fork (an IPC channel,
 * `serialization: 'advanced'` so NaN, Infinity and -0 survive). This backend:
 *
 *  - reports {type: 'ready', port} once the UDP server is listening and the
 *    first flush has been seen (the flush hands backends the daemon's live
 *    metric objects: counters, gauges, timers, timer_counters, sets);
 *  - counts 'packet' events (emitted by the daemon at the start of every UDP
 *    datagram it handles) and, for every flush that follows at least one new
 *    packet, reports what that flush produced: {type: 'flush', seq, counters,
 *    timers, timer_counters, sets, gauges, gauge_writes, bad_lines, ...};
 *  - records which already-existing gauges the daemon WROTE while handling a
 *    packet (an accessor property is installed on each existing gauge key for
 *    the duration of the packet and removed at the next flush), so that a
 *    gauge set to the value it already had is still visible;
 *  - on {cmd: 'reset'} deletes every user gauge (what the daemon's own
 *    management command `delgauges` does) so a batch can start the next case
 *    from "no gauge"; counters, timers and sets are deleted by the daemon at
 *    every flush (deleteCounters/deleteTimers/deleteSets in the config);
 *  - reports nothing from the flush the daemon runs in its own process 'exit'
 *    handler (it runs it even when an uncaught exception kills it);
 *  - exits the daemon when the adapter goes away (IPC disconnect), so a killed
 *    adapter never leaves a daemon behind.
 */
'use strict';

const path = require('path');

exports.init = function (startupTime, config, events, logger) {
  if (typeof process.send !== 'function') {
    logger.log('capture-backend: no IPC channel (run the daemon through adapter.js)', 'ERROR');
    return false;
  }
  const prefix = (config.prefixStats !== undefined ? config.prefixStats : 'statsd') + '.';
  const internal = (k) => k.startsWith(prefix);
  const send = (msg) => {
    if (process.connected) {
      try { process.send(msg); } catch (e) { /* adapter gone */ }
    }
  };

  // The daemon's UDP server module stores its socket as `exports.server`.
  const statsdDir = config.peerStatsdDir || path.dirname(require.main.filename);
  const udp = require(path.join(statsdDir, 'servers', 'udp.js'));

  let live = null;        // the daemon's live metric objects (from the first flush)
  let listening = false;
  let ready = false;
  let seen = 0;           // packets handled so far
  let reported = 0;       // packets covered by the last report
  let instrumented = null; // gauge keys carrying a write-recording accessor
  let writes = null;       // gauge keys written since the last packet started
  let exiting = false;     // the daemon process is exiting

  function maybeReady() {
    if (!ready && listening && live) {
      ready = true;
      send({ type: 'ready', port: udp.server.address().port });
    }
  }

  if (udp.server) {
    try {
      udp.server.address();
      listening = true;
    } catch (e) {
      udp.server.once('listening', () => { listening = true; maybeReady(); });
    }
  }

  // Replace the accessors by plain data properties again.
  function uninstrument() {
    if (!instrumented) return;
    const g = live.gauges;
    for (const k of instrumented) {
      const d = Object.getOwnPropertyDescriptor(g, k);
      if (d && d.get) {
        const v = g[k];
        Object.defineProperty(g, k, { value: v, writable: true, enumerable: true, configurable: true });
      }
    }
    instrumented = null;
  }

  events.on('packet', () => {
    seen += 1;
    if (!live || instrumented) return;
    const g = live.gauges;
    instrumented = [];
    writes = new Set();
    for (const k of Object.keys(g)) {
      if (internal(k)) continue;
      let v = g[k];
      const rec = writes;
      Object.defineProperty(g, k, {
        enumerable: true,
        configurable: true,
        get() { return v; },
        set(x) { v = x; rec.add(k); },
      });
      instrumented.push(k);
    }
  });

  events.on('flush', (ts, metrics) => {
    if (!live) {
      live = {
        counters: metrics.counters,
        gauges: metrics.gauges,
        timers: metrics.timers,
        timer_counters: metrics.timer_counters,
        sets: metrics.sets,
      };
      maybeReady();
      return;
    }
    if (exiting || seen <= reported) return;
    uninstrument();
    const snap = {
      type: 'flush',
      seq: seen,
      counters: {},
      timers: {},
      timer_counters: {},
      sets: {},
      gauges: {},
      gauge_writes: writes ? Array.from(writes) : [],
      bad_lines: live.counters[prefix + 'bad_lines_seen'],
      metrics_received: live.counters[prefix + 'metrics_received'],
      packets_received: live.counters[prefix + 'packets_received'],
    };
    writes = null;
    for (const k of Object.keys(live.counters)) {
      if (!internal(k)) snap.counters[k] = live.counters[k];
    }
    for (const k of Object.keys(live.timers)) {
      if (!internal(k) && live.timers[k].length > 0) {
        snap.timers[k] = live.timers[k].slice();
        snap.timer_counters[k] = live.timer_counters[k];
      }
    }
    for (const k of Object.keys(live.sets)) {
      if (!internal(k)) snap.sets[k] = live.sets[k].values();
    }
    for (const k of Object.keys(live.gauges)) {
      if (!internal(k)) snap.gauges[k] = live.gauges[k];
    }
    reported = seen;
    send(snap);
  });

  process.on('message', (m) => {
    if (m && m.cmd === 'reset') {
      uninstrument();
      let n = 0;
      if (live) {
        for (const k of Object.keys(live.gauges)) {
          if (!internal(k)) { delete live.gauges[k]; n += 1; }
        }
      }
      send({ type: 'reset-done', deleted: n });
    }
  });

  // stats.js flushes once more from its own process 'exit' handler, also
  // when it dies of an uncaught exception: that flush must not be reported
  // as the effect of the packet that killed it. prependListener runs this
  // before the daemon's handler.
  process.prependListener('exit', () => { exiting = true; });
  process.on('disconnect', () => {
    // The adapter is gone (finished or killed): remove the private config
    // directory it made (a mkdtemp "etsy-peer-" directory) and exit.
    const dir = path.dirname(process.argv[2] || '');
    if (/^etsy-peer-/.test(path.basename(dir))) {
      try { require('fs').rmSync(dir, { recursive: true, force: true }); } catch (e) { /* best effort */ }
    }
    process.exit(0);
  });
  return true;
};
