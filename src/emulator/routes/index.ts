/**
 * Registry of the emulator's route modules: API groups, then the emulator's own routes (control endpoints, pages).
 *
 * A new module `routes/<group>.ts` exports `export const <group>Routes: Route[] = [...]` (types from `../router.js`)
 * and gets ONE import line and ONE entry in `ROUTE_MODULES` below. The server picks the routes up, counts their quota
 * (`openapi/quota/get` knows their paths), logs them, and applies tokens/faults/body rules per the Route fields.
 * Control endpoints go under `/__emulator/...` through `adminRoute()` (admin.ts). The whole checklist for a new
 * endpoint is in docs/emulator.md ("Checklist: a new endpoint").
 */
import type { Route } from '../router.js';
import { tokenRoutes } from './token.js';
import { mediaRoutes } from './media.js';
import { draftRoutes } from './draft.js';
import { freepublishRoutes } from './freepublish.js';
import { apiManageRoutes } from './apimanage.js';
import { messageRoutes } from './message.js';
import { adminRoutes } from './admin.js';
import { adminFollowerRoutes } from './admin-followers.js';
import { pageRoutes } from './pages.js';
import { menuRoutes } from './menu.js';
import { userRoutes } from './user.js';
import { datacubeRoutes } from './datacube.js';
import { accountRoutes } from './account.js';

export const ROUTE_MODULES: ReadonlyArray<readonly Route[]> = [
  tokenRoutes,
  mediaRoutes,
  draftRoutes,
  freepublishRoutes,
  apiManageRoutes,
  messageRoutes,
  menuRoutes,
  userRoutes,
  datacubeRoutes,
  accountRoutes,
  adminRoutes,
  adminFollowerRoutes,
  pageRoutes,
];

export function allRoutes(): Route[] {
  return ROUTE_MODULES.flat();
}
