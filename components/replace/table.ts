/**
 * Replace-on-change: for every resource type the program declares (and the
 * few it may declare), the input properties whose change makes the provider
 * delete and re-create the resource instead of updating it in place. Data
 * with its sources; pure.
 *
 * How each provider decides:
 * - AWS (@pulumi/aws 7, bridged from the Terraform AWS provider v6): an input
 *   replaces when its Terraform schema field is `ForceNew: true` (or
 *   `RequiresReplace` in the framework resources). Source per type: the
 *   resource's Go file in hashicorp/terraform-provider-aws, `internal/service/…`
 *   (named in `source`). Inputs are the Pulumi (camelCase) names.
 * - Azure Native (@pulumi/azure-native 3): the resource's identity is its ARM
 *   URL, so the path parameters (resourceGroupName, the parent names and the
 *   resource's own name property) replace; `location` replaces because ARM
 *   makes it create-only on tracked resources (ARM RPC guideline RPC-Put-V1-14,
 *   `x-ms-mutability: [create, read]`). Where the network REST API refuses to
 *   move a child to another parent in place (a hub to another WAN, a gateway
 *   to another hub, a connection to another site or VNet), the change needs a
 *   new resource all the same: those are listed with kind "refused".
 *
 * A path is an input path as the plan records it: `a.b` for nested objects,
 * and a path covers everything under it (`initialLifecycleHooks` covers
 * `initialLifecycleHooks[0].heartbeatTimeout`).
 */

export interface ReplaceRule {
    /** Input path whose change replaces the resource. */
    path: string;
    /** "replace": the provider replaces; "refused": the cloud API refuses an in-place change, so a change needs a new resource. */
    kind: "replace" | "refused";
}

export interface ReplaceEntry {
    type: string;
    rules: ReplaceRule[];
    /** Where the rules come from. */
    source: string;
    /** What the program relies on, or what changes in place, in a few words. */
    note?: string;
}

const TF = "hashicorp/terraform-provider-aws internal/service/";
const ARM = "pulumi-azure-native: ARM URL path parameters + location (ARM RPC-Put-V1-14: location is create-only)";
const r = (...paths: string[]): ReplaceRule[] => paths.map((path) => ({ path, kind: "replace" }));
const refused = (...paths: string[]): ReplaceRule[] => paths.map((path) => ({ path, kind: "refused" }));

