#!/usr/bin/env node
// `npm run plan` entry: bundles the TypeScript plan command with esbuild
// (dependencies stay external) and runs it. esbuild takes tens of
// milliseconds where ts-node spends most of a second loading the TypeScript
// compiler, and the plan must cost little more than loading the SDKs.
"use strict";
require("./lazy-sdk-modules");
const path = require("path");
const fs = require("fs");
const esbuild = require("esbuild");

const root = path.join(__dirname, "..", "..");
const outfile = path.join(root, "node_modules", ".cache", "landing-zone", "plan-cli.js");
fs.mkdirSync(path.dirname(outfile), { recursive: true });
const built = esbuild.build({
    entryPoints: [path.join(root, "stacks", "plan-cli.ts")],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "error",
    plugins: [keepDirname()],
});
/**
 * The bundle lives elsewhere, so each project file's `__dirname` is replaced
 * by its real directory (code such as the Lambda bundler resolves files by it).
 */
function keepDirname() {
    return {
        name: "keep-dirname",
        setup(build) {
            build.onLoad({ filter: /\.ts$/ }, (args) => {
                const source = fs.readFileSync(args.path, "utf8");
                if (!source.includes("__dirname")) return undefined;
                return { contents: source.replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))), loader: "ts" };
            });
        },
    };
}

built.then(() => require(outfile).main(process.argv.slice(2))).then(
    // Exit only once stdout has drained: a pipe (| jq) would otherwise lose the JSON's tail.
    (code) => process.stdout.write("", () => process.exit(code)),
    (err) => {
        process.stderr.write(`plan failed: ${(err && err.stack) || err}\n`);
        process.exit(3);
    },
);
