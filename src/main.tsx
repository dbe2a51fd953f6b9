// First: no module may parse with zod before it is told not to use eval (the page's CSP forbids it).
import './platform/zod-without-eval.js';
import './ui/open-workspace-early.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.js';
import { ErrorBoundary } from './ui/ErrorBoundary.js';
import './ui/styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <ErrorBoundary area="the app">
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
