/*
 * Shared plumbing for the Node.js peer adapters (etsy-statsd, collectd):
 * the adapter-protocol command line, the batch loop, and small helpers.
 * The peer-specific part is a "peer" object:
 *
 *   {
 *     capabilities(): object,
 *     newSession(): session,   // a running daemon, started lazily
 *   }
 *   session.decode(buf) -> Promise<{lines: [...]}>   (throws DaemonCrash / HarnessError)
 *   session.afterCase() -> Promise<void>             (e.g. reset state between batch cases)
 *   session.stop()
 *
 * Exit codes: 0 ok; 89 dialect/op not implemented; 70 the daemon crashed
 * (DaemonCrash); 75 harness failure (HarnessError or anything unexpected);
 * 64 usage error.
 */
'use strict';

const readline = require('readline');

const EXIT_CRASH = 70;
const EXIT_HARNESS = 75;
const EXIT_UNIMPLEMENTED = 89;
const EXIT_USAGE = 64;
const DIALECTS = ['spec', 'etsy'];

/** The daemon process died while handling a case: the runner's CRASH. */
class DaemonCrash extends Error {}
/** The harness could not get an answer (start-up failed, no flush in time). */
class HarnessError extends Error {}

/**
 * The one pending wait of a daemon session. `wait(pred, ms, what)` resolves
 * with the first event `offer`ed that matches `pred`, rejects with a
 * HarnessError after `ms`, or with a DaemonCrash once `exit` is called (at
 * once when the daemon has already exited). `name` ("collectd", "the
 * daemon") starts the messages; `exited` is `{code, signal}` once it is gone.
 */
class EventWaiter {
  constructor(name) {
    this.name = name;
    this.pending = null; // {pred, resolve, reject, timer}
    this.exited = null;
  }

  /** A new daemon process: forget the previous one's exit. */
  reset() {
    this.exited = null;
  }

  offer(ev) {
    const w = this.pending;
    if (w && w.pred(ev)) {
      this.pending = null;
      clearTimeout(w.timer);
      w.resolve(ev);
    }
  }

  /** The process exited (`detail`: an optional reason, e.g. a spawn error). */
  exit(code, signal, detail) {
    if (this.exited) return;
    this.exited = { code, signal };
    const w = this.pending;
    if (w) {
      this.pending = null;
      clearTimeout(w.timer);
      w.reject(new DaemonCrash(this._exitMessage(detail)));
    }
  }

  wait(pred, ms, what) {
    if (this.exited) {
      return Promise.reject(new DaemonCrash(this._exitMessage()));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        reject(new HarnessError('no answer from ' + this.name + ' within ' + ms + ' ms (' + what + ')'));
      }, ms);
      this.pending = { pred, resolve, reject, timer };
    });
  }

  _exitMessage(detail) {
    const e = this.exited;
    return this.name + ' exited (code ' + e.code + ', signal ' + e.signal + ')' + (detail ? ': ' + detail : '');
  }
}

function makeLog(name) {
  return (msg) => process.stderr.write(name + ' adapter: ' + msg + '\n');
}

