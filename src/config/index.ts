// The config layer's exports in one place. The public API (src/index.ts) re-exports none of them.
export { CONFIG_ERRORS, type ConfigErrorCode } from './errors.js';
export {
  CONFIG_FILE_NAME,
  ENV_PREFIX,
  SCHEMA,
  type StationConfig,
  type BudgetScopeConfig,
  type TableConfig,
  type WindowConfig,
  type ConflictPolicy,
} from './schema.js';
export { validateConfig, checkConfig, schemaPaths, type ConfigIssue } from './validateConfig.js';
export { loadConfig, loadConfigDetailed, resolveConfig, readConfigFile, parseConfigText, type LoadConfigOptions, type LoadedConfig } from './loadConfig.js';
export { defaultConfig, type NewStationOptions } from './defaultConfig.js';
export { renderConfig } from './renderConfig.js';
export { envVariables, envName } from './overrides.js';
export { loadProfile, listProfiles, bundledProfileDir, type HardwareProfile } from './profiles.js';
export { encodeTncCommand, parseTncCommand, HEX_COMMAND_PREFIX } from './tncCommand.js';
