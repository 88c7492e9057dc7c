/**
 * Which input changes replace a resource, for the plan diff.
 *
 * TEMPORARY, minimal table: switch `isReplaceOnChange` to the shared
 * replace-on-change table of the plan-fidelity work (issue 9) once it is on
 * main, and delete the table below. Until then it holds only the cases the
 * diff's tests and callouts need, each with its source.
 */

/** Top-level input paths (a change at or below them replaces), by resource type. */
const REPLACE_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
    // terraform-provider-aws internal/service/ec2/vpnsite_gateway.go: amazon_side_asn and
    // availability_zone are ForceNew (EC2 has no call that changes a VGW's ASN).
    "aws:ec2/vpnGateway:VpnGateway": ["amazonSideAsn", "availabilityZone"],
    // EC2 has no ModifyCustomerGateway call: every argument but tags is ForceNew in the provider.
    "aws:ec2/customerGateway:CustomerGateway": ["bgpAsn", "bgpAsnExtended", "ipAddress", "type", "deviceName", "certificateArn"],
};

/**
 * azure-native replaces a resource when its URL changes (resource group and
 * name are path parameters) or its location changes.
 */
const AZURE_NATIVE_REPLACE = ["location", "resourceGroupName"];

/** True when a change of `inputPath` (e.g. `amazonSideAsn`, `tags.Name`) replaces a resource of `type`. */
export function isReplaceOnChange(type: string, inputPath: string): boolean {
    const roots = type.startsWith("azure-native:") ? [...AZURE_NATIVE_REPLACE, azureNameParameter(type)] : REPLACE_ON_CHANGE[type];
    if (!roots) return false;
    return roots.some((root) => inputPath === root || inputPath.startsWith(`${root}.`) || inputPath.startsWith(`${root}[`));
}

/** The input that names an azure-native resource (`vpnSiteName` for network:VpnSite), a path parameter. */
function azureNameParameter(type: string): string {
    const resource = type.split(":")[2] ?? "";
    return `${resource.charAt(0).toLowerCase()}${resource.slice(1)}Name`;
}
