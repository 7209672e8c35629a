import type { Route } from '../router.js';
export const apiManageRoutes: Route[] = [];
