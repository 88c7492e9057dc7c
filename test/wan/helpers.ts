/**
 * Shared helpers for the WAN specs: the real stack files, run through the
 * real offline plan, with optional edits to their config.
 */
import * as path from "path";
import { planOfStack, rawConfigOf, ROOT } from "../helpers/stacks";
import { buildPlanDocument, PlanDocument } from "../../stacks/plan/report";
import { PlannedResource, PlanRun, runPlan } from "../../stacks/plan/run";
import { readStackFile, StackConfig } from "../../stacks/plan/stack-file";

export { ROOT };

export function stackConfig(stack: "dev" | "prod"): StackConfig {
    return readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
}

/** The config without the namespace, objects parsed, as resolveConfig takes it. */
export const rawConfig: (stack: "dev" | "prod") => Record<string, unknown> = rawConfigOf;

/** A copy of a stack's config with `edit` applied to the parsed values (keys without the namespace). */
export function editedStack(stack: "dev" | "prod", edit: (raw: Record<string, unknown>) => void): StackConfig {
    const base = stackConfig(stack);
    const raw = rawConfig(stack);
    edit(raw);
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) config[`landing-zone:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    return { ...base, config, secretKeys: base.secretKeys.filter((k) => k in config) };
}

export interface Planned {
    run: PlanRun;
    doc: PlanDocument;
    ofType(type: string): PlannedResource[];
    one(type: string, name: string): PlannedResource;
}

export async function plan(stack: "dev" | "prod", config: StackConfig = stackConfig(stack)): Promise<Planned> {
    const result = await runPlan(stack, config);
    if (!result.ok) throw new Error(`plan of ${stack} failed:\n${result.problems.join("\n")}`);
    return planned(result.run);
}

function planned(run: PlanRun): Planned {
    return {
        run,
        doc: buildPlanDocument(run),
        ofType: (type) => run.resources.filter((r) => r.type === type),
        one: (type, name) => {
            const found = run.resources.find((r) => r.type === type && r.name === name);
            if (!found) throw new Error(`no ${type} named ${name}`);
            return found;
        },
    };
}

/** The plan of an unedited stack file, shared with the other specs (computed once per test process). */
export async function planOf(stack: "dev" | "prod"): Promise<Planned> {
    return planned(await planOfStack(stack));
}

export const T = {
    virtualWan: "azure-native:network:VirtualWan",
    virtualHub: "azure-native:network:VirtualHub",
    vpnGateway: "azure-native:network:VpnGateway",
    vpnSite: "azure-native:network:VpnSite",
    vpnConnection: "azure-native:network:VpnConnection",
    hubConnection: "azure-native:network:HubVirtualNetworkConnection",
    vnet: "azure-native:network:VirtualNetwork",
    awsVgw: "aws:ec2/vpnGateway:VpnGateway",
    awsPropagation: "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation",
    awsCgw: "aws:ec2/customerGateway:CustomerGateway",
    awsVpn: "aws:ec2/vpnConnection:VpnConnection",
    awsRouteTable: "aws:ec2/routeTable:RouteTable",
} as const;

/** Loose access to nested plan inputs. */
export type Loose = any;
