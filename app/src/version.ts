// Version stamp injected at build/deploy time (unprefixed, see docs/contracts.md).
export interface VersionInfo {
  gitSha: string;
  buildDate: string;
  appVersion: string;
}

export function versionInfo(env: Record<string, string | undefined> = process.env): VersionInfo {
  return {
    gitSha: env.GIT_SHA || 'unknown',
    buildDate: env.BUILD_DATE || 'unknown',
    appVersion: env.APP_VERSION || '0.0.0-dev',
  };
}
