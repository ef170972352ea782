/**
 * Loading a station's config: `<home>/radiosync.toml`, then RADIOSYNC_* environment variables,
 * then flags; a hardware profile named by radio.profile fills in radio keys none of those set.
 *
 *   defaults  <  profile [radio]  <  radiosync.toml  <  env RADIOSYNC_*  <  flags
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { makeError } from '../errors/RadiosyncError.js';
import { CONFIG_ERRORS } from './errors.js';
import { envLayer, flagLayer, mergeLayers } from './overrides.js';
import { loadProfile, type HardwareProfile } from './profiles.js';
import { CONFIG_FILE_NAME, type StationConfig } from './schema.js';
import { checkConfig, isPlainObject, issuesToError, validateConfig, type ConfigIssue } from './validateConfig.js';

/** Largest config file read: 1 MiB (a config is a few KB; this guards against a wrong path). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

type Obj = Record<string, unknown>;

export interface LoadConfigOptions {
  /** Environment (default process.env); only RADIOSYNC_<SECTION>_<KEY> variables are read. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Flag overrides from the CLI: nested or dotted keys, e.g. { 'radio.bitrate': 9600 }. */
  overrides?: Readonly<Obj>;
  /** Extra profile directories searched before <home>/profiles and hardware/profiles. */
  profileDirs?: readonly string[];
}

export interface LoadedConfig {
  config: StationConfig;
  /** The file read. */
  path: string;
  /** The profile applied, if any. */
  profile?: HardwareProfile;
}

/** Parse TOML text into a plain object; throws RS_ERR_CONFIG_PARSE with line and column. */
export function parseConfigText(text: string, source = CONFIG_FILE_NAME): Obj {
  try {
    return parse(text) as Obj;
  } catch (e) {
    if (e instanceof TomlError) {
      throw makeError(CONFIG_ERRORS, 'RS_ERR_CONFIG_PARSE', `${source}:${e.line}:${e.column}: not valid TOML: ${e.message.split('\n')[0]}`, { source, line: e.line, column: e.column }, e);
    }
    throw e;
  }
}

/** Read and parse `<home>/radiosync.toml` (no validation). */
export function readConfigFile(home: string): { path: string; raw: Obj } {
  const path = join(home, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw makeError(CONFIG_ERRORS, 'RS_ERR_CONFIG_NOT_FOUND', `no ${CONFIG_FILE_NAME} in ${home}: run \`radiosync init --home ${home} --callsign CALL\` first, or pass the right --home`, { path, home }, e);
    }
    throw makeError(CONFIG_ERRORS, 'RS_ERR_CONFIG_NOT_FOUND', `cannot read ${path}: ${(e as Error).message}`, { path, home }, e);
  }
  if (text.length > MAX_CONFIG_BYTES) {
    throw makeError(CONFIG_ERRORS, 'RS_ERR_CONFIG_INVALID', `${path} is larger than ${MAX_CONFIG_BYTES} bytes; is it the right file?`, { key: '', path });
  }
  return { path, raw: parseConfigText(text, path) };
}

/**
 * Build the config from layers already in memory (the file's parsed object, env, flags); the
 * profile is resolved from the merged radio.profile. Exposed for tests and for `init`.
 */
export function resolveConfig(
  fileObj: Obj,
  opts: LoadConfigOptions & { home?: string; source?: string } = {},
): { config: StationConfig; profile?: HardwareProfile } {
  const issues: ConfigIssue[] = [];
  const source = opts.source ?? CONFIG_FILE_NAME;
  issues.push(...checkConfig(fileObj, { partial: true, source }).issues);
  const env = envLayer(opts.env ?? process.env);
  issues.push(...env.issues, ...checkConfig(env.layer, { partial: true, source: 'env' }).issues);
  const flags = flagLayer(opts.overrides ?? {});
  issues.push(...flags.issues, ...checkConfig(flags.layer, { partial: true, source: 'flag' }).issues);
  if (issues.length > 0) throw issuesToError(issues);

  const user = mergeLayers(fileObj, env.layer, flags.layer);
  const radio = isPlainObject(user.radio) ? user.radio : {};
  let profile: HardwareProfile | undefined;
  if (typeof radio.profile === 'string' && radio.profile !== '') {
    const po: { home?: string; dirs?: readonly string[] } = {};
    if (opts.home !== undefined) po.home = opts.home;
    if (opts.profileDirs !== undefined) po.dirs = opts.profileDirs;
    profile = loadProfile(radio.profile, po);
  }
  const merged = mergeLayers(profile ? { radio: profile.radio as Obj } : undefined, user);
  const config = validateConfig(merged, { source });
  return profile ? { config, profile } : { config };
}

/**
 * Load a station's config from `<home>/radiosync.toml` with env and flag overrides and its hardware
 * profile. Throws typed errors (RS_ERR_CONFIG_*, exit EXIT.CONFIG or EXIT.NO_INPUT) naming the bad key.
 */
export function loadConfig(home: string, opts: LoadConfigOptions = {}): StationConfig {
  return loadConfigDetailed(home, opts).config;
}

/** {@link loadConfig}, also returning the file path and the profile applied. */
export function loadConfigDetailed(home: string, opts: LoadConfigOptions = {}): LoadedConfig {
  const { path, raw } = readConfigFile(home);
  const r = resolveConfig(raw, { ...opts, home, source: path });
  return r.profile ? { config: r.config, path, profile: r.profile } : { config: r.config, path };
}
