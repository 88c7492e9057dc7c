/**
 * Bundles the handler into one CommonJS file for the Lambda (`index.js`,
 * handler `index.handler`). Everything is bundled, the AWS SDK included: the
 * nodejs20.x runtime ships an SDK v3, but not necessarily the version the
 * handler was tested against. Measured in bench/failover-bundle.ts.
 */
import { createHash } from "crypto";
import { buildSync } from "esbuild";
import * as fs from "fs";
import * as path from "path";

/** The handler's source next to this file (or its compiled .js when run from a tsc build). */
export const HANDLER_ENTRY = ["handler.ts", "handler.js"]
    .map((f) => path.join(__dirname, f))
    .find((f) => fs.existsSync(f)) ?? path.join(__dirname, "handler.ts");

export interface BundleOptions {
    /** Leave `@aws-sdk/*` to the runtime's copy (smaller, unpinned). Default false. */
    externalSdk?: boolean;
}

/** Bundles are pure functions of the source, so one per process is enough (the plan and tests build several stacks). */
const cache = new Map<boolean, { code: string; bytes: number }>();

export function bundleHandler(opts: BundleOptions = {}): { code: string; bytes: number } {
    const key = !!opts.externalSdk;
    const cached = cache.get(key);
    if (cached) return cached;
    // On disk too, keyed by everything the bundle is made of (handler sources, the lock
    // file pinning the SDK and esbuild): a warm plan skips the ~0.7 s build.
    const diskFile = diskCachePath(key);
    if (diskFile && fs.existsSync(diskFile)) {
        const code = fs.readFileSync(diskFile, "utf8");
        const bundle = { code, bytes: Buffer.byteLength(code) };
        cache.set(key, bundle);
        return bundle;
    }
    const result = buildSync({
        entryPoints: [HANDLER_ENTRY],
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        minify: true,
        write: false,
        // Deterministic output: no absolute paths, so the Lambda's code hash only changes with the code.
        absWorkingDir: path.resolve(__dirname, "../../.."),
        sourcemap: false,
        legalComments: "none",
        logLevel: "silent",
        // The SDK's ES builds tree-shake; its CommonJS builds are one file per client.
        mainFields: ["module", "main"],
        ...(opts.externalSdk ? { external: ["@aws-sdk/*", "@smithy/*"] } : {}),
    });
    const file = result.outputFiles[0];
    if (file === undefined) throw new Error("esbuild produced no output for the failover handler");
    const bundle = { code: file.text, bytes: file.contents.byteLength };
    cache.set(key, bundle);
    if (diskFile) {
        try {
            fs.mkdirSync(path.dirname(diskFile), { recursive: true });
            fs.writeFileSync(`${diskFile}.tmp`, bundle.code);
            fs.renameSync(`${diskFile}.tmp`, diskFile);
        } catch {
            // A read-only checkout just rebuilds next time.
        }
    }
    return bundle;
}

/** node_modules/.cache/landing-zone/failover-<hash>.js, or undefined when there is no node_modules to cache in. */
function diskCachePath(externalSdk: boolean): string | undefined {
    const root = path.resolve(__dirname, "../../..");
    const nodeModules = path.join(root, "node_modules");
    if (!fs.existsSync(nodeModules)) return undefined;
    const hash = createHash("sha256");
    hash.update(`externalSdk=${externalSdk}\n`);
    for (const file of fs.readdirSync(__dirname).filter((f) => /\.(ts|js)$/.test(f)).sort()) {
        hash.update(file).update(fs.readFileSync(path.join(__dirname, file)));
    }
    const lock = path.join(root, "package-lock.json");
    if (fs.existsSync(lock)) hash.update(fs.readFileSync(lock));
    return path.join(nodeModules, ".cache", "landing-zone", `failover-${hash.digest("hex").slice(0, 16)}.js`);
}
