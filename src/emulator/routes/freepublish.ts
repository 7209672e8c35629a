import type { Route } from '../router.js';
export const freepublishRoutes: Route[] = [];
