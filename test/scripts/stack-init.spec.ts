/**
 * `npm run stack:init`: drives the real pulumi CLI, here a stand-in `pulumi`
 * on PATH (a shell script) that records each call's arguments and stdin.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { KEY_LENGTH, main, randomSecret, secretKeysFor } from "../../scripts/stack-init";
import { captureOutput, ROOT } from "../helpers/stacks";

interface Call { args: string[]; stdin: string }

/** A temp project with a copy of the stack file and a stand-in pulumi; `fail` makes the given subcommand exit 1. */
function sandbox(stack: "dev" | "prod", fail?: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-init-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.copyFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
    const log = path.join(dir, "calls.log");
    // Two lines per call: CALL<TAB>arg<TAB>arg..., then STDIN<TAB>what it read.
    fs.writeFileSync(path.join(bin, "pulumi"), [
        "#!/bin/sh",
        "stdin=$(cat)",
        `{ printf 'CALL'; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; printf 'STDIN\\t%s\\n' "$stdin"; } >> "${log}"`,
        fail ? `[ "$1 $2" = "${fail}" ] && exit 1` : "",
        "exit 0",
        "",
    ].join("\n"), { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const calls = (): Call[] => {
        if (!fs.existsSync(log)) return [];
        const lines = fs.readFileSync(log, "utf8").split("\n");
        const out: Call[] = [];
        for (let i = 0; i + 1 < lines.length; i += 2) out.push({ args: lines[i].split("\t").slice(1), stdin: lines[i + 1].split("\t").slice(1).join("\t") });
        return out;
    };
    return { dir, env, calls, file: path.join(dir, `Pulumi.${stack}.yaml`) };
}

async function run(argv: string[], box: ReturnType<typeof sandbox>) {
    const lines: string[] = [];
    const { result, stdout, stderr } = await captureOutput(async () => main(argv, { cwd: box.dir, env: box.env, log: (l) => lines.push(l) }));
    return { code: result, out: lines.join("\n") + stdout, stderr };
}

describe("npm run stack:init", function () {
    this.timeout(30000);

    it("creates the stack and sets a random secret per site and the tunnel seed, each through stdin, never echoed", async () => {
        const box = sandbox("prod");
        const { code, out, stderr } = await run(["--stack", "prod", "--secrets-provider", "passphrase"], box);
        assert.equal(code, 0, stderr);
        const calls = box.calls();
        assert.deepEqual(calls[0].args, ["stack", "init", "prod", "--secrets-provider", "passphrase"]);
        const sets = calls.slice(1);
        assert.deepEqual(sets.map((c) => c.args), ["sydney-hq", "melbourne", "brisbane"].map((s) => ["config", "set", "--secret", "--path", `landing-zone:vpnPreSharedKeys.${s}`, "--stack", "prod"])
            .concat([["config", "set", "--secret", "--path", "landing-zone:crossCloudTunnelKeySeed", "--stack", "prod"]]));
        const secrets = sets.map((c) => c.stdin);
        for (const s of secrets) assert.match(s, new RegExp(`^[A-Za-z0-9]{${KEY_LENGTH}}$`));
        assert.equal(new Set(secrets).size, secrets.length, "each secret is its own random value");
        for (const s of secrets) {
            assert.ok(!out.includes(s) && !stderr.includes(s), "no secret in the output");
            assert.ok(!calls.some((c) => c.args.includes(s)), "no secret on a command line");
        }
        // The placeholders are gone; comments and the rest of the file stay.
        const text = fs.readFileSync(box.file, "utf8");
        assert.ok(!text.includes("secure:"));
        assert.ok(text.includes("# prod"), "comments kept");
        const config = YAML.parse(text).config;
        assert.equal(config["landing-zone:vpnPreSharedKeys"], undefined);
        assert.equal(config["landing-zone:server"].name, "app");
    });

    it("dev (no cross-cloud link): one key per site, no seed, the CLI's default secrets provider", async () => {
        const box = sandbox("dev");
        const { code } = await run(["--stack", "dev"], box);
        assert.equal(code, 0);
        assert.deepEqual(box.calls().map((c) => c.args.slice(0, 5).join(" ")), ["stack init dev", "config set --secret --path landing-zone:vpnPreSharedKeys.head-office"]);
    });

    it("stops at a failing pulumi command (exit 1), refuses an initialised stack and bad usage (exit 2)", async () => {
        const failing = sandbox("dev", "stack init");
        assert.equal((await run(["--stack", "dev"], failing)).code, 1);
        assert.equal(failing.calls().length, 1, "no config set after a failed init");

        const box = sandbox("dev");
        fs.appendFileSync(box.file, "encryptionsalt: v1:abc:def\n");
        const initialised = await run(["--stack", "dev"], box);
        assert.equal(initialised.code, 2);
        assert.match(initialised.stderr, /already initialised/);
        assert.equal(box.calls().length, 0);
        assert.equal((await run([], box)).code, 2);
        assert.equal((await run(["--stack", "staging"], box)).code, 2);
    });

    it("random secrets are long, from letters and digits, and differ", () => {
        const a = randomSecret();
        assert.equal(a.length, KEY_LENGTH);
        assert.ok(KEY_LENGTH >= 20);
        assert.notEqual(a, randomSecret());
        assert.deepEqual(secretKeysFor({ "landing-zone:environment": "staging", "landing-zone:sites": [{ name: "x" }], "landing-zone:wan": { crossCloudLink: true } }), ["landing-zone:vpnPreSharedKeys.x", "landing-zone:crossCloudTunnelKeySeed"]);
    });
});
