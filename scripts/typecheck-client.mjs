// @ts-check
// Type-checks the dashboard's browser code with its own tsconfig (DOM library). The client imports
// the API's public types from src/, so those files join the program, but they are checked by the
// root tsconfig (workerd types); this reports only diagnostics in the client's own files.
import { join } from "node:path";
import ts from "typescript";

const ROOT = new URL("..", import.meta.url).pathname;
const CLIENT = join(ROOT, "src", "dashboard", "client");
const configPath = join(CLIENT, "tsconfig.json");
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
if (!config) throw new Error(`cannot read ${configPath}`);
const program = ts.createProgram(config.fileNames, config.options);
const own = (/** @type {string} */ file) => file.startsWith(CLIENT) || file.endsWith("src/dashboard/page-names.ts");
const diagnostics = [
  ...program.getOptionsDiagnostics(),
  ...program
    .getSourceFiles()
    .filter((f) => own(f.fileName))
    .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
];
const host = { getCanonicalFileName: (/** @type {string} */ f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" };
if (diagnostics.length > 0) {
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exit(1);
}
console.log(`dashboard client: ${config.fileNames.length} files type-check`);
