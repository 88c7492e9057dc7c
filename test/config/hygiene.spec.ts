/**
 * Mistakes that used to lose things silently: a block under a namespace
 * nobody reads, a secret in clear text in the committed stack file, a
 * made-up `secure:` value, a passphrase for a stack without a salt.
 */
import { strict as assert } from "assert";
import { namespaceProblems } from "../../stacks/config/namespaces";
import { clearTextSecretProblems } from "../../stacks/config/secrets-hygiene";
import { main } from "../../stacks/plan-cli";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile, StackFileError } from "../../stacks/plan/stack-file";
import { secureValueProblem } from "../../stacks/plan/secure-value";
import { captureOutput, editedStackFile } from "../helpers/stacks";

/** Moves the dev stack's server block to another key, as a user might have written it. */
const serverUnder = (key: string) => editedStackFile("dev", (config) => {
    config[key] = config["landing-zone:server"];
    delete config["landing-zone:server"];
});

async function problemsOf(file: string): Promise<string[]> {
    const result = await runPlan("dev", readStackFile(file, undefined));
    assert.equal(result.ok, false, "the plan should have refused this stack");
    return result.ok ? [] : result.problems;
}

describe("config hygiene", () => {
    describe("namespaces", () => {
        it("refuses `server:` without a namespace, pointing at landing-zone:server (exit 2)", async () => {
            const { result, stderr } = await captureOutput(() => main(["--config", serverUnder("server")]));
            assert.equal(result, 2);
            assert.match(stderr, /^server: a config key without a namespace, so nothing reads it; did you mean "landing-zone:server"\?/m);
        });

        it("refuses `lz:server:` with a did-you-mean", async () => {
            const problems = await problemsOf(serverUnder("lz:server"));
            assert.deepEqual(problems.filter((p) => p.startsWith("lz:server")).map((p) => /did you mean "([^"]+)"/.exec(p)?.[1]), ["landing-zone:server"]);
        });

        it("accepts the providers' namespaces and suggests the nearest one for a typo", () => {
            assert.deepEqual(namespaceProblems(["landing-zone:aws", "aws:region", "azure-native:location", "pulumi:tags"]), []);
            assert.match(namespaceProblems(["azure-natve:location"])[0], /unknown namespace "azure-natve".*did you mean the namespace "azure-native"/);
        });
    });

    describe("secrets in clear text", () => {
        it("refuses a clear pre-shared key with the exact command, never printing it (exit 2)", async () => {
            const key = "an-actual-key-0123456789abcdef";
            const file = editedStackFile("dev", (c) => (c["landing-zone:vpnPreSharedKeys"] = { "head-office": key }));
            const { result, stderr, stdout } = await captureOutput(() => main(["--config", file]));
            assert.equal(result, 2);
            assert.ok(stderr.includes("landing-zone:vpnPreSharedKeys.head-office: the pre-shared key of site \"head-office\" is in clear text"), stderr);
            assert.ok(stderr.includes("pulumi config set --stack dev --secret --path 'landing-zone:vpnPreSharedKeys.head-office'"), stderr);
            assert.ok(!stderr.includes(key) && !stdout.includes(key), "the clear key was printed");
        });

        it("refuses a clear tunnel key seed, and one clear key among secure ones", () => {
            const raw = { vpnPreSharedKeys: { a: "x", b: "y" }, crossCloudTunnelKeySeed: "seed" };
            const problems = clearTextSecretProblems(raw, (p) => p === "vpnPreSharedKeys.a", "prod");
            assert.deepEqual(problems.map((p) => p.split(":").slice(0, 2).join(":")), ["landing-zone:vpnPreSharedKeys.b", "landing-zone:crossCloudTunnelKeySeed"]);
            assert.match(problems[1], /pulumi config set --stack prod --secret 'landing-zone:crossCloudTunnelKeySeed'$/);
        });
    });

    describe("secure: values", () => {
        it("refuses a made-up secure: value, naming the key (exit 2)", async () => {
            const file = editedStackFile("dev", (c) => (c["landing-zone:vpnPreSharedKeys"] = { "head-office": { secure: "hunter2" } }));
            assert.throws(() => readStackFile(file, undefined), (e: Error) => e instanceof StackFileError && /^landing-zone:vpnPreSharedKeys\.head-office: malformed secure: value/.test(e.message));
            const { result, stderr } = await captureOutput(() => main(["--config", file]));
            assert.equal(result, 2);
            assert.match(stderr, /head-office: malformed/);
        });

        it("tells ciphertext from made-up text in both formats", () => {
            assert.equal(secureValueProblem("v1:Ud4Clm7bE9OE+DvI:uHDnZS0lCaLyLKfBZOGT+TWwRoDM6/QWW5LP9GiqPN00RuVjdejCTJXVjt894l8F", true), undefined);
            const blob = Buffer.alloc(60, 7).toString("base64"); // a cloud provider's ciphertext: one base64 blob
            assert.equal(secureValueProblem(blob, false), undefined);
            for (const bad of ["hunter2", "v1:short:xx", "v1:Ud4Clm7bE9OE+DvI:", "", 42]) assert.ok(secureValueProblem(bad, false), String(bad));
            assert.ok(secureValueProblem(blob, true), "a passphrase stack takes only v1: values");
        });
    });

    it("a passphrase for a stack without an encryptionsalt is an error, not ignored", () => {
        const file = editedStackFile("dev", () => undefined);
        assert.throws(() => readStackFile(file, "some passphrase"), (e: Error) => e instanceof StackFileError && /no encryptionsalt/.test(e.message));
        assert.doesNotThrow(() => readStackFile(file, ""), "an empty passphrase (CI without the secret) counts as none");
    });
});
