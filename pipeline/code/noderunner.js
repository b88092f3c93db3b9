// Runs one session of a course's JavaScript blocks, inside the sandbox.
// Reads the session as JSON on stdin; writes one JSON line per block on stdout. The
// blocks share one global scope, as <script> tags of one page do (so a second
// `const x` is an error there too: `@run: fresh` starts a new session), and their
// console output is captured per block.
"use strict";
const fs = require("fs");
const util = require("util");
const vm = require("vm");
const { createRequire } = require("module");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const send = (record) => fs.writeSync(1, JSON.stringify(record) + "\n");
const MAX_TEXT = 20000;
let out = [];
let err = [];
const line = (args) => util.format(...args) + "\n";
const captured = {
  log: (...a) => out.push(line(a)),
  info: (...a) => out.push(line(a)),
  debug: (...a) => out.push(line(a)),
  table: (...a) => out.push(line(a)),
  dir: (v) => out.push(util.inspect(v) + "\n"),
  warn: (...a) => err.push(line(a)),
  error: (...a) => err.push(line(a)),
};
const context = vm.createContext({
  console: captured,
  require: createRequire("/tmp/"),
  setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, queueMicrotask,
  structuredClone, URL, URLSearchParams, TextEncoder, TextDecoder, Buffer,
});

function chain(e) {
  const names = [];
  for (let p = e; p && names.length < 20; p = Object.getPrototypeOf(p)) {
    if (p.constructor && p.constructor.name) names.push(p.constructor.name);
  }
  return names;
}

function describe(e, filename) {
  const isError = e && typeof e === "object" && "stack" in e;
  const type = isError ? e.name : typeof e;
  const message = isError ? String(e.message) : util.inspect(e);
  const stack = isError ? String(e.stack).split("\n") : [`Uncaught ${message}`];
  const own = stack.filter((l) => !/noderunner\.js|node:internal|node:vm/.test(l));
  const where = stack.map((l) => l.includes(filename) && l.match(/:(\d+):\d+\)?$/)).find(Boolean);
  return { type, mro: chain(e), message, traceback: own.join("\n") + "\n", line: where ? Number(where[1]) : null };
}

function limit(ms) {
  return new Promise((_, reject) => setTimeout(() => reject({ lecternTimeout: true }), ms).unref());
}

(async () => {
  for (let k = 0; k < input.blocks.length; k++) {
    const b = input.blocks[k];
    send({ start: k });
    out = [];
    err = [];
    const result = { block: k, error: null, timeout: false };
    const started = Date.now();
    try {
      const script = new vm.Script(b.code, { filename: b.filename, lineOffset: b.offset });
      const value = script.runInContext(context, { timeout: input.time_s * 1000 });
      if (value && typeof value.then === "function") {
        await Promise.race([value, limit(input.time_s * 1000)]);
      }
      await new Promise((resolve) => setImmediate(resolve));
    } catch (e) {
      if ((e && e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") || (e && e.lecternTimeout)) {
        result.timeout = true;
      } else {
        result.error = describe(e, b.filename);
      }
    }
    result.stdout = out.join("").slice(0, MAX_TEXT);
    result.stderr = err.join("").slice(0, MAX_TEXT);
    result.seconds = (Date.now() - started) / 1000;
    send(result);
  }
  process.exit(0);
})();