function envInt(name, dflt) {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

/** A JS number as a protocol decimal string (`NaN`, `inf`, `-inf` for non-finite). */
function fmt(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

/** The datagram's lines as both daemons frame them: split on "\n", empty skipped. */
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

function readStdin() {
  return new Promise((resolve, reject) => {
    const parts = [];
    process.stdin.on('data', (d) => parts.push(d));
    process.stdin.on('end', () => resolve(Buffer.concat(parts)));
    process.stdin.on('error', reject);
  });
}

function writeOut(s) {
  return new Promise((resolve) => process.stdout.write(s, () => resolve()));
}

function exitCodeFor(e) {
  return e instanceof DaemonCrash ? EXIT_CRASH : EXIT_HARNESS;
}

function dialectArg(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dialect') return args[i + 1];
    if (args[i].startsWith('--dialect=')) return args[i].substring('--dialect='.length);
  }
  return undefined;
}

async function cmdDecode(peer, log) {
  const buf = await readStdin();
  const session = peer.newSession();
  let code = 0;
  try {
    const body = await session.decode(buf);
    await writeOut(JSON.stringify(body) + '\n');
  } catch (e) {
    code = exitCodeFor(e);
    log((e && e.message) + ' -> exit ' + code);
    if (!(e instanceof DaemonCrash) && !(e instanceof HarnessError)) log(e && e.stack);
  }
  session.stop();
  return code;
}

/**
 * One session for the whole batch. A case that kills the daemon is answered
 * {"id", "exit": 70} and the next case gets a fresh daemon; with
 * PEER_BATCH_DIE_ON_CRASH=1 the batch itself exits 70 instead (so a runner
 * that does not accept per-case exit codes falls back to one process per case).
 */
async function cmdBatch(peer, log, dialectOk) {
  let session = peer.newSession();
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const dieOnCrash = process.env.PEER_BATCH_DIE_ON_CRASH === '1';
  try {
    for await (const raw of rl) {
      if (raw.trim() === '') continue;
      let req;
      try {
        req = JSON.parse(raw);
      } catch (e) {
        log('batch: bad request line: ' + e.message);
        return EXIT_USAGE;
      }
      const id = req.id === undefined ? null : req.id;
      if (!dialectOk || req.op !== 'decode') {
        await writeOut(JSON.stringify({ id, exit: EXIT_UNIMPLEMENTED }) + '\n');
        continue;
      }
      let buf;
      if (typeof req.input === 'string') buf = Buffer.from(req.input, 'utf8');
      else if (typeof req.input_hex === 'string') buf = Buffer.from(req.input_hex, 'hex');
      else {
        log('batch: request ' + JSON.stringify(id) + ' has neither input nor input_hex');
        return EXIT_USAGE;
      }
      try {
        const body = await session.decode(buf);
        await writeOut(JSON.stringify(Object.assign({ id, exit: 0 }, body)) + '\n');
        await session.afterCase();
      } catch (e) {
        const code = exitCodeFor(e);
        log('batch case ' + JSON.stringify(id) + ': ' + (e && e.message) + ' -> exit ' + code +
          (dieOnCrash ? '' : '; the next case gets a fresh daemon'));
        session.stop();
        session = peer.newSession();
        if (dieOnCrash) return code;
        await writeOut(JSON.stringify({ id, exit: code }) + '\n');
      }
    }
    return 0;
  } finally {
    session.stop();
  }
}

/** Run the adapter command line for `peer`; exits the process. */
function main(peer, { name, installed }) {
  const log = makeLog(name);
  const run = async () => {
    const args = process.argv.slice(2);
    const sub = args[0];
    const dialect = dialectArg(args);
    const dialectOk = DIALECTS.includes(dialect);
    if (sub === 'capabilities') {
      await writeOut(JSON.stringify(peer.capabilities()) + '\n');
      return 0;
    }
    if (sub === 'encode') {
      log('this peer has no encoder');
      return EXIT_UNIMPLEMENTED;
    }
    if (sub !== 'decode' && sub !== 'batch') {
      log('usage: capabilities | decode --dialect D | encode --dialect D | batch --dialect D');
      return EXIT_USAGE;
    }
    const why = installed();
    if (why) {
      log(why + ': run bash conformance/peers/install.sh');
      return EXIT_HARNESS;
    }
    if (sub === 'decode') {
      if (!dialectOk) {
        log('dialect ' + JSON.stringify(dialect) + ' not implemented');
        return EXIT_UNIMPLEMENTED;
      }
      return cmdDecode(peer, log);
    }
    return cmdBatch(peer, log, dialectOk);
  };
  run().then(
    (code) => process.exit(code),
    (e) => {
      log('internal error: ' + (e && e.stack ? e.stack : e));
      process.exit(EXIT_HARNESS);
    },
  );
}

module.exports = {
  EXIT_CRASH, EXIT_HARNESS, EXIT_UNIMPLEMENTED, EXIT_USAGE, DIALECTS,
  DaemonCrash, HarnessError, EventWaiter, makeLog, envInt, fmt, splitLines, main,
};
