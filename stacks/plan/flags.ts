/**
 * The plan command's flags, as one table: parsing and `--help` both read it,
 * so a flag added here (one row, one field of PlanOptions) is documented by
 * construction.
 */

export interface PlanOptions {
    /** Stack name; the file is Pulumi.<stack>.yaml unless `configFile` is given. */
    stack: string;
    configFile?: string;
    /** The policy pack config to apply instead of policy/config/<stack>.json. */
    policyConfigFile?: string;
    /** Print the JSON document instead of the report. */
    json: boolean;
    /** Also write the JSON document to this file. */
    out?: string;
    /** Report width in columns; default the terminal's, else $COLUMNS, else none (a pipe or a file). */
    width?: number;
    /** An earlier `--json` plan (of the base branch): add the changes against it (stacks/plan/diff.ts). */
    baseFile?: string;
    /** Print the Mermaid topology instead of the report (stacks/plan/diagram.ts). */
    diagram: boolean;
    help: boolean;
}

export interface PlanFlag {
    /** Long name first, then aliases. */
    names: string[];
    /** The value's placeholder; absent for a switch. */
    value?: string;
    /** One line for --help. */
    help: string;
    apply(options: PlanOptions, value: string): void;
}

export class UsageError extends Error {}

export const PLAN_FLAGS: PlanFlag[] = [
    { names: ["--stack", "-s"], value: "NAME", help: "the stack to plan: reads Pulumi.NAME.yaml (default dev)", apply: (o, v) => { o.stack = v; } },
    { names: ["--config", "-c"], value: "FILE", help: "plan any Pulumi.<x>.yaml-shaped file instead (the stack name still picks policy/config/<stack>.json)", apply: (o, v) => { o.configFile = v; } },
    { names: ["--policy-config"], value: "FILE", help: "apply this policy pack config instead of policy/config/<stack>.json (the cap comes from it too)", apply: (o, v) => { o.policyConfigFile = v; } },
    { names: ["--json"], help: "print the JSON document (DESIGN.md) instead of the report", apply: (o) => { o.json = true; } },
    { names: ["--out", "-o"], value: "FILE", help: "also write the JSON document to FILE (no npm banner in it; the report still goes to stdout)", apply: (o, v) => { o.out = v; } },
    {
        names: ["--width"], value: "COLUMNS", help: "wrap the report at COLUMNS (default: the terminal's width, else $COLUMNS; not wrapped into a pipe or file)",
        apply: (o, v) => {
            const n = Number(v);
            if (!Number.isInteger(n) || n < 40) throw new UsageError(`--width ${v}: use a whole number of columns, at least 40`);
            o.width = n;
        },
    },
    { names: ["--base"], value: "BASE.json", help: "add the changes against an earlier --json plan (the base branch's): added, removed, changed and replaced resources, cost delta, new and resolved violations; never changes the exit status", apply: (o, v) => { o.baseFile = v; } },
    { names: ["--diagram"], help: "print a Mermaid flowchart of the planned topology instead of the report", apply: (o) => { o.diagram = true; } },
    { names: ["--help", "-h"], help: "print this help and exit 0", apply: (o) => { o.help = true; } },
];

export function parsePlanArgs(argv: readonly string[], flags: readonly PlanFlag[] = PLAN_FLAGS): PlanOptions {
    const options: PlanOptions = { stack: "dev", json: false, diagram: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        const flag = flags.find((f) => f.names.includes(name));
        if (!flag) throw new UsageError(`unknown argument ${arg} (npm run plan -- --help lists the flags)`);
        let value = "";
        if (flag.value) {
            const next = inline ?? argv[++i];
            if (next === undefined || next.startsWith("--")) throw new UsageError(`${name} needs a value (${flag.value})`);
            value = next;
        }
        flag.apply(options, value);
    }
    return options;
}

/** `npm run plan -- --help`. */
export function planUsage(flags: readonly PlanFlag[] = PLAN_FLAGS): string {
    const left = flags.map((f) => `${f.names.join(", ")}${f.value ? ` ${f.value}` : ""}`);
    const width = Math.max(...left.map((l) => l.length));
    return [
        "usage: npm run plan -- [flags]",
        "",
        "Plans a stack offline under Pulumi mocks: resources, address plan, reachability, monthly cost against the cap, policies.",
        "",
        ...flags.map((f, i) => `  ${left[i].padEnd(width)}  ${f.help}`),
        "",
        "exit status: 0 no mandatory policy violation; 1 a mandatory violation; 2 invalid config or usage (one line per problem on stderr)",
    ].join("\n");
}
