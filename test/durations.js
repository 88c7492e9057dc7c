// A mocha root-hook plugin for `npm test`'s shards: how long each spec file
// took (loading it, with whatever it loads first in this process, then its
// tests and the hooks between them), written on exit to the file
// LZ_TEST_DURATIONS_OUT names, so the next run splits the files evenly.
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");

const root = path.join(__dirname, "..");

const out = process.env.LZ_TEST_DURATIONS_OUT;
const perFile = {};
let last = 0;

exports.mochaHooks = out
    ? {
        async beforeAll() {
            // The first plan in a process costs several times a warm one (providers' modules load, code
            // warms up). Paid here when run-all says the shard plans, it counts against no spec file, so
            // the recorded times do not depend on which file happened to plan first.
            if (process.env.LZ_TEST_WARM_PLANS) {
                this.timeout(60_000);
                const { planOfStack } = require("./helpers/stacks.ts");
                // One after the other: a plan sets the Pulumi runtime's global state. A plan that fails
                // here fails each spec that uses it instead (the rejection is shared), not the whole shard.
                for (const stack of ["dev", "prod"]) await planOfStack(stack).catch(() => undefined);
            }
            last = Date.now();
        },
        afterEach() {
            const now = Date.now();
            const file = this.currentTest && this.currentTest.file;
            if (file) {
                const key = keyOf(file);
                perFile[key] = (perFile[key] || 0) + (now - last);
            }
            last = now;
        },
    }
    : {};

const keyOf = (file) => path.relative(root, file).split(path.sep).join("/");

if (out) {
    // Mocha loads every spec file before running any: time each load.
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
        if (!request.endsWith(".spec.ts")) return load.call(this, request, parent, isMain);
        const started = Date.now();
        try {
            return load.call(this, request, parent, isMain);
        } finally {
            const key = keyOf(path.resolve(request));
            perFile[key] = (perFile[key] || 0) + (Date.now() - started);
        }
    };
    process.on("exit", () => {
        try {
            fs.writeFileSync(out, JSON.stringify(perFile));
        } catch {
            // Only a hint for the next split.
        }
    });
}
