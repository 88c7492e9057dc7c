#!/usr/bin/env node
// `npm test`: the type-check of the whole tree and the mocha specs, run side
// by side (they share nothing, and the machine has more than one core).
// The type-check's output is printed after mocha's; either failing fails the run.
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const root = path.join(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

/** Runs a command; `buffer` keeps its output for later, otherwise it streams through (and is kept too). */
function run(command, args, { buffer }) {
    return new Promise((resolve) => {
        const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
        let output = "";
        child.stdout.on("data", (d) => {
            output += d;
            if (!buffer) process.stdout.write(d);
        });
        child.stderr.on("data", (d) => {
            output += d;
            if (!buffer) process.stderr.write(d);
        });
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
    });
}

(async () => {
    const started = Date.now();
    // Incremental: a warm checkout re-checks only what changed (the cache lives in node_modules/.cache).
    const typecheck = run(bin("tsc"), ["--noEmit", "-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", path.join("node_modules", ".cache", "landing-zone", "tsc.tsbuildinfo")], { buffer: true });
    const mocha = await run(bin("mocha"), process.argv.slice(2), { buffer: false });
    const tsc = await typecheck;
    if (tsc.output.trim()) process.stdout.write(`\ntsc --noEmit:\n${tsc.output}`);
    process.stdout.write(`\ntype-check: ${tsc.code === 0 ? "ok" : "FAILED"}; mocha: ${mocha.code === 0 ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    // The plain closing line CI reads: mocha's counts, plus the type-check as one more check.
    const count = (word) => Number((mocha.output.match(new RegExp(`(\\d+) ${word}`)) || [0, 0])[1]);
    const passed = count("passing") + (tsc.code === 0 ? 1 : 0);
    const failed = count("failing") + (tsc.code === 0 ? 0 : 1) + (mocha.code !== 0 && count("failing") === 0 ? 1 : 0);
    const skipped = count("pending");
    process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
    process.exit(tsc.code !== 0 ? tsc.code : mocha.code);
})();
