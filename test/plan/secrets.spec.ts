import { strict as assert } from "assert";
import { PassphraseCrypter, PassphraseError } from "../../stacks/plan/passphrase";
import { readStackFile, secretPlaceholder, StackFileError } from "../../stacks/plan/stack-file";
import { editedStackFile, planReportAndJson } from "../helpers/stacks";
/** The Pulumi CLI's own test vector (pkg/secrets/passphrase): this salt opens with "password". */
const PASSPHRASE = "password";
const PULUMI_SALT = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";
const WRONG = "not it";
const PSK = "Xk8#p2LqT7vN4wZr9sDfGh";
/** Rounds for the format's mechanics only (create, reopen, reject); the real 1,000,000 are proven by the test vector. */
const FEW_ROUNDS = 1000;

describe("stack secrets (passphrase provider)", function () {
    this.timeout(20000);
    // Two real 1,000,000-round key derivations in all, each once: the test vector's passphrase and one wrong one.
    const crypter = PassphraseCrypter.open(PASSPHRASE, PULUMI_SALT);
    const file = editedStackFile("dev", (config, document) => {
        document.encryptionsalt = PULUMI_SALT;
        config["landing-zone:vpnPreSharedKeys"] = { "head-office": { secure: crypter.encrypt(PSK) } };
    });

    it("opens a salt the Pulumi CLI made with its passphrase, and only with it", () => {
        // Only a salt made by Pulumi proves the derivation (PBKDF2-SHA256, 1,000,000 rounds, 32 bytes) and
        // the verifier match the CLI's: a round trip uses this module's derivation both ways.
        assert.doesNotThrow(() => PassphraseCrypter.open(PASSPHRASE, PULUMI_SALT));
        assert.throws(() => PassphraseCrypter.open(WRONG, PULUMI_SALT), PassphraseError);
    });

    it("round-trips values in Pulumi's format and rejects a wrong passphrase", () => {
        const made = PassphraseCrypter.create("correct horse battery staple", FEW_ROUNDS);
        const reopened = PassphraseCrypter.open("correct horse battery staple", made.encryptionSalt, FEW_ROUNDS);
        assert.equal(reopened.decrypt(made.encrypt("hello")), "hello");
        assert.match(made.encryptionSalt, /^v1:[A-Za-z0-9+/=]{12}:v1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]+$/);
        assert.throws(() => PassphraseCrypter.open(WRONG, made.encryptionSalt, FEW_ROUNDS), PassphraseError);
    });

    it("decrypts secure values with the passphrase and marks the key secret", () => {
        const stack = readStackFile(file, PASSPHRASE);
        assert.deepEqual(JSON.parse(stack.config["landing-zone:vpnPreSharedKeys"]), { "head-office": PSK });
        assert.deepEqual(stack.secretKeys, ["landing-zone:vpnPreSharedKeys"]);
        assert.deepEqual(stack.secretValues, [PSK]);
    });

    it("plans secure values as present placeholders without a passphrase", () => {
        const stack = readStackFile(file, undefined);
        assert.deepEqual(JSON.parse(stack.config["landing-zone:vpnPreSharedKeys"]), { "head-office": secretPlaceholder(0) });
    });

    it("stops with a clear error on a wrong passphrase", () => {
        assert.throws(() => readStackFile(file, WRONG), (err: Error) => err instanceof StackFileError && /incorrect passphrase/.test(err.message));
    });

    it("never prints a decrypted secret in the plan", async () => {
        process.env.PULUMI_CONFIG_PASSPHRASE = PASSPHRASE;
        const { stdout, json } = await planReportAndJson(["--config", file]).finally(() => delete process.env.PULUMI_CONFIG_PASSPHRASE);
        assert.ok(stdout.length > 1000 && JSON.parse(json).stack === "dev");
        for (const text of [stdout, json]) assert.ok(!text.includes(PSK), "the pre-shared key leaked into the plan output");
    });
});
