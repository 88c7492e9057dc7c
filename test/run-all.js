#!/usr/bin/env node
// `npm test`: the type-check of the whole tree and the mocha specs, run side
// by side (they share nothing, and the machine has more than one core).
// The type-check's output is printed after mocha's; either failing fails the run.
"use strict";
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
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

/** package-lock.json's hash, and the one the last passing type-check ran with. */
function lockfileStamp() {
    const stamp = path.join(root, "node_modules", ".cache", "landing-zone", "typecheck.lock-sha1");
    const sha1 = crypto.createHash("sha1").update(fs.readFileSync(path.join(root, "package-lock.json"))).digest("hex");
    let previous = "";
    try {
        previous = fs.readFileSync(stamp, "utf8");
    } catch {
        // First run.
    }
    return {
        changed: previous !== sha1,
        save() {
            fs.mkdirSync(path.dirname(stamp), { recursive: true });
            fs.writeFileSync(stamp, sha1);
        },
    };
}

(async () => {
    const started = Date.now();
    // Build mode: when no source file or tsconfig is newer than the last check's state
    // (node_modules/.cache), tsc stops after comparing timestamps instead of parsing the
    // 3,600 declaration files again; otherwise it re-checks incrementally. It does not
    // look at node_modules, so a changed package-lock.json forces a full check.
    const lockfile = lockfileStamp();
    const typecheck = run(bin("tsc"), ["-b", "tsconfig.typecheck.json", ...(lockfile.changed ? ["--force"] : [])], { buffer: true });
    const mocha = await run(bin("mocha"), process.argv.slice(2), { buffer: false });
    const tsc = await typecheck;
    if (tsc.code === 0) lockfile.save();
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
