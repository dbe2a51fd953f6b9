import { isSandboxUnavailable } from '../../sandbox/types.js';
import type { AgentTool } from './tool.js';

function resolvePath(path: string, cwd: string): string {
  return path.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
}

export const readFileTool: AgentTool = {
  name: 'read_file',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string', description: 'Absolute path, or relative to the working directory.' } },
    required: ['path'],
  },
  async execute(args, context) {
    const path = resolvePath(String(args.path), context.cwd);
    try {
      return { ok: true, output: await context.sandbox.readFile(path) };
    } catch (error) {
      // A sandbox that is gone ends the run; only a problem with this file is the agent's to fix.
      if (isSandboxUnavailable(error)) throw error;
      return { ok: false, output: `cannot read ${path}: ${(error as Error).message}` };
    }
  },
};

export { resolvePath };
