export { ApiService, ApiServiceArgs, validateApiServiceArgs } from "./apiService";
export { Worker, WorkerArgs, validateWorkerArgs } from "./worker";
export { ManagedDb, ManagedDbArgs, DbConnection, validateDbArgs } from "./managedDb";
export { Cache, CacheArgs, CacheConnection, validateCacheArgs } from "./cache";
export { StaticSite, StaticSiteArgs, validateStaticSiteArgs } from "./staticSite";
export { Credential, CredentialArgs, validateCredentialArgs } from "./credential";
export { Environment, EnvironmentArgs } from "./environment";
export { serviceEnv, versionEnv } from "./serviceEnv";
export { dbAccessSql, dbAccessCommand, cacheAccessCommand, cacheServerCommand, roleName, slotVar, cacheVar } from "./sql";
