/**
 * The config key a policy violation asks the user to change: the policies
 * judge resources (`mixedInstancesPolicy.launchTemplate.overrides[0].instanceType`),
 * the user edits the stack file (`landing-zone:server.instanceTypes`). Pure.
 * Violations the config cannot cause (the program declares that input
 * itself) get null and say so.
 */
import { NAMESPACE, LandingZoneConfig } from "../config/resolve";

export interface KeyedViolation {
    policy: string;
    resource: string | null;
    message: string;
}

/** What the program sets by itself; a violation there means the program was changed. */
export const NOT_A_SETTING = "not a config setting: the program declares this input itself";

const k = (key: string) => `${NAMESPACE}:${key}`;

/** By policy name; a function when the resource decides. */
const BY_POLICY: Record<string, (v: KeyedViolation, config: LandingZoneConfig, policyConfig: string) => string | null> = {
    "cost-monthly-cap": (_v, _c, policyConfig) => `${policyConfig}: cost-monthly-cap.monthlyCapUsd (or a lever from the cost advice)`,
    "cost-allowed-instance-types": (v) => instanceTypeKey(v.message),
    "cost-spot-required": () => k("server.market"),
    "cost-no-nat-gateway": () => k("aws.natGateway"),
    "cost-max-vpn-scale-units": () => k("wan.vpnScaleUnits"),
    "cost-max-ebs-size": (v) => (/launchTemplate|root/i.test(`${v.resource} ${v.message}`) ? k("server.rootVolumeSizeGiB") : k("server.dataVolume.sizeGiB")),
    "cost-no-idle-eip": () => k("server.elasticIp"),
    "ipv6-vnet-prefix": () => k("azure.vnet.ipv6Cidr"),
    "ipv6-vnet-subnet-prefix": () => k("azure.vnet.ipv6Cidr"),
    "ipv6-exemption-verified": () => k("wan"),
    "ipv6-ingress-parity": (v, c) => ingressKey(v, c),
    "security-no-open-admin-ports": (v, c) => ingressKey(v, c),
    "security-vpn-ipsec": (v) => (/key|psk|sharedKey/i.test(v.message) ? k("vpnPreSharedKeys") : k("wan.ipsec")),
    "reliability-asg-multi-az": () => k("aws.availabilityZones"),
    "reliability-data-volume-snapshots": () => k("server.snapshots"),
};

/** `overrides[1].instanceType` in a message → `server.instanceTypes[1]`. */
function instanceTypeKey(message: string): string {
    const index = /overrides\[(\d+)\]\.instanceType/.exec(message)?.[1];
    return k(`server.instanceTypes${index !== undefined ? `[${index}]` : ""}`);
}

/** An NSG rule belongs to an Azure subnet's allowInbound, a security group rule to the server's ingress. */
function ingressKey(v: KeyedViolation, config: LandingZoneConfig): string {
    const resource = v.resource ?? "";
    if (/azure-native:network:(NetworkSecurityGroup|SecurityRule)/.test(resource)) {
        const name = resource.split("::").pop() ?? "";
        for (const [vnetKey, vnet] of [["azure.vnet", config.azure.vnet], ["azure.spoke", config.azure.spoke]] as const) {
            const index = vnet?.subnets.findIndex((s) => name.endsWith(`-${s.name}-nsg`)) ?? -1;
            if (index >= 0) return k(`${vnetKey}.subnets[${index}].allowInbound`);
        }
        return k("azure.vnet.subnets[].allowInbound");
    }
    return k("server.ingress");
}

/** The config key for a violation, or null when no config setting causes it; `policyConfig` is the policy pack config file the plan applied. */
export function configKeyOf(v: KeyedViolation, config: LandingZoneConfig, policyConfig: string): string | null {
    return BY_POLICY[v.policy]?.(v, config, policyConfig) ?? null;
}
