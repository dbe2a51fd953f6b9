import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../content-security-policy.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { forwardConsole, runTasks, saveOpenAIModel, type StudioUnderTest, startStudio } from './support.js';

/**
 * The built app runs under its Content-Security-Policy: the header and the <meta> tag are there, and loading the
 * page, saving a model, running a task against a local model server and editing the harness in Monaco (with its
 * JSON worker) raise no violation — none reported to the page, none logged by the browser.
 */

let studio: StudioUnderTest | undefined;
let model: ScriptedOpenAIServer | undefined;

beforeAll(async () => {
  model = await startScriptedOpenAIServer((_request, turn) =>
    turn === 0 ? { toolCalls: [{ name: 'shell', args: { command: 'mkdir -p out && echo hello > out/hello.txt && ls out' } }] } : { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] },
  );
  studio = await startStudio();
});

afterAll(async () => {
  await studio?.close();
  await model?.close();
});

describe('Content-Security-Policy', () => {
  it('is sent and kept: a run against a local model and the Monaco editor work with no violation', async () => {
    const page = await studio!.context.newPage();
    page.setDefaultTimeout(30_000);
    forwardConsole(page);
    const logged: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) logged.push(message.text());
    });
    // Listens before any of the app's code runs, in the page and (for what they report) its frames.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`));
    });

    const response = await page.goto(studio!.url);
    const header = response!.headers()['content-security-policy'];
    expect(header).toBe(contentSecurityPolicy());
    expect(header).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    expect(header).toMatch(/object-src 'none'/);
    // index.html's tag; the page adds its narrower connect-src policy beside it (the second test).
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]:not([data-policy])').getAttribute('content')).toBe(contentSecurityPolicy({ forMeta: true }));

    // A script the page did not ship is refused: what the policy is for. (Playwright's own evaluate is exempt.)
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injectedScriptRan = true';
      document.head.append(script);
    });
    // Reported once per policy that forbids it: the header's and the <meta> tag's.
    await expect.poll(() => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.length)).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { injectedScriptRan?: boolean }).injectedScriptRan)).toBeUndefined();
    for (const violation of await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)) expect(violation).toMatch(/^script-src/);
    await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.splice(0));
    logged.splice(0);

    await saveOpenAIModel(page, model!.baseUrl, 'csp-model');
    const taskId = await page.getByTestId('task-item').first().getAttribute('data-task-id');
    await runTasks(page, [taskId!]);
    expect(await page.locator(`[data-testid="task-progress"][data-task-id="${taskId}"]`).getAttribute('data-outcome')).toMatch(/pass|fail/);
    expect(model!.requests.length).toBeGreaterThanOrEqual(2);

    // Monaco and its JSON worker (loaded when the code editor is opened): a syntax error in the harness gets a squiggle.
    await page.getByTestId('harness-open-editor').click();
    await page.locator('[data-testid="harness-monaco"] .monaco-editor .view-lines').waitFor();
    await page.locator('[data-testid="harness-monaco"] .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' trailing garbage');
    await page.locator('[data-testid="harness-monaco"] .squiggly-error').first().waitFor({ timeout: 30_000 });

    // The Models tab reads WebGPU and the model caches.
    await page.getByTestId('tab-models').click();
    await page.waitForTimeout(1000);

    const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect(violations).toEqual([]);
    expect(logged).toEqual([]);
  }, 180_000);

  it('lets the page connect only to saved model hosts: a new remote host is refused with a reason until it is saved and the page reloads', async () => {
    // A "remote" model server: a host name that is not localhost, resolved by Chromium to this machine.
    const remote = await startScriptedOpenAIServer((_request, turn) =>
      turn === 0 ? { toolCalls: [{ name: 'shell', args: { command: 'echo remote' } }] } : { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] },
    );
    const remoteStudio = await startStudio({ chromiumArgs: ['--host-resolver-rules=MAP remote-model.test 127.0.0.1'] });
    try {
      const remoteUrl = remote.baseUrl.replace('127.0.0.1', 'remote-model.test');
      const remoteOrigin = new URL(remoteUrl).origin;
      const page = await remoteStudio.context.newPage();
      page.setDefaultTimeout(30_000);
      forwardConsole(page);
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { cspViolations: string[] }).cspViolations = seen;
        document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
      });
      await page.goto(remoteStudio.url);
      await page.getByTestId('task-item').first().waitFor();

      const policy = page.locator('meta[data-policy="connect"]');
      expect(await policy.getAttribute('content')).toMatch(/^connect-src 'self' .*http:\/\/127\.0\.0\.1:\*.*https:\/\/huggingface\.co/);
      expect(await policy.getAttribute('content')).not.toContain('remote-model.test');

      // What an injected fetch would try: refused by the browser, not sent.
      const fetched = await page.evaluate((url) => fetch(url).then(() => 'sent', () => 'refused'), `${remoteUrl}/models`);
      expect(fetched).toBe('refused');
      expect(remote.requests).toHaveLength(0);
      await expect.poll(() => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([expect.stringMatching(/^connect-src http:\/\/remote-model\.test/)]);

      // Test connection of an unsaved profile on that host says why it cannot connect, instead of "Failed to fetch".
      await page.getByTestId('provider-openai').check();
      await page.getByTestId('model-base-url').fill(remoteUrl);
      await page.getByTestId('model-name').fill('remote-model');
      await page.getByTestId('model-test-connection').click();
      const blocked = page.locator('[data-testid="connection-result"][data-state="blocked"]');
      await blocked.waitFor();
      expect(await blocked.textContent()).toContain(`${remoteOrigin} was not: save the profile, then reload the page`);

      // Saving it asks for a reload; after the reload the page connects and runs a task on it.
      await page.getByTestId('model-action-protocol').selectOption('native_tools');
      await page.getByTestId('model-save').click();
      await page.getByTestId('model-reload-needed').waitFor();
      expect(await page.getByTestId('model-reload-needed').textContent()).toContain(remoteOrigin);
      expect(remote.requests).toHaveLength(0);
      await Promise.all([page.waitForEvent('load'), page.getByTestId('model-reload').click()]);
      await page.getByTestId('task-item').first().waitFor();
      expect(await policy.getAttribute('content')).toContain(remoteOrigin);

      await page.getByTestId('model-test-connection').click();
      await page.locator('[data-testid="connection-result"][data-state="ok"]').waitFor();
      const taskId = await page.getByTestId('task-item').first().getAttribute('data-task-id');
      await runTasks(page, [taskId!]);
      expect(await page.locator(`[data-testid="task-progress"][data-task-id="${taskId}"]`).getAttribute('data-outcome')).toMatch(/pass|fail/);
      expect(remote.requests.length).toBeGreaterThanOrEqual(3);
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    } finally {
      await remoteStudio.close();
      await remote.close();
    }
  }, 180_000);
});
