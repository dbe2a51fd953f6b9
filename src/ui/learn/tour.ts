import { driver } from 'driver.js';
import 'driver.js/dist/driver.css';
import type { Route } from '../shell/routes.js';

/**
 * The guided tour: one turn of the Self-Harness loop, each step pointing at the live element on its page. Where the
 * element does not exist yet (no run, no evolution), the step still explains it and says what to do to see it.
 */

interface TourStep {
  route: Route;
  /** Tried in order; the first that is on the page is highlighted. */
  selectors: string[];
  title: string;
  text: string;
  /** Said when none of the selectors is on the page yet. */
  whenMissing?: string;
}

export const TOUR_STEPS: TourStep[] = [
  {
    route: { page: 'run' },
    selectors: ['[data-testid="harness-panel"]'],
    title: '1 · The harness',
    text: 'Everything around the model is data here: the system prompt, rules, tools, policies and hooks. Each saved edit is a new version, named by its hash.',
  },
  {
    route: { page: 'run' },
    selectors: ['[data-testid="run-panel"]'],
    title: '2 · A run',
    text: 'Pick tasks and a model, press Run. Each task runs in a fresh sandbox in this tab; a verifier the agent never sees decides pass or fail.',
  },
  {
    route: { page: 'run' },
    selectors: ['[data-testid="trace-viewer"]', '[data-testid="run-history"]', '[data-testid="runs-panel"]'],
    title: '3 · The trace',
    text: 'Every model answer, tool call, output and policy intervention is recorded. Open a run to read it, search it, or replay it step by step.',
    whenMissing: 'Run a task first; its trace appears here.',
  },
  {
    route: { page: 'evolve' },
    selectors: ['.weaknesses', '[data-testid="evolve-list"]'],
    title: '4 · A weakness',
    text: 'Evolution reads digests of failed held-in traces and names recurring weaknesses (retry loops, missing verification…), ranked by how often and how badly they hurt.',
    whenMissing: 'Start an evolution here to see the weaknesses it finds.',
  },
  {
    route: { page: 'evolve' },
    selectors: ['[data-testid^="candidate-"]', '[data-testid="evolve-list"]'],
    title: '5 · A proposal',
    text: 'For each weakness the proposer suggests small typed edits (add a rule, turn a policy on, add a hook). Edits that mention tasks or verifiers are thrown out by a critic.',
    whenMissing: 'Candidates appear here once an evolution has proposed some.',
  },
  {
    route: { page: 'evolve' },
    selectors: ['[data-testid="flip-matrix"]', '[data-testid^="candidate-"]', '[data-testid="evolve-list"]'],
    title: '6 · The validation gate',
    text: 'Each candidate runs on its weakness\'s held-in tasks and every held-out task. The paper\'s rule keeps it only if passes rise on a split and fall on none; the flip matrix shows each task before and after.',
    whenMissing: 'The gate\'s verdicts and flip matrices appear on each candidate.',
  },
  {
    route: { page: 'versions' },
    selectors: ['[data-testid="versions-tree"]'],
    title: '7 · A new version',
    text: 'Accepted edits make a new version. Every version stays in the tree: diff any two, branch from one, export one as a .harness.json with its lineage, or as AGENTS.md for another agent.',
  },
];

function findElement(step: TourStep): Element | undefined {
  for (const selector of step.selectors) {
    const element = document.querySelector(selector);
    if (element) {
      // A flip matrix sits in a closed <details>: open it so there is something to point at.
      const details = element.closest('details');
      if (details && !details.open) details.open = true;
      return element;
    }
  }
  return undefined;
}

/** Wait (briefly) for a lazily loaded page to render its element. */
async function waitForStep(step: TourStep, timeoutMs = 2500): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (findElement(step)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function runTour(navigate: (route: Route) => void): Promise<void> {
  let current = 0;
  const tour = driver({
    showProgress: true,
    progressText: 'step {{current}} of {{total}}',
    nextBtnText: 'Next →',
    prevBtnText: '← Back',
    doneBtnText: 'Done',
    popoverClass: 'studio-tour',
    steps: TOUR_STEPS.map((step) => ({
      element: () => findElement(step) ?? document.body,
      popover: {
        title: step.title,
        description: findElement(step) || !step.whenMissing ? step.text : `${step.text} ${step.whenMissing}`,
      },
    })),
    onNextClick: () => void go(current + 1),
    onPrevClick: () => void go(current - 1),
  });

  async function go(index: number) {
    if (index >= TOUR_STEPS.length) {
      tour.destroy();
      return;
    }
    if (index < 0) return;
    const step = TOUR_STEPS[index];
    navigate(step.route);
    await waitForStep(step);
    current = index;
    if (tour.isActive()) tour.moveTo(index);
    else tour.drive(index);
  }

  await go(0);
}
