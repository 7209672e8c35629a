import type { Route } from '../router.js';
export const mediaRoutes: Route[] = [];
