// Static status page: reads /config.json (written when the container starts),
// then shows the api's /version and /health. No secrets: the page only knows
// the public api base URL. Text is set with textContent, never as HTML.

interface RuntimeConfig {
  apiBaseUrl: string;
  gitSha: string;
  appVersion: string;
  buildDate: string;
}

function show(id: string, text: string, state?: 'ok' | 'error'): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  if (state) el.dataset.state = state;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  return res.json();
}

function asConfig(value: unknown): RuntimeConfig {
  const v = (value ?? {}) as Partial<Record<keyof RuntimeConfig, unknown>>;
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  return { apiBaseUrl: str(v.apiBaseUrl), gitSha: str(v.gitSha), appVersion: str(v.appVersion), buildDate: str(v.buildDate) };
}

async function main(): Promise<void> {
  let config: RuntimeConfig;
  try {
    config = asConfig(await getJson('/config.json'));
  } catch (err) {
    show('config', `could not load /config.json: ${String(err)}`, 'error');
    return;
  }
  const buildSha = document.querySelector<HTMLMetaElement>('meta[name="build-sha"]')?.content ?? 'unknown';
  show('footer-version', `web ${config.appVersion || 'unknown'} · ${config.gitSha || buildSha} · built ${config.buildDate || 'unknown'}`);
  const base = config.apiBaseUrl.replace(/\/+$/, '');
  show('config', base || '(same origin)', 'ok');

  try {
    const v = (await getJson(`${base}/version`)) as Record<string, unknown>;
    show('version', `api ${String(v.appVersion)} · ${String(v.gitSha)} · built ${String(v.buildDate)}`, 'ok');
  } catch (err) {
    show('version', `unavailable: ${String(err)}`, 'error');
  }
  try {
    const h = (await getJson(`${base}/health`)) as Record<string, unknown>;
    show('health', String(h.status ?? 'ok'), 'ok');
  } catch (err) {
    show('health', `unavailable: ${String(err)}`, 'error');
  }
}

void main();
