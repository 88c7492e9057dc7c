// A mocha root-hook plugin for `npm test`'s shards: how long each spec file
// took (its tests and the hooks between them), written on exit to the file
// LZ_TEST_DURATIONS_OUT names, so the next run splits the files evenly.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");

const out = process.env.LZ_TEST_DURATIONS_OUT;
const perFile = {};
let last = 0;

exports.mochaHooks = out
    ? {
        beforeAll() {
            last = Date.now();
        },
        afterEach() {
            const now = Date.now();
            const file = this.currentTest && this.currentTest.file;
            if (file) {
                const key = path.relative(root, file).split(path.sep).join("/");
                perFile[key] = (perFile[key] || 0) + (now - last);
            }
            last = now;
        },
    }
    : {};

if (out) {
    process.on("exit", () => {
        try {
            fs.writeFileSync(out, JSON.stringify(perFile));
        } catch {
            // Only a hint for the next split.
        }
    });
}
