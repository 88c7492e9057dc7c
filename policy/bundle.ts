/**
 * Builds a self-contained copy of the pack for `pulumi policy publish`.
 *
 * Locally the pack runs straight from policy/ with the repository's
 * node_modules. Publishing is different: the CLI packs only the pack
 * directory and the Pulumi service installs its package.json dependencies,
 * so (1) code the pack imports from outside policy/ (the cost estimator and
 * its catalogue) must be inside it, and (2) package.json must list the
 * runtime dependencies. This script bundles policy/index.ts with esbuild
 * (the @pulumi SDK packages stay external, pinned to the repository's versions)
 * and writes PulumiPolicy.yaml, package.json and the per-environment config:
 *
 *   npx ts-node --transpile-only policy/bundle.ts [outDir]   # default bin/policy-pack
 *   pulumi policy publish bin/policy-pack
 */
import * as fs from "fs";
import * as path from "path";
import * as esbuild from "esbuild";

const policyDir = __dirname;
const root = path.join(policyDir, "..");

export interface BundleResult {
    outDir: string;
    files: string[];
    /** Packages the bundle requires at run time (must all be in package.json). */
    externals: string[];
}

export async function bundlePolicyPack(outDir = path.join(root, "bin", "policy-pack")): Promise<BundleResult> {
    const rootPackage = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const packPackage = JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8")) as { name: string; version: string; description?: string; license?: string };
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });

    const result = await esbuild.build({
        entryPoints: [path.join(policyDir, "index.ts")],
        outfile: path.join(outDir, "index.js"),
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        external: ["@pulumi/*"],
        metafile: true,
        logLevel: "silent",
    });
    const externals = new Set<string>();
    for (const input of Object.values(result.metafile.inputs)) {
        for (const imp of input.imports) {
            if (imp.external) externals.add(imp.path.startsWith("@") ? imp.path.split("/").slice(0, 2).join("/") : imp.path.split("/")[0]);
        }
    }
    const dependencies: Record<string, string> = {};
    for (const name of [...externals].sort()) {
        if (!rootPackage.dependencies[name]) throw new Error(`the pack needs ${name}, which is not a dependency in package.json`);
        dependencies[name] = rootPackage.dependencies[name];
    }
    fs.writeFileSync(path.join(outDir, "package.json"), `${JSON.stringify({ name: packPackage.name, version: packPackage.version, description: packPackage.description, license: packPackage.license, private: true, main: "index.js", dependencies }, null, 2)}\n`);
    fs.copyFileSync(path.join(policyDir, "PulumiPolicy.yaml"), path.join(outDir, "PulumiPolicy.yaml"));
    fs.cpSync(path.join(policyDir, "config"), path.join(outDir, "config"), { recursive: true });
    return { outDir, files: fs.readdirSync(outDir).sort(), externals: Object.keys(dependencies) };
}

if (require.main === module) {
    const out = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
    bundlePolicyPack(out).then(
        (r) => console.log(`policy pack bundled in ${path.relative(process.cwd(), r.outDir)} (${r.files.join(", ")}); runtime dependencies: ${r.externals.join(", ")}\npublish with: pulumi policy publish ${path.relative(process.cwd(), r.outDir)}`),
        (e) => {
            console.error(`policy bundle: ${(e as Error).message}`);
            process.exit(1);
        },
    );
}
