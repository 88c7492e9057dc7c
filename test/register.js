// The specs' TypeScript loader: what ts-node/register/transpile-only does
// (typescript.transpileModule with the tsconfig's options, one file at a
// time, no type-check: `tsc --noEmit` does that), plus an on-disk cache of
// the output keyed by the source, so a warm run neither loads the compiler
// (about a second) nor re-transpiles a few hundred files (several seconds).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const root = path.join(__dirname, "..");
const cacheDir = path.join(root, "node_modules", ".cache", "landing-zone", "ts");
const tsVersion = require("typescript/package.json").version;
const tsconfigText = fs.readFileSync(path.join(root, "tsconfig.json"), "utf8");

let compilerOptions;
let ts;
/** The compiler and the options ts-node would give it, loaded on the first cache miss only. */
function compiler() {
    if (!ts) {
        ts = require("typescript");
        const parsed = ts.parseJsonConfigFileContent(ts.parseConfigFileTextToJson("tsconfig.json", tsconfigText).config, ts.sys, root);
        // As ts-node sets them: CommonJS out, source maps inline for stack traces.
        compilerOptions = { ...parsed.options, noEmit: false, declaration: false, declarationMap: false, emitDeclarationOnly: false, sourceMap: false, inlineSourceMap: true, inlineSources: true, outDir: undefined, incremental: false, tsBuildInfoFile: undefined, composite: false };
    }
    return ts;
}

function transpile(source, filename) {
    const key = crypto.createHash("sha1").update(`${tsVersion}\0${tsconfigText}\0${filename}\0`).update(source).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not cached yet.
    }
    const out = compiler().transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: false }).outputText;
    try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const tmp = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, out);
        fs.renameSync(tmp, cached); // atomic: a parallel run never reads half a file
    } catch {
        // A read-only tree still runs, uncached.
    }
    return out;
}

// Stack traces point at the .ts lines (the output carries an inline source map).
process.setSourceMapsEnabled(true);

Module._extensions[".ts"] = function (module, filename) {
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) throw new Error(`refusing to transpile ${filename} from node_modules`);
    module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
