/** The account side of wxmp: which accounts a project has, and sessions that talk to them. */
export { planAccounts, resolveAccounts, secretEnvName, type AccountSetup, type ResolvedAccount } from './accounts.js';
export { AccountHaltedError, createAccountCaller, type AccountCaller } from './caller.js';
export { AccountSession, openSession, SessionError, type OpenSessionOptions, type SessionMode } from './session.js';
