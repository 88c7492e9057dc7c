/**
 * Confirms, at deploy time and before any cloud resource is declared, that
 * the account has every configured Availability Zone: the catalogue knows
 * which zone names a region has, but which of them one account sees (and
 * whether one is constrained or impaired) only EC2 can say. Asked through
 * the provider's availability-zone lookup (aws.getAvailabilityZones, the
 * DescribeAvailabilityZones API), so `pulumi preview` fails first and with
 * one line per missing zone; the offline plan's mocks answer it from the
 * catalogue (stacks/plan/mocks.ts).
 */
import { getAvailabilityZones } from "@pulumi/aws/getAvailabilityZones";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import type { LandingZoneConfig } from "./config/resolve";

/** One line per configured zone the account does not have; empty when all are there. Pure. */
export function missingZoneProblems(region: string, configured: readonly string[], available: readonly string[]): string[] {
    const have = new Set(available);
    return configured.flatMap((zone, i) => have.has(zone)
        ? []
        : [`landing-zone:aws.availabilityZones[${i}]: ${zone} is not available to this AWS account in ${region} (it has ${available.join(", ") || "no available zone"}); list only those`]);
}

/** Asks the provider for the account's available zones and throws a RunError naming every missing one. */
export async function confirmAvailabilityZones(config: Pick<LandingZoneConfig, "aws">, provider: AwsProvider): Promise<string[]> {
    const answer = await getAvailabilityZones({
        state: "available",
        // Availability Zones only: a Local or Wavelength Zone is not where the tier spreads.
        filters: [{ name: "zone-type", values: ["availability-zone"] }],
    }, { provider });
    const problems = missingZoneProblems(config.aws.region, config.aws.availabilityZones, answer.names);
    if (problems.length > 0) throw new pulumi.RunError(`invalid landing-zone config:\n${problems.join("\n")}`);
    return answer.names;
}
