/**
 * The environments of this project, discovered from the stack files at the
 * repository root (`Pulumi.<env>.yaml`), so adding one (`npm run env:new`)
 * needs no list edited by hand: the tests, the workflow's matrix, the cost
 * tables and the README consistency test all read them from here.
 */
import * as fs from "fs";
import * as path from "path";

/** The repository root (this file lives in stacks/). */
export const REPO_ROOT = path.join(__dirname, "..");

/** `Pulumi.<env>.yaml` → env; the project file `Pulumi.yaml` is not a stack. */
const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/;

/** Every environment with a stack file in `root`, sorted by name. */
export function discoverEnvironments(root: string = REPO_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((file) => STACK_FILE.exec(file)?.[1])
        .filter((env): env is string => env !== undefined)
        .sort();
}

/** The stack file of an environment. */
export function stackFileOf(env: string, root: string = REPO_ROOT): string {
    return path.join(root, `Pulumi.${env}.yaml`);
}

/** The policy pack config of an environment (`pulumi preview --policy-pack-config`). */
export function policyConfigFileOf(env: string, root: string = REPO_ROOT): string {
    return path.join(root, "policy", "config", `${env}.json`);
}
