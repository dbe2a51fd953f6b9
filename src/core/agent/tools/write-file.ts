import { isSandboxUnavailable } from '../../sandbox/types.js';
import { resolvePath } from './read-file.js';
import type { AgentTool } from './tool.js';

export const writeFileTool: AgentTool = {
  name: 'write_file',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Absolute path, or relative to the working directory.' },
      content: { type: 'string', description: 'The full new content of the file.' },
    },
    required: ['path', 'content'],
  },
  async execute(args, context) {
    const path = resolvePath(String(args.path), context.cwd);
    const content = String(args.content);
    try {
      await context.sandbox.writeFile(path, content);
      return { ok: true, output: `wrote ${content.length} characters to ${path}` };
    } catch (error) {
      // A sandbox that is gone ends the run; only a problem with this file is the agent's to fix.
      if (isSandboxUnavailable(error)) throw error;
      return { ok: false, output: `cannot write ${path}: ${(error as Error).message}` };
    }
  },
};
