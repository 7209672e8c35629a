import { openSession, SessionError, type AccountSession, type OpenSessionOptions } from '../account/index.js';
import { UserError } from './output.js';

/**
 * Opens the account session for a command; its "no credentials / unknown account" messages become user errors that
 * point at the command's help.
 */
export async function openCliSession(options: OpenSessionOptions, help: string): Promise<AccountSession> {
  try {
    return await openSession(options);
  } catch (error) {
    if (error instanceof SessionError) throw new UserError(`${error.message}.\nSee \`${help}\` for how credentials are configured.`);
    throw error;
  }
}
