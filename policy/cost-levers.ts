/**
 * Which cost levers a stack's resources leave unpulled, for the cap
 * policy's message: only what applies (no "use Spot" for a Spot group, no
 * "drop the NAT gateway" without one). The offline plan goes further and
 * prices each lever by planning the change (stacks/plan/cost-advice.ts).
 */
import { PolicyResource } from "@pulumi/policy";
import { peek } from "./lib";

type Props = Record<string, unknown>;

/** True only when `check` reads known values and says so (an unknown value counts as no). */
const known = (check: () => boolean): boolean => peek(check) === true;

/** The levers present, each naming the landing-zone config key that pulls it. */
export function unpulledLevers(resources: readonly PolicyResource[]): string[] {
    const of = (type: string) => resources.filter((r) => r.type === type).map((r) => r.props as Props);
    const levers: string[] = [];
    if (of("aws:ec2/vpnConnection:VpnConnection").length > 0) levers.push("turn the cross-cloud link off (landing-zone:wan.crossCloudLink)");
    if (known(() => of("azure-native:network:VirtualWan").some((w) => w.type !== "Basic"))) levers.push("a Basic Virtual WAN, no hub charge (landing-zone:wan.type)");
    if (known(() => of("azure-native:network:VpnGateway").some((g) => typeof g.vpnGatewayScaleUnit === "number" && g.vpnGatewayScaleUnit > 1))) levers.push("1 VPN scale unit (landing-zone:wan.vpnScaleUnits)");
    const onDemand = known(() => of("aws:autoscaling/group:Group").some((g) => {
        const dist = ((g.mixedInstancesPolicy as Props | undefined)?.instancesDistribution ?? {}) as Props;
        return dist.onDemandPercentageAboveBaseCapacity === undefined || Number(dist.onDemandPercentageAboveBaseCapacity) > 0;
    }));
    if (onDemand) levers.push("Spot (landing-zone:server.market)");
    if (of("aws:ec2/eip:Eip").length > 0) levers.push("IPv6 instead of an Elastic IP (landing-zone:server.elasticIp)");
    if (of("aws:ec2/natGateway:NatGateway").length > 0) levers.push("no NAT gateway (landing-zone:aws.natGateway)");
    return levers;
}
