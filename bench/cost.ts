/**
 * Estimator throughput: prices a synthetic stack of N resources (a mix of
 * priced, free and unknown types) and reports the time per resource.
 *   npx ts-node --transpile-only bench/cost.ts [N]
 */
import { ResourceLike, estimateMonthlyCost } from "../components/cost";

export function syntheticStack(n: number): ResourceLike[] {
    const kinds: Array<(k: number) => ResourceLike> = [
        (k) => ({ type: "aws:ec2/subnet:Subnet", name: `subnet-${k}`, inputs: { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" } }),
        (k) => ({ type: "aws:ec2/eip:Eip", name: `eip-${k}`, inputs: { domain: "vpc" } }),
        (k) => ({ type: "aws:ebs/volume:Volume", name: `vol-${k}`, inputs: { size: 20, type: "gp3" } }),
        (k) => ({ type: "aws:ec2/instance:Instance", name: `i-${k}`, inputs: { instanceType: "t3.micro" } }),
        (k) => ({ type: "azure-native:network:VpnConnection", name: `conn-${k}`, inputs: { gatewayName: "gw", vpnLinkConnections: [{ name: "l" }] } }),
        (k) => ({ type: "aws:rds/instance:Instance", name: `db-${k}`, inputs: {} }),
    ];
    return Array.from({ length: n }, (_, k) => kinds[k % kinds.length](k));
}

export function benchCost(n = 5000): { resources: number; ms: number; perResourceUs: number; monthly: number } {
    const stack = syntheticStack(n);
    estimateMonthlyCost(stack.slice(0, 100), { awsRegion: "us-east-1", azureLocation: "eastus" }); // warm-up
    const start = process.hrtime.bigint();
    const estimate = estimateMonthlyCost(stack, { awsRegion: "us-east-1", azureLocation: "eastus" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { resources: n, ms, perResourceUs: (ms * 1000) / n, monthly: estimate.monthly };
}

if (require.main === module) {
    const n = Number(process.argv[2] ?? 5000);
    const r = benchCost(n);
    console.log(`cost estimate: ${r.resources} resources in ${r.ms.toFixed(1)} ms (${r.perResourceUs.toFixed(1)} µs each), $${r.monthly}/month`);
}
