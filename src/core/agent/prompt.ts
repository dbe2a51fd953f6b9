import type { HarnessDocument, ToolName } from '../harness/schema.js';
import type { ActionProtocol, ToolSpec } from '../model/types.js';
import { AGENT_TOOLS } from './tools/index.js';

export function enabledToolNames(harness: HarnessDocument): ToolName[] {
  return (Object.keys(harness.tools) as ToolName[]).filter((name) => harness.tools[name].enabled);
}

/** Tool specs as the model sees them: the schema from code, the description from the harness (an evolvable surface). */
export function toolSpecs(harness: HarnessDocument): ToolSpec[] {
  return enabledToolNames(harness).map((name) => ({
    name,
    description: harness.tools[name].description,
    parameters: AGENT_TOOLS[name].parameters,
  }));
}

/**
 * The JSON Schema a json_action answer must match, for providers that constrain decoding: one object per enabled tool
 * (so a tool's name and its arguments go together), a thought first, and no other keys. The thought needs no
 * `maxLength` in the schema: the answer's token cap (the harness's `maxAnswerTokens`, sent with every agent turn)
 * bounds it, and an answer cut off there is fed back to the model as a format error.
 */
export function actionResponseSchema(harness: HarnessDocument): Record<string, unknown> {
  const variants = enabledToolNames(harness).map((name) => {
    const parameters = AGENT_TOOLS[name].parameters as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    const properties = Object.fromEntries(Object.entries(parameters.properties ?? {}).map(([key, value]) => [key, { type: value.type ?? 'string' }]));
    return {
      type: 'object',
      properties: {
        thought: { type: 'string' },
        tool: { type: 'string', enum: [name] },
        args: { type: 'object', properties, required: parameters.required ?? [], additionalProperties: false },
      },
      required: ['thought', 'tool', 'args'],
      additionalProperties: false,
    };
  });
  return { title: 'action', type: 'object', anyOf: variants };
}

function describeTools(harness: HarnessDocument, protocol: ActionProtocol): string {
  const lines = toolSpecs(harness).map((spec) => {
    const args = Object.keys((spec.parameters.properties as Record<string, unknown>) ?? {}).join(', ');
    return `- ${spec.name}(${args}): ${spec.description}`;
  });
  if (protocol === 'native_tools') return `Tools:\n${lines.join('\n')}`;
  return [
    'Tools:',
    ...lines,
    '',
    'Answer every turn with exactly one JSON object and nothing else:',
    '{"thought": "<short reasoning>", "tool": "<tool name>", "args": {<arguments>}}',
    'Example: {"thought": "look around", "tool": "shell", "args": {"command": "ls -la"}}',
  ].join('\n');
}

/** Fill the harness's system prompt template. Unknown placeholders stay as they are, visibly. */
export function renderSystemPrompt(harness: HarnessDocument, instruction: string, cwd: string, protocol: ActionProtocol): string {
  const rules = harness.rules.length ? `Rules:\n${harness.rules.map((rule) => `- ${rule.text}`).join('\n')}\n` : '';
  const plan = harness.planningTemplate.trim() ? `${harness.planningTemplate.replaceAll('{{instruction}}', instruction)}\n` : '';
  const tools = describeTools(harness, protocol);
  let prompt = harness.systemPrompt
    .replaceAll('{{instruction}}', instruction)
    .replaceAll('{{rules}}', rules)
    .replaceAll('{{plan}}', plan)
    .replaceAll('{{cwd}}', cwd);
  // The action protocol must reach the model even if a template forgets the placeholder.
  prompt = prompt.includes('{{tools}}') ? prompt.replaceAll('{{tools}}', tools) : protocol === 'json_action' ? `${prompt}\n\n${tools}` : prompt;
  return prompt.replace(/\n{3,}/g, '\n\n').trim();
}
