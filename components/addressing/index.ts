export * from "./cidr";
export * from "./plan";
