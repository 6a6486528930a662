// Library API: compile one script or a whole project without touching the disk.
export { compile, sha1Hex, type CompileOptions, type CompileResult, type MinifyMode } from './compile.js';
export {
  compileProject,
  type ProjectInput,
  type ProjectResult,
  type ScriptInput,
  type ScriptSummary,
} from './compile-project.js';
export { validateConfig, parseConfigText, ConfigError, DEFAULT_CONFIG, type Config } from './config/config.js';
export type { Diagnostic, Severity } from './diagnostics/diagnostic.js';
export { RULES, type RuleInfo, type RuleName } from './diagnostics/codes.js';
export { render, FORMATS, type Format } from './diagnostics/render/render.js';
export { readRuntimeTemplate, loadConfig, findScripts, readScripts } from './io/files.js';
export type { WrapperModel } from './codegen/wrapper-model.js';
