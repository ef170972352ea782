/**
 * Hardware profiles: TOML files with a [profile] description and a [radio] table whose keys fill in
 * any radio.* key the station config leaves out (`radio.profile = "kantronics-kpc3"`).
 *
 * Looked up first in `<home>/profiles/<name>.toml` (the operator's own), then in the bundled
 * `hardware/profiles/<name>.toml`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, TomlError } from 'smol-toml';
import { makeError } from '../errors/RadiosyncError.js';
import { CONFIG_ERRORS } from './errors.js';
import { NAME_PATTERN, SCHEMA, type StationConfig } from './schema.js';
import { checkConfig, isPlainObject } from './validateConfig.js';
import { didYouMean } from './suggest.js';

/** Largest profile file read: 64 KiB. */
export const MAX_PROFILE_BYTES = 64 * 1024;

export interface HardwareProfile {
  name: string;
  description: string;
  /** "soft-tnc", "hardware-tnc" or "radio-tnc" */
  kind: string;
  /** Public sources the values come from. */
  sources: string[];
  notes: string;
  /** radio.* keys this profile sets. */
  radio: Partial<StationConfig['radio']>;
  /** File it was read from. */
  path: string;
}

/** The bundled hardware/profiles directory (works from src/ under tsx and from dist/). */
export function bundledProfileDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const d = resolve(here, up, 'hardware', 'profiles');
    if (existsSync(d)) return d;
  }
  return resolve(here, '../../hardware/profiles');
}

function profileDirs(home?: string, extra: readonly string[] = []): string[] {
  return [...extra, ...(home ? [join(home, 'profiles')] : []), bundledProfileDir()];
}

/** Names of every profile available (own profiles first, no duplicates). */
export function listProfiles(opts: { home?: string; dirs?: readonly string[] } = {}): string[] {
  const names: string[] = [];
  for (const d of profileDirs(opts.home, opts.dirs)) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) {
      const n = f.replace(/\.toml$/, '');
      if (f.endsWith('.toml') && !names.includes(n)) names.push(n);
    }
  }
  return names;
}

const PROFILE_META_KEYS = ['name', 'description', 'kind', 'sources', 'notes'];

/** Load and validate one profile by name. Throws RS_ERR_CONFIG_PROFILE. */
export function loadProfile(name: string, opts: { home?: string; dirs?: readonly string[] } = {}): HardwareProfile {
  const fail = (msg: string, data: Record<string, unknown> = {}): never => {
    throw makeError(CONFIG_ERRORS, 'RS_ERR_CONFIG_PROFILE', msg, { key: 'radio.profile', profile: name, ...data });
  };
  if (!NAME_PATTERN.test(name)) fail(`radio.profile: "${name}" is not a profile name`);
  const path = profileDirs(opts.home, opts.dirs)
    .map((d) => join(d, `${name}.toml`))
    .find((p) => existsSync(p));
  if (!path) {
    const available = listProfiles(opts);
    const near = didYouMean(name, available);
    return fail(
      `radio.profile: no hardware profile "${name}"${near ? ` (did you mean "${near}"?)` : ''}; available: ${available.join(', ')}`,
      { available, ...(near ? { suggestion: near } : {}) },
    );
  }
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_PROFILE_BYTES) fail(`profile ${path} is larger than ${MAX_PROFILE_BYTES} bytes`, { path });
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    const te = e as TomlError;
    return fail(`profile ${path}: not valid TOML: ${te.message}`, { path, line: te.line, column: te.column });
  }
  for (const k of Object.keys(doc)) if (k !== 'profile' && k !== 'radio') fail(`profile ${path}: unknown table [${k}] (a profile has [profile] and [radio])`, { path });
  const meta = isPlainObject(doc.profile) ? doc.profile : {};
  for (const k of Object.keys(meta)) if (!PROFILE_META_KEYS.includes(k)) fail(`profile ${path}: unknown key profile.${k}`, { path });
  const radio = isPlainObject(doc.radio) ? doc.radio : {};
  if ('profile' in radio) fail(`profile ${path}: a profile cannot name another profile (radio.profile)`, { path });
  const { value, issues } = checkConfig({ radio }, { partial: true, source: `profile ${path}` });
  if (issues.length > 0) fail(`profile ${path}: ${issues.map((i) => i.message).join('; ')}`, { path, issues });
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    name,
    description: str(meta.description),
    kind: str(meta.kind),
    sources: Array.isArray(meta.sources) ? meta.sources.filter((s): s is string => typeof s === 'string') : [],
    notes: str(meta.notes),
    radio: ((value as Record<string, unknown>).radio ?? {}) as Partial<StationConfig['radio']>,
    path,
  };
}

/** Radio keys a profile may set (every radio key but `profile`). */
export const PROFILE_RADIO_KEYS = Object.keys((SCHEMA.fields.radio as { fields: object }).fields).filter((k) => k !== 'profile');
