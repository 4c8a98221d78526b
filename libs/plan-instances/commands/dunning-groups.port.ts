/**
 * Which dunning groups a tenant has: the dunning context provides it (it builds on this one, so this context only
 * names the port). While no provider is bound, assignment does not check `dunningGroupId`.
 */
export const DUNNING_GROUP_DIRECTORY = Symbol('DUNNING_GROUP_DIRECTORY');

export interface DunningGroupDirectory {
  exists(tenantId: string, groupId: string): Promise<boolean>;
}
