#!/usr/bin/env node
// `npm test`: the type-check of the whole tree and the mocha specs, side by
// side. The specs run in one mocha process per core (two on CI's machine),
// each given a share of the spec files balanced by how long each file took
// last time; the first shard's output streams, the others' follow it.
// `npm test -- <mocha args>` runs one plain mocha with those arguments (and
// every spec file unless they name some: `npm test -- test/plan/diff.spec.ts`).
// Either the type-check or any shard failing fails the run.
"use strict";
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.join(__dirname, "..");
const cache = path.join(root, "node_modules", ".cache", "landing-zone");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
// Run with this process's node and NODE_FLAGS (the .bin shim would start its own).
const MOCHA = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
// The plans' object graphs survive the young generation; a larger one is
// scavenged less often (measured: the suite 46 s → 38 s on one core; GC
// pauses a third shorter again at 256 MB than at 128 MB).
const NODE_FLAGS = ["--max-semi-space-size=256", "--min-semi-space-size=128"];

/** Runs a command; `buffer` keeps its output for later, otherwise it streams through (and is kept too). */
function run(command, args, { buffer, env = {} }) {
    return new Promise((resolve) => {
        const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0", ...env } });
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
    const stamp = path.join(cache, "typecheck.lock-sha1");
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

/** Every file under `dir` whose name ends with `suffix`, sorted. */
function filesUnder(dir, suffix) {
    return fs.readdirSync(path.join(root, dir), { recursive: true })
        .filter((f) => f.endsWith(suffix))
        .map((f) => path.posix.join(dir, f.split(path.sep).join("/")))
        .sort();
}

/** Where the specs are. Not in .mocharc.json, whose `spec` mocha would add to any file named on its command line. */
const SPEC_DIR = "test";
const SPEC_SUFFIX = ".spec.ts";

/**
 * Spec files that go to the same shard: they load the same heavy modules (the
 * failover specs: the AWS SDK v3 clients, about half a second per process).
 */
const TOGETHER = [/^test\/failover\//];

/** Splits files into `n` lists of about equal expected time (longest first, each to the lightest list); files of a TOGETHER group move as one. */
function split(files, n, durations) {
    const known = files.map((f) => durations[f]).filter((d) => typeof d === "number").sort((a, b) => a - b);
    const guess = known.length ? known[Math.floor(known.length / 2)] : 1;
    const units = new Map();
    for (const file of files) {
        const group = TOGETHER.find((pattern) => pattern.test(file));
        const key = group ? String(group) : file;
        const unit = units.get(key) ?? { files: [], load: 0 };
        unit.files.push(file);
        unit.load += durations[file] ?? guess;
        units.set(key, unit);
    }
    const shards = Array.from({ length: n }, () => ({ files: [], load: 0 }));
    for (const unit of [...units.values()].sort((a, b) => b.load - a.load)) {
        const lightest = shards.reduce((a, b) => (b.load < a.load ? b : a));
        lightest.files.push(...unit.files);
        lightest.load += unit.load;
    }
    return shards.filter((s) => s.files.length > 0);
}

/** Whether a spec plans the real stacks (through the shared helpers, the plan runner or the command). */
function plansStacks(file) {
    return /from "(\.\.\/)+(helpers\/stacks|stacks\/plan\/run|stacks\/plan-cli)"/.test(fs.readFileSync(path.join(root, file), "utf8"));
}

function readJson(file) {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return {};
    }
}

/** The spec files in shards, one mocha each; resolves to the combined result. */
async function runShards(count) {
    const durationsFile = path.join(cache, "test-durations.json");
    // Last run's times on this machine, else the committed ones (a fresh clone, CI).
    const durations = { ...readJson(path.join(__dirname, "durations.json")), ...readJson(durationsFile) };
    const shards = split(filesUnder(SPEC_DIR, SPEC_SUFFIX), count, durations);
    fs.mkdirSync(cache, { recursive: true });
    const outs = shards.map((_, i) => path.join(cache, `test-durations.${process.pid}.${i}.json`));
    const started = Date.now();
    const runs = shards.map((shard, i) =>
        run(process.execPath, [...NODE_FLAGS, MOCHA, "--require", "test/durations.js", ...shard.files], {
            buffer: i > 0,
            env: { LZ_TEST_DURATIONS_OUT: outs[i], ...(shard.files.some(plansStacks) ? { LZ_TEST_WARM_PLANS: "1" } : {}) },
        }).then((result) => ({ ...result, seconds: (Date.now() - started) / 1000 })));
    const results = [];
    for (const [i, pending] of runs.entries()) {
        const result = await pending;
        if (i > 0) process.stdout.write(`\n--- shard ${i + 1} of ${runs.length} (${shards[i].files.length} files) ---\n${result.output}`);
        results.push(result);
    }
    for (const out of outs) {
        // Averaged with the runs before: one run's times vary with what else the machine does.
        for (const [file, ms] of Object.entries(readJson(out))) durations[file] = typeof durations[file] === "number" ? Math.round((durations[file] + ms) / 2) : ms;
        fs.rmSync(out, { force: true });
    }
    fs.writeFileSync(durationsFile, `${JSON.stringify(durations, Object.keys(durations).sort(), 1)}\n`);
    return {
        code: results.find((r) => r.code !== 0)?.code ?? 0,
        output: results.map((r) => r.output).join("\n"),
        // How evenly the split worked: the run takes as long as the slowest shard.
        shards: results.map((r, i) => `${shards[i].files.length} files ${r.seconds.toFixed(1)} s`).join(", "),
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
    const extra = process.argv.slice(2);
    const shardCount = Number(process.env.LZ_TEST_SHARDS) || Math.min(2, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
    const namesFiles = extra.some((a) => a.endsWith(".ts") || a.includes("*"));
    const mocha = extra.length > 0 || shardCount < 2
        ? await run(process.execPath, [...NODE_FLAGS, MOCHA, ...extra, ...(namesFiles ? [] : filesUnder(SPEC_DIR, SPEC_SUFFIX))], { buffer: false })
        : await runShards(shardCount);
    const tsc = await typecheck;
    if (tsc.code === 0) lockfile.save();
    if (tsc.output.trim()) process.stdout.write(`\ntsc --noEmit:\n${tsc.output}`);
    process.stdout.write(`\ntype-check: ${tsc.code === 0 ? "ok" : "FAILED"}; mocha: ${mocha.code === 0 ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)} s${mocha.shards ? `; shards: ${mocha.shards}` : ""})\n`);
    // The plain closing line CI reads: mocha's counts (summed over the shards), plus the type-check as one more check.
    const count = (word) => [...mocha.output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, "gm"))].reduce((sum, m) => sum + Number(m[1]), 0);
    const passed = count("passing") + (tsc.code === 0 ? 1 : 0);
    const failed = count("failing") + (tsc.code === 0 ? 0 : 1) + (mocha.code !== 0 && count("failing") === 0 ? 1 : 0);
    const skipped = count("pending");
    process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
    process.exit(tsc.code !== 0 ? tsc.code : mocha.code);
})();
