export * from "./aws-regions";
export * from "./azure-locations";
export * from "./ec2-instance-types";
export * from "./provenance";
export * from "./suggest";
