/**
 * AWS compute rules: the launch template, the Auto Scaling group (its
 * lifecycle hooks, maintenance policy and instance types) and EBS volumes.
 * Sources: the Terraform AWS provider's validators, the EC2 and Auto
 * Scaling API references, and the instance type catalogue.
 */
import { catalogueArchitecture } from "../../catalogue/ec2-instance-types";
import { at, asNumber, each, known, oneOf, range, text } from "../check";
import { GP3, GP3_SOURCE, gp3MaxIops, gp3MaxThroughput } from "../limits";
import type { Finding, PreflightResource, PreflightRule } from "../types";

const TF = "hashicorp/terraform-provider-aws";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const GROUP = "aws:autoscaling/group:Group";

/** gp3 size, IOPS and throughput of one EBS block (a launch template mapping or a volume). */
function gp3Findings(ebs: unknown, prefix: string, sizeKey: string): Finding[] {
    if (!ebs || typeof ebs !== "object" || (at(ebs, "volumeType") ?? at(ebs, "type")) !== "gp3") return [];
    const findings: Finding[] = [];
    const size = asNumber(at(ebs, sizeKey));
    const iops = asNumber(at(ebs, "iops")) ?? GP3.baselineIops;
    const throughput = asNumber(at(ebs, "throughput"));
    if (size !== undefined && (size < GP3.minSizeGiB || size > GP3.maxSizeGiB)) findings.push({ input: `${prefix}${sizeKey}`, value: size, message: `a gp3 volume is ${GP3.minSizeGiB}–${GP3.maxSizeGiB} GiB` });
    if (iops < GP3.baselineIops || iops > GP3.maxIops) findings.push({ input: `${prefix}iops`, value: iops, message: `gp3 takes ${GP3.baselineIops}–${GP3.maxIops} IOPS` });
    else if (size !== undefined && iops > gp3MaxIops(size)) findings.push({ input: `${prefix}iops`, value: iops, message: `gp3 allows at most ${gp3MaxIops(size)} IOPS at ${size} GiB (500 per GiB; 3000 at any size)` });
    if (throughput !== undefined && (throughput < GP3.baselineThroughput || throughput > gp3MaxThroughput(iops))) findings.push({ input: `${prefix}throughput`, value: throughput, message: `gp3 takes ${GP3.baselineThroughput}–${gp3MaxThroughput(iops)} MiB/s at ${iops} IOPS` });
    return findings;
}

/** The architecture a launch template's image id names (the Amazon Linux SSM parameters end in -arm64 / -x86_64). */
function imageArchitecture(imageId: unknown): "arm64" | "x86_64" | undefined {
    if (typeof imageId !== "string") return undefined;
    if (/arm64$/.test(imageId)) return "arm64";
    if (/x86_64$/.test(imageId)) return "x86_64";
    return undefined;
}

/** The group's instance types: mixed-instances overrides, or the launch template's own type. */
function groupInstanceTypes(group: PreflightResource): Array<[string, string]> {
    return each(group.inputs, "mixedInstancesPolicy.launchTemplate.overrides").flatMap(([path, o]) => {
        const type = at(o, "instanceType");
        return typeof type === "string" && known(type) ? [[`${path}.instanceType`, type] as [string, string]] : [];
    });
}

