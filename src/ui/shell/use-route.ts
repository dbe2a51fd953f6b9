import { useCallback, useEffect, useState } from 'react';
import { parseRoute, type Route, routeHref } from './routes.js';

/** The current hash route, following the back and forward buttons; `navigate` pushes (or replaces) a history entry. */
export function useRoute(): { route: Route; navigate(route: Route, options?: { replace?: boolean }): void } {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const navigate = useCallback((next: Route, options: { replace?: boolean } = {}) => {
    const href = routeHref(next);
    if (window.location.hash === href) return;
    if (options.replace) window.history.replaceState(null, '', href);
    else window.history.pushState(null, '', href);
    setRoute(parseRoute(href));
  }, []);
  return { route, navigate };
}
