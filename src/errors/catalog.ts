/**
 * Every error code radiosync can raise, gathered from the per-layer catalogs.
 * docs/errors.md is generated from this (`npm run docs:errors`) and a test keeps them equal.
 */
import type { ErrorCatalog } from './RadiosyncError.js';

export async function loadAllCatalogs(): Promise<Record<string, ErrorCatalog>> {
  const { readdirSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { pathToFileURL, fileURLToPath } = await import('node:url');
  const srcDir = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const out: Record<string, ErrorCatalog> = {};
  for (const layer of readdirSync(srcDir).sort()) {
    const f = join(srcDir, layer, `errors${ext}`);
    if (!existsSync(f)) continue;
    const mod = (await import(pathToFileURL(f).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (name.endsWith('_ERRORS') && typeof value === 'object' && value !== null) out[layer] = { ...out[layer], ...(value as ErrorCatalog) };
    }
  }
  return out;
}
