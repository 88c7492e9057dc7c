/**
 * Bundles the handler into one CommonJS file for the Lambda (`index.js`,
 * handler `index.handler`). Everything is bundled, the AWS SDK included: the
 * nodejs20.x runtime ships an SDK v3, but not necessarily the version the
 * handler was tested against. Measured in bench/failover-bundle.ts.
 */
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
    return bundle;
}