export const REPLACE_TABLE: readonly ReplaceEntry[] = [
    // ── AWS: the server tier ─────────────────────────────────────────────
    {
        type: "aws:autoscaling/group:Group",
        rules: r("name", "namePrefix", "initialLifecycleHooks"),
        source: `${TF}autoscaling/group.go (name, name_prefix, initial_lifecycle_hook: ForceNew)`,
        note: "instance types, capacity, health checks, subnets and the launch template version update in place; the program seeds only the launch hook and ignores initialLifecycleHooks after create",
    },
    {
        type: "aws:autoscaling/lifecycleHook:LifecycleHook",
        rules: r("name", "autoscalingGroupName"),
        source: `${TF}autoscaling/lifecycle_hook.go (name, autoscaling_group_name: ForceNew; the rest through PutLifecycleHook)`,
    },
    {
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        rules: r("name", "namePrefix"),
        source: `${TF}ec2/ec2_launch_template.go (name, name_prefix: ForceNew; any other change creates a new template version)`,
    },
    {
        type: "aws:ebs/volume:Volume",
        rules: r("availabilityZone", "encrypted", "kmsKeyId", "snapshotId", "outpostArn"),
        source: `${TF}ec2/ebs_volume.go (availability_zone, encrypted, kms_key_id, snapshot_id, outpost_arn: ForceNew; size, type, IOPS, throughput through ModifyVolume)`,
        note: "the tier's data volume is created and moved by the failover handler, not declared by the program",
    },
    {
        type: "aws:dlm/lifecyclePolicy:LifecyclePolicy",
        rules: [],
        source: `${TF}dlm/lifecycle_policy.go (no ForceNew input: UpdateLifecyclePolicy)`,
    },
    {
        type: "aws:lambda/function:Function",
        rules: r("name", "packageType"),
        source: `${TF}lambda/function.go (function_name, package_type: ForceNew; code, environment, timeout update in place)`,
    },
    {
        type: "aws:lambda/permission:Permission",
        rules: r("action", "function", "principal", "sourceArn", "sourceAccount", "statementId", "statementIdPrefix", "qualifier", "eventSourceToken", "principalOrgId", "functionUrlAuthType"),
        source: `${TF}lambda/permission.go (every argument ForceNew: a policy statement cannot be edited)`,
    },
    {
        type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        rules: r("functionName", "qualifier"),
        source: `${TF}lambda/function_event_invoke_config.go (function_name, qualifier: ForceNew)`,
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        rules: r("name", "namePrefix", "logGroupClass"),
        source: `${TF}logs/group.go (name, name_prefix, log_group_class: ForceNew)`,
    },
    {
        type: "aws:cloudwatch/eventRule:EventRule",
        rules: r("name", "namePrefix", "eventBusName"),
        source: `${TF}events/rule.go (name, name_prefix, event_bus_name: ForceNew)`,
    },
    {
        type: "aws:cloudwatch/eventTarget:EventTarget",
        rules: r("rule", "targetId", "eventBusName"),
        source: `${TF}events/target.go (rule, target_id, event_bus_name: ForceNew)`,
    },
    {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        rules: r("name"),
        source: `${TF}cloudwatch/metric_alarm.go (alarm_name: ForceNew)`,
    },
    {
        type: "aws:sns/topic:Topic",
        rules: r("name", "namePrefix", "fifoTopic"),
        source: `${TF}sns/topic.go (name, name_prefix, fifo_topic: ForceNew)`,
    },
    {
        type: "aws:sns/topicSubscription:TopicSubscription",
        rules: r("topic", "protocol", "endpoint"),
        source: `${TF}sns/topic_subscription.go (topic_arn, protocol, endpoint: ForceNew)`,
    },
    {
        type: "aws:sns/topicPolicy:TopicPolicy",
        rules: r("arn"),
        source: `${TF}sns/topic_policy.go (arn: ForceNew)`,
    },
    {
        type: "aws:iam/role:Role",
        rules: r("name", "namePrefix", "path"),
        source: `${TF}iam/role.go (name, name_prefix, path: ForceNew)`,
    },
    {
        type: "aws:iam/rolePolicy:RolePolicy",
        rules: r("name", "namePrefix", "role"),
        source: `${TF}iam/role_policy.go (name, name_prefix, role: ForceNew)`,
    },
    {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        rules: r("role", "policyArn"),
        source: `${TF}iam/role_policy_attachment.go (role, policy_arn: ForceNew)`,
    },
    {
        type: "aws:iam/instanceProfile:InstanceProfile",
        rules: r("name", "namePrefix", "path"),
        source: `${TF}iam/instance_profile.go (name, name_prefix, path: ForceNew)`,
    },
    {
        type: "aws:ec2/eip:Eip",
        rules: r("domain", "address", "customerOwnedIpv4Pool", "networkBorderGroup", "publicIpv4Pool", "ipamPoolId"),
        source: `${TF}ec2/vpc_eip.go (domain, address, customer_owned_ipv4_pool, network_border_group, public_ipv4_pool, ipam_pool_id: ForceNew)`,
    },
    {
        type: "aws:ec2/securityGroup:SecurityGroup",
        rules: r("name", "namePrefix", "description", "vpcId"),
        source: `${TF}ec2/vpc_security_group.go (name, name_prefix, description, vpc_id: ForceNew)`,
    },
    {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        rules: r("securityGroupId"),
        source: `${TF}vpc/security_group_ingress_rule.go (security_group_id: RequiresReplace; ports, protocol and CIDRs through ModifySecurityGroupRules)`,
    },
    {
        type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        rules: r("securityGroupId"),
        source: `${TF}vpc/security_group_egress_rule.go (security_group_id: RequiresReplace)`,
    },
    // ── AWS: the network ─────────────────────────────────────────────────
    {
        type: "aws:ec2/vpc:Vpc",
        rules: r("cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"),
        source: `${TF}ec2/vpc_.go (cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length: ForceNew)`,
    },
    {
        type: "aws:ec2/subnet:Subnet",
        rules: r("vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "ipv6Native", "outpostArn"),
        source: `${TF}ec2/vpc_subnet.go (vpc_id, cidr_block, availability_zone, availability_zone_id, ipv6_native, outpost_arn: ForceNew)`,
    },
    {
        type: "aws:ec2/internetGateway:InternetGateway",
        rules: [],
        source: `${TF}ec2/vpc_internet_gateway.go (no ForceNew input: vpc_id detaches and attaches)`,
    },
    {
        type: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
        rules: r("vpcId"),
        source: `${TF}ec2/vpc_egress_only_internet_gateway.go (vpc_id: ForceNew)`,
    },
    {
        type: "aws:ec2/routeTable:RouteTable",
        rules: r("vpcId"),
        source: `${TF}ec2/vpc_route_table.go (vpc_id: ForceNew)`,
    },
    {
        type: "aws:ec2/route:Route",
        rules: r("routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"),
        source: `${TF}ec2/vpc_route.go (route_table_id and the destination: ForceNew; the target through ReplaceRoute)`,
    },
    {
        type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
        rules: r("subnetId", "gatewayId"),
        source: `${TF}ec2/vpc_route_table_association.go (subnet_id, gateway_id: ForceNew; route_table_id through ReplaceRouteTableAssociation)`,
    },
    {
        type: "aws:ec2/vpnGateway:VpnGateway",
        rules: r("availabilityZone", "amazonSideAsn"),
        source: `${TF}ec2/vpnsite_gateway.go (availability_zone, amazon_side_asn: ForceNew; vpc_id detaches and attaches)`,
    },
    {
        type: "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation",
        rules: r("vpnGatewayId", "routeTableId"),
        source: `${TF}ec2/vpnsite_gateway_route_propagation.go (vpn_gateway_id, route_table_id: ForceNew)`,
    },
    {
        type: "aws:ec2/customerGateway:CustomerGateway",
        rules: r("bgpAsn", "bgpAsnExtended", "certificateArn", "deviceName", "ipAddress", "type"),
        source: `${TF}ec2/vpnsite_customer_gateway.go (bgp_asn, bgp_asn_extended, certificate_arn, device_name, ip_address, type: ForceNew)`,
    },
    {
        type: "aws:ec2/vpnConnection:VpnConnection",
        rules: r("type", "staticRoutesOnly", "tunnelInsideIpVersion", "tunnel1InsideCidr", "tunnel2InsideCidr", "tunnel1InsideIpv6Cidr", "tunnel2InsideIpv6Cidr", "enableAcceleration", "outsideIpAddressType"),
        source: `${TF}ec2/vpnsite_connection.go (type, static_routes_only, tunnel_inside_ip_version, tunnelN_inside_cidr, tunnelN_inside_ipv6_cidr, enable_acceleration, outside_ip_address_type: ForceNew; IKE/IPsec options, keys, startup action through ModifyVpnTunnelOptions)`,
    },
    // ── AWS: the baseline (log archive, audit trail, flow log, budget) ─
    {
        type: "aws:s3/bucket:Bucket",
        rules: [...r("bucket", "bucketPrefix", "objectLockEnabled", "objectLockConfiguration.objectLockEnabled"), ...refused("bucketNamespace")],
        source: `${TF}s3/bucket.go (bucket, bucket_prefix, object_lock_enabled: ForceNew; force_destroy, tags update in place); bucket_namespace (new in the v6 provider) is not in the source read: S3 fixes a bucket's naming scope at creation, so a change needs a new bucket`,
        note: "the log archive is auto-named (no bucket input): no config key replaces it; deleteOnDestroy (forceDestroy) updates in place",
    },
    {
        type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        rules: r("bucket"),
        source: `${TF}s3/bucket_ownership_controls.go (bucket: ForceNew; rule through PutBucketOwnershipControls)`,
    },
    {
        type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        rules: r("bucket"),
        source: `${TF}s3/bucket_public_access_block.go (bucket: ForceNew; the four blocks through PutPublicAccessBlock)`,
    },
    {
        type: "aws:s3/bucketVersioning:BucketVersioning",
        rules: r("bucket", "expectedBucketOwner"),
        source: `${TF}s3/bucket_versioning.go (bucket, expected_bucket_owner: ForceNew; versioning_configuration through PutBucketVersioning)`,
    },
    {
        type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        rules: r("bucket", "expectedBucketOwner"),
        source: `${TF}s3/bucket_server_side_encryption_configuration.go (bucket, expected_bucket_owner: ForceNew; rules through PutBucketEncryption)`,
    },
    {
        type: "aws:s3/bucketPolicy:BucketPolicy",
        rules: r("bucket"),
        source: `${TF}s3/bucket_policy.go (bucket: ForceNew; policy through PutBucketPolicy)`,
    },
    {
        type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        rules: r("bucket", "expectedBucketOwner"),
        source: `${TF}s3/bucket_lifecycle_configuration.go (framework resource: bucket, expected_bucket_owner RequiresReplace; rules through PutBucketLifecycleConfiguration)`,
    },
    {
        type: "aws:ec2/flowLog:FlowLog",
        rules: r("vpcId", "subnetId", "eniId", "transitGatewayId", "transitGatewayAttachmentId", "regionalNatGatewayId", "trafficType", "logDestination", "logDestinationType", "logFormat", "maxAggregationInterval", "destinationOptions", "iamRoleArn", "deliverCrossAccountRole"),
        source: `${TF}ec2/vpc_flow_log.go (every argument but tags ForceNew: the update is tags only)`,
        note: "a new traffic type replaces the flow log; the logs already delivered stay in the archive",
    },
    {
        type: "aws:cloudtrail/trail:Trail",
        rules: r("name"),
        source: `${TF}cloudtrail/trail.go (name: ForceNew; bucket, prefix, selectors, logging through UpdateTrail, PutEventSelectors, Start/StopLogging)`,
    },
    {
        type: "aws:budgets/budget:Budget",
        rules: r("name", "namePrefix", "accountId"),
        source: `${TF}budgets/budget.go (name, name_prefix, account_id: ForceNew; limit, filters, notifications through UpdateBudget and the notification APIs)`,
        note: "the monthly cap (limitAmount) updates in place",
    },
    // ── Azure ────────────────────────────────────────────────────────────
    {
        type: "azure-native:resources:ResourceGroup",
        rules: r("resourceGroupName", "location"),
        source: ARM,
    },
    {
        type: "azure-native:network:VirtualWan",
        rules: r("resourceGroupName", "virtualWANName", "location"),
        source: ARM,
        note: "type (Basic → Standard) upgrades in place; Standard cannot go back to Basic",
    },
    {
        type: "azure-native:network:VirtualHub",
        rules: [...r("resourceGroupName", "virtualHubName", "location"), ...refused("virtualWan", "addressPrefix")],
        source: `${ARM}; a hub belongs to one WAN, and its address space is chosen when it is created (Microsoft Learn, "About virtual hub settings"): both treated as needing a new hub, erring on the side of warning`,
    },
    {
        type: "azure-native:network:VpnGateway",
        rules: [...r("resourceGroupName", "gatewayName", "location"), ...refused("virtualHub")],
        source: `${ARM}; a gateway belongs to its hub; scale units and BGP settings (custom APIPA addresses) update in place`,
    },
    {
        type: "azure-native:network:VpnSite",
        rules: [...r("resourceGroupName", "vpnSiteName", "location"), ...refused("virtualWan")],
        source: ARM,
    },
    {
        type: "azure-native:network:VpnConnection",
        rules: [...r("resourceGroupName", "gatewayName", "connectionName"), ...refused("remoteVpnSite")],
        source: `${ARM} (a child of the gateway: no location of its own)`,
    },
    {
        type: "azure-native:network:HubVirtualNetworkConnection",
        rules: [...r("resourceGroupName", "virtualHubName", "connectionName"), ...refused("remoteVirtualNetwork")],
        source: `${ARM} (a child of the hub)`,
    },
    {
        type: "azure-native:network:VirtualNetwork",
        rules: r("resourceGroupName", "virtualNetworkName", "location"),
        source: ARM,
    },
    {
        type: "azure-native:network:Subnet",
        rules: r("resourceGroupName", "virtualNetworkName", "subnetName"),
        source: `${ARM} (a child of the VNet)`,
    },
    {
        type: "azure-native:network:NetworkSecurityGroup",
        rules: r("resourceGroupName", "networkSecurityGroupName", "location"),
        source: `${ARM}; security rules inside it update in place`,
    },
    // ── Azure: the baseline (log storage, flow logs, activity log, budget, link alerts)
    {
        type: "azure-native:storage:StorageAccount",
        rules: r("resourceGroupName", "accountName", "location"),
        source: ARM,
        note: "the log account is auto-named; tier, TLS and public-access settings update in place",
    },
    {
        type: "azure-native:storage:ManagementPolicy",
        rules: r("resourceGroupName", "accountName", "managementPolicyName"),
        source: `${ARM} (a child of the storage account: no location of its own; the rules update in place)`,
    },
    {
        type: "azure-native:network:FlowLog",
        rules: [...r("resourceGroupName", "networkWatcherName", "flowLogName", "location"), ...refused("targetResourceId")],
        source: `${ARM} (a child of the Network Watcher); retargeting a flow log in place is accepted by the API but not applied (hashicorp/terraform-provider-azurerm#31136): treated as needing a new flow log, erring on the side of warning`,
        note: "the flow log lives in the watcher's resource group (NetworkWatcherRG unless baseline.flowLogs.createNetworkWatcher)",
    },
    {
        type: "azure-native:monitor:SubscriptionDiagnosticSetting",
        rules: r("name"),
        source: `${ARM} (a subscription-level proxy resource: its name is the only path parameter, no location)`,
    },
    {
        type: "azure-native:consumption:Budget",
        rules: [...r("scope", "budgetName"), ...refused("timePeriod.startDate")],
        source: `${ARM} (scope and name are the path; no location); the Consumption API refuses a new start date ("Start date of budgets cannot be updated. Please delete and create a new budget.", Azure/CanadaPubSecALZ#317)`,
        note: "the program sets the start date once and ignores timePeriod after create; the amount updates in place",
    },
    {
        type: "azure-native:monitor:ActionGroup",
        rules: r("resourceGroupName", "actionGroupName", "location"),
        source: ARM,
    },
    {
        type: "azure-native:monitor:MetricAlert",
        rules: r("resourceGroupName", "ruleName", "location"),
        source: ARM,
    },
];
