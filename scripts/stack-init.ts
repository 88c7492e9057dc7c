/**
 * `npm run stack:init -- --stack <env> [--secrets-provider <provider>]`:
 * the first run of a stack against real accounts.
 *
 * The committed stack files carry placeholder `secure:` values (so the
 * offline plan sees present secrets) but no `encryptionsalt`, so no key can
 * decrypt them and the first `pulumi up` would fail. This command, driving
 * the real `pulumi` CLI:
 *   1. removes the placeholder secrets from Pulumi.<env>.yaml (comments and
 *      every other setting stay as they are);
 *   2. creates the stack: `pulumi stack init <env>` (with
 *      `--secrets-provider` when given; otherwise the CLI's default: the
 *      Pulumi Cloud key when logged in to it, a passphrase with `pulumi login
 *      --local`, read from PULUMI_CONFIG_PASSPHRASE(_FILE));
 *   3. sets a random pre-shared key per branch site and, when the stack has
 *      the cross-cloud link, a random tunnel-key seed, each with
 *      `pulumi config set --secret --path <key>` and the value on standard
 *      input (the CLI reads a value left off the command line from stdin), so
 *      no secret appears in a process list, a log or this command's output.
 *
 * A stack file that already has an `encryptionsalt` or `secretsprovider` is
 * initialised: the command refuses (exit 2) rather than replace real keys.
 * Exit status: 0 done; 1 a pulumi command failed; 2 usage or stack file.
 */
import { spawnSync } from "child_process";
import { randomInt } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { MIN_SECRET_LENGTH } from "../stacks/config/resolve";
import { display } from "../components/display";

const NS = "landing-zone";
const USAGE = "usage: npm run stack:init -- --stack NAME [--secrets-provider PROVIDER]";
/** Letters and digits only: Azure takes printable ASCII, AWS (derived keys aside) letters, digits, "." and "_". */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const KEY_LENGTH = Math.max(32, MIN_SECRET_LENGTH);

export function randomSecret(length = KEY_LENGTH): string {
    let out = "";
    for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
    return out;
}

export interface StackInitOptions {
    /** Directory of Pulumi.yaml and the stack files. Default: the working directory. */
    cwd?: string;
    /** Environment for the pulumi processes (PATH, passphrase). Default: process.env. */
    env?: NodeJS.ProcessEnv;
    /** Where progress lines go. Default: stdout. */
    log?: (line: string) => void;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): { stack: string; secretsProvider?: string } {
    let stack: string | undefined;
    let secretsProvider: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const next = argv[++i];
            if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value (${USAGE})`);
            return next;
        };
        if (arg === "--stack" || arg === "-s") stack = value();
        else if (arg === "--secrets-provider") secretsProvider = value();
        else if (arg === "--help" || arg === "-h") throw new UsageError(USAGE);
        else throw new UsageError(`unknown argument ${arg} (${USAGE})`);
    }
    if (!stack) throw new UsageError(`--stack is required (${USAGE})`);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack ${stack}: a stack name is letters, digits, "-", "_" and "."`);
    return { stack, ...(secretsProvider ? { secretsProvider } : {}) };
}

/** The secret config keys to set (path form) for the stack's config. */
export function secretKeysFor(config: Record<string, unknown>): string[] {
    const sites = Array.isArray(config[`${NS}:sites`]) ? (config[`${NS}:sites`] as Array<{ name?: unknown }>) : [];
    const keys = sites.map((s) => s.name).filter((n): n is string => typeof n === "string").map((n) => `${NS}:vpnPreSharedKeys.${n}`);
    const wan = config[`${NS}:wan`] as { crossCloudLink?: unknown } | undefined;
    const production = config[`${NS}:profile`] === "production" || (config[`${NS}:profile`] === undefined && /^prod(uction)?$/.test(display(config[`${NS}:environment`] ?? "")));
    const crossCloud = wan !== undefined && (wan.crossCloudLink === true || (wan.crossCloudLink === undefined && production));
    if (crossCloud || config[`${NS}:crossCloudTunnelKeySeed`] !== undefined) keys.push(`${NS}:crossCloudTunnelKeySeed`);
    return keys;
}

export function main(argv: string[], options: StackInitOptions = {}): number {
    const cwd = options.cwd ?? process.cwd();
    const env = options.env ?? process.env;
    const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
    let args;
    try {
        args = parseArgs(argv);
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    const file = path.join(cwd, `Pulumi.${args.stack}.yaml`);
    if (!fs.existsSync(file)) {
        process.stderr.write(`${file}: no such stack file; copy Pulumi.dev.yaml to Pulumi.${args.stack}.yaml and edit it first\n`);
        return 2;
    }
    const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
    if (doc.has("encryptionsalt") || doc.has("secretsprovider")) {
        process.stderr.write(`${path.basename(file)}: already initialised (it has an encryptionsalt or secretsprovider); rotate a key with: pulumi config set --secret --path '<key>'\n`);
        return 2;
    }
    const config = (doc.get("config") as YAML.YAMLMap | undefined)?.toJSON() as Record<string, unknown> | undefined ?? {};
    const keys = secretKeysFor(config);

    // 1. Drop the placeholders: no key decrypts them, and the CLI would refuse the file.
    const configNode = doc.get("config") as YAML.YAMLMap | undefined;
    for (const key of [`${NS}:vpnPreSharedKeys`, `${NS}:crossCloudTunnelKeySeed`]) configNode?.delete(key);
    fs.writeFileSync(file, doc.toString());
    log(`${path.basename(file)}: placeholder secrets removed`);

    const pulumi = (pulumiArgs: string[], input?: string): boolean => {
        const result = spawnSync("pulumi", pulumiArgs, { cwd, env, input: input ?? "", stdio: ["pipe", "inherit", "inherit"] });
        if (result.error) {
            process.stderr.write(`pulumi ${pulumiArgs[0]} ${pulumiArgs[1] ?? ""}: ${(result.error as NodeJS.ErrnoException).code === "ENOENT" ? "the pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/)" : result.error.message}\n`);
            return false;
        }
        if (result.status !== 0) {
            process.stderr.write(`pulumi ${pulumiArgs.slice(0, 2).join(" ")} failed (exit ${result.status})\n`);
            return false;
        }
        return true;
    };

    // 2. Create the stack (it becomes the selected one).
    const init = ["stack", "init", args.stack, ...(args.secretsProvider ? ["--secrets-provider", args.secretsProvider] : [])];
    if (!pulumi(init)) return 1;
    log(`stack ${args.stack} created${args.secretsProvider ? ` (secrets provider ${args.secretsProvider})` : ""}`);

    // 3. Random secrets, each through stdin, never on the command line or in the output.
    for (const key of keys) {
        if (!pulumi(["config", "set", "--secret", "--path", key, "--stack", args.stack], randomSecret())) return 1;
        log(`set ${key}: a random ${KEY_LENGTH}-character secret (see it with: pulumi config get --path ${key})`);
    }
    log(`done: plan it with npm run plan -- --stack ${args.stack}, then pulumi preview --stack ${args.stack} --policy-pack policy --policy-pack-config policy/config/${args.stack}.json`);
    return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
