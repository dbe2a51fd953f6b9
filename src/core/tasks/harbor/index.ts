/**
 * Harbor and Terminal-Bench task folders ⇄ this app's tasks. Pure TypeScript over `Map<path, content>`, so the CLI
 * (a directory), the page (a folder or a .zip) and tests share it. README.md here explains every mapping decision.
 */
export { type DockerReplay, parseDockerfile, replayDockerfile } from './dockerfile.js';
export { exportSuiteToHarbor } from './export-suite.js';
export { harborVerifierScript, importHarborTask, importTerminalBenchTask, type TaskImport, terminalBenchVerifierScript } from './import-task.js';
export { type ImportedSuite, importSuite, type ImportSuiteOptions, taskRoots } from './import-suite.js';
export { BROWSER_MISSING_COMMANDS, commandsUsed, missingCommands, SANDBOX_COMMANDS, SHELL_BUILTINS } from './shell-commands.js';
export { decodeFolderFiles, type FolderFiles, type TaskFolder, taskIdFrom } from './task-folder.js';
export { type Glob, compileGlob } from './glob.js';
