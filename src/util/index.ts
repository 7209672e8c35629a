/**
 * Small helpers shared by every folder; each module needs Node's built-ins only (messages.ts: vfile-message), so
 * importing this index stays light. Modules inside src/ may import the module they need directly.
 */
export { formatProblem, isError, problem, problemToJson, severityOf, type JsonProblem, type Problem } from './messages.js';
export { escapeHtml } from './html.js';
export { sha256, stableStringify } from './hash.js';
export { createLimiter, mapLimit, type Limiter } from './limiter.js';
export { writeFileAtomic } from './atomic-write.js';
export { acquireProcessLock, LockedError } from './process-lock.js';
export { extensionOf, formatOfExtension, sniffImageFormat, type ImageFormat } from './image-type.js';
export { textWidth } from './text-width.js';
export { BlockedAddressError, checkUrl, guardedLookup, type Resolver, type UrlRefusal } from './net-guard.js';
export { allowedHostNames, hostAllowed, hostNameOf } from './host-check.js';
