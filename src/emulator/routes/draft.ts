import type { Route } from '../router.js';
export const draftRoutes: Route[] = [];