export const awsComputeRules: PreflightRule[] = [
    {
        id: "aws-instance-type-known",
        types: [GROUP, LAUNCH_TEMPLATE],
        source: "EC2 API InstanceType enum and the price list (components/catalogue/ec2-instance-types-data.json); Auto Scaling CreateAutoScalingGroup refuses an unknown override type",
        check: (r) => {
            const types: Array<[string, string]> = r.type === GROUP ? groupInstanceTypes(r) : typeof r.inputs.instanceType === "string" && known(r.inputs.instanceType) ? [["instanceType", r.inputs.instanceType]] : [];
            return types.flatMap(([input, type]) => (catalogueArchitecture(type) ? [] : [{ input, value: type, message: `${type} is not an EC2 instance type` }]));
        },
    },
    {
        id: "aws-instance-type-architecture",
        types: [GROUP],
        source: "EC2 RunInstances: an instance type must support the image's architecture (InvalidParameterValue: the architecture 'arm64' of the specified instance type does not match the architecture 'x86_64' of the specified AMI); architectures from components/catalogue",
        check: (group, all) => {
            const templateId = at(group.inputs, "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId") ?? at(group.inputs, "launchTemplate.id");
            const templates = all.filter((r) => r.type === LAUNCH_TEMPLATE);
            // The group names its template by id, which the plan resolves from the mocks; with one template the match is certain.
            const template = templates.length === 1 ? templates[0] : templates.find((t) => t.inputs.name !== undefined && templateId === t.inputs.name);
            const image = imageArchitecture(template?.inputs.imageId);
            if (!image) return [];
            return groupInstanceTypes(group).flatMap(([input, type]) => {
                const arch = catalogueArchitecture(type);
                return arch && arch !== image ? [{ input, value: type, message: `${type} is ${arch} but the launch template's image is ${image}` }] : [];
            });
        },
    },
    {
        id: "aws-group-capacity",
        types: [GROUP],
        source: "Auto Scaling API CreateAutoScalingGroup: MinSize ≤ DesiredCapacity ≤ MaxSize (ValidationError); " + `${TF} internal/service/autoscaling/group.go`,
        check: (r) => {
            const [min, max, desired] = ["minSize", "maxSize", "desiredCapacity"].map((k) => asNumber(r.inputs[k]));
            if (min === undefined || max === undefined) return [];
            if (min > max) return [{ input: "minSize", value: min, message: `minSize ${min} is above maxSize ${max}` }];
            if (desired !== undefined && (desired < min || desired > max)) return [{ input: "desiredCapacity", value: desired, message: `desiredCapacity ${desired} is outside ${min}–${max}` }];
            return [];
        },
    },
    {
        id: "aws-group-name",
        types: [GROUP],
        source: `${TF} internal/service/autoscaling/group.go name (validation.StringLenBetween(0, 255)); Auto Scaling API AutoScalingGroupName 1–255`,
        check: (r) => text(r.inputs, "name", 255, "the group name"),
    },
    {
        id: "aws-lifecycle-hooks",
        types: [GROUP],
        source: `Auto Scaling API PutLifecycleHook: HeartbeatTimeout 30–7200 s, DefaultResult CONTINUE|ABANDON, LifecycleHookName 1–255 of [A-Za-z0-9\\-_/]; ${TF} internal/service/autoscaling/lifecycle_hook.go`,
        check: (r) => each(r.inputs, "initialLifecycleHooks").flatMap(([path, hook]) => [
            ...range(hook, "heartbeatTimeout", 30, 7200, "the hook's heartbeat timeout").map((f) => ({ ...f, input: `${path}.${f.input}` })),
            ...oneOf(hook, "defaultResult", ["CONTINUE", "ABANDON"], "the hook's default result").map((f) => ({ ...f, input: `${path}.${f.input}` })),
            ...oneOf(hook, "lifecycleTransition", ["autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"], "the hook's transition").map((f) => ({ ...f, input: `${path}.${f.input}` })),
            ...text(hook, "name", 255, "the hook name", /^[A-Za-z0-9\-_/]+$/, "must be letters, digits, -, _ and /").map((f) => ({ ...f, input: `${path}.${f.input}` })),
        ]),
    },
    {
        id: "aws-group-maintenance-policy",
        types: [GROUP],
        source: "Auto Scaling API InstanceMaintenancePolicy: MinHealthyPercentage 0–100, MaxHealthyPercentage 100–200, and Max − Min ≤ 100 (ValidationError); " + `${TF} group.go instance_maintenance_policy`,
        check: (r) => {
            const min = asNumber(at(r.inputs, "instanceMaintenancePolicy.minHealthyPercentage"));
            const max = asNumber(at(r.inputs, "instanceMaintenancePolicy.maxHealthyPercentage"));
            if (min === undefined || max === undefined || (min === -1 && max === -1)) return [];
            if (min < 0 || min > 100 || max < 100 || max > 200 || max - min > 100) return [{ input: "instanceMaintenancePolicy", value: `${min}-${max}`, message: `healthy percentages ${min}–${max}: min 0–100, max 100–200, at most 100 apart` }];
            return [];
        },
    },
    {
        id: "aws-group-overrides",
        types: [GROUP],
        source: "Auto Scaling API LaunchTemplate Overrides: up to 40 instance types; InstancesDistribution OnDemandPercentageAboveBaseCapacity 0–100",
        check: (r) => {
            const findings: Finding[] = [];
            const overrides = each(r.inputs, "mixedInstancesPolicy.launchTemplate.overrides");
            if (overrides.length > 40) findings.push({ input: "mixedInstancesPolicy.launchTemplate.overrides", value: overrides.length, message: `${overrides.length} instance types; Auto Scaling takes 40` });
            findings.push(...range(r.inputs, "mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity", 0, 100, "the on-demand percentage"));
            return findings;
        },
    },
    {
        id: "aws-launch-template-metadata",
        types: [LAUNCH_TEMPLATE],
        source: `${TF} internal/service/ec2/ec2_launch_template.go metadata_options: http_put_response_hop_limit 1–64, http_tokens optional|required, http_endpoint enabled|disabled`,
        check: (r) => [
            ...range(r.inputs, "metadataOptions.httpPutResponseHopLimit", 1, 64, "the metadata hop limit"),
            ...oneOf(r.inputs, "metadataOptions.httpTokens", ["optional", "required"], "httpTokens"),
            ...oneOf(r.inputs, "metadataOptions.httpEndpoint", ["enabled", "disabled"], "httpEndpoint"),
        ],
    },
    {
        id: "aws-launch-template-text",
        types: [LAUNCH_TEMPLATE],
        source: `${TF} ec2_launch_template.go: name 3–128 of [a-zA-Z0-9().\\-/_] (validLaunchTemplateName), description ≤ 255 (validation.StringLenBetween(0, 255)); EC2 user data ≤ 16 KB`,
        check: (r) => {
            const findings = [
                ...text(r.inputs, "name", 128, "the template name", /^[a-zA-Z0-9().\-/_]{3,}$/, "must be 3–128 of a-zA-Z0-9().-/_"),
                ...text(r.inputs, "description", 255, "the description"),
            ];
            const userData = r.inputs.userData;
            if (typeof userData === "string" && known(userData) && Buffer.from(userData, "base64").length > 16384) findings.push({ input: "userData", value: `${Buffer.from(userData, "base64").length} bytes`, message: "user data is over EC2's 16 KB" });
            return findings;
        },
    },
    {
        id: "aws-gp3-volume",
        types: [LAUNCH_TEMPLATE, "aws:ebs/volume:Volume"],
        source: `${GP3_SOURCE}; ${TF} ec2_launch_template.go and ebs_volume.go iops/throughput`,
        check: (r) => r.type === LAUNCH_TEMPLATE
            ? each(r.inputs, "blockDeviceMappings").flatMap(([path, mapping]) => gp3Findings(at(mapping, "ebs"), `${path}.ebs.`, "volumeSize"))
            : gp3Findings(r.inputs, "", "size"),
    },
    {
        id: "aws-eip-domain",
        types: ["aws:ec2/eip:Eip"],
        source: `${TF} internal/service/ec2/ec2_eip.go domain (validation.StringInSlice(DomainType_Values: vpc, standard)); EC2-Classic is retired, so only vpc allocates`,
        check: (r) => oneOf(r.inputs, "domain", ["vpc"], "domain"),
    },
];
