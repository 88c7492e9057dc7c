/**
 * The Lambda code the component deploys: one self-contained CommonJS file
 * under 1 MB that exports `handler`.
 */
import { strict as assert } from "assert";
import Module from "module";
import * as path from "path";
import { bundleHandler } from "../../components/aws/failover/bundle";
import { LAUNCHING } from "../../components/aws/failover/handler";
import { event } from "./harness";

describe("failover handler bundle", () => {
    it("is one self-contained file of about 1 MB exporting a working handler", async () => {
        const { code, bytes } = bundleHandler();
        // Lambda allows 50 MB zipped; the bound catches an accidental dependency (the four SDK clients are ~1 MB).
        assert.ok(bytes < 1_100_000, `${bytes} bytes`);
        assert.equal(bytes, Buffer.byteLength(code));
        assert.ok(!code.includes("/work/"), "no absolute build paths in the code");
        assert.ok(!code.includes(path.resolve(__dirname, "../..")), "not even this checkout's path");

        // Loaded with no node_modules to fall back on: only Node built-ins may be required.
        const m = new Module("/var/task/index.js") as Module & { _compile(code: string, file: string): void };
        m.filename = "/var/task/index.js";
        m.paths = [];
        m._compile(code, m.filename);
        const handler = (m.exports as { handler?: unknown }).handler;
        assert.equal(typeof handler, "function");
        const handle = handler as (e: unknown) => Promise<{ outcome: string; reason?: string }>;

        // An ignored event; then a launch with no settings: the bundled SDK client is built and
        // runs its middleware up to region resolution (no region here, so no network call), and
        // the failure is handled. The handler's JSON log lines are captured.
        const saved = { ...process.env };
        const lines: string[] = [];
        const { log, error } = console;
        for (const k of ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "TIER_NAME"]) delete process.env[k];
        process.env.AWS_EC2_METADATA_DISABLED = "true";
        console.log = console.error = (line: unknown) => void lines.push(String(line));
        let r: { outcome: string; reason?: string };
        try {
            assert.equal((await handle({ "detail-type": "Scheduled Event", detail: {} })).outcome, "NONE");
            r = await handle(event(LAUNCHING, "i-0", "tok"));
        } finally {
            process.env = saved;
            Object.assign(console, { log, error });
        }
        assert.equal(r.outcome, "ABANDON");
        assert.match(r.reason!, /TIER_NAME: required/);
        const failed = lines
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as { msg: string; error?: string })
            .find((l) => l.msg === "could not complete lifecycle action");
        assert.match(failed?.error ?? "", /region/i, lines.join("\n"));
    });
});
