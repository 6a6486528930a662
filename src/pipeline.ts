// The phases of redis-luagen, in order. Each hands the next plain data; only cli/, watch/,
// io/ and config/ touch files, the terminal or the process.
//
//   bytes ──cache─────▶ an unchanged script's findings and wrapper, as remembered   cache/
//         ──encoding──▶ RL005                      parse/encoding.ts
//         ──shebang───▶ flags | RL003               parse/shebang.ts
//         ──parse─────▶ Lua AST + comments | RL001  parse/parse-lua.ts (+ lua-syntax.ts)
//         ──levels────▶ Lua's 200 levels | RL001, a tree too deep to check | RL010   parse/limits/
//         ──scopes────▶ bindings of every identifier               analyze/scope.ts
//         ──frames────▶ locals, upvalues, stack slots | RL001      parse/limits/
//         ──usage─────▶ KEYS/ARGV uses              analyze/contract-usage.ts
//         ──contract──▶ ScriptContract | RL002, inferred + RL006   annotations/resolve-contract.ts
//         ──values────▶ value origins, calls, returns (fixpoint)   analyze/values/
//         ──commands──▶ command table entries, key positions       analyze/command-calls.ts
//         ──rules─────▶ RL101-RL402, one module each               analyze/rules/index.ts
//         ──suppress──▶ config severities, disable comments        analyze/suppressions.ts
//         ──text──────▶ the bytes sent (minify mode none) + SHA-1  compile.ts
//         ──model─────▶ WrapperModel                               codegen/wrapper-model.ts
//   project ──collisions▶ RL004                                    compile-project.ts
//           ──codegen──▶ Map<outputPath, formatted TypeScript>     codegen/emit-wrapper.ts
//
// compile() runs the per-script phases; compileProject() runs them for every script, then
// the project phases. build writes the map, check compares it with the disk, watch reruns it.

export { compile } from './compile.js';
export { compileProject } from './compile-project.js';
