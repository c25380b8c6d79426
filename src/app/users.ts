import { UserAdmin } from '../inbox/auth/user-admin.js';
import type { ApiToken } from '../inbox/store/token.store.js';
import { openInboxState, type InboxStateConfig } from './inbox-state.js';

export { Role } from '../inbox/auth/role.js';
export { UserAdminError } from '../inbox/auth/user-admin.js';

export interface UserAdministration {
  admin: UserAdmin;
  tokens(): Promise<ApiToken[]>;
  close(): Promise<void>;
}

/** `poems-sentinel users`: the account administration over the inbox state of either mode. */
export async function openUserAdministration(state: InboxStateConfig, operator: string, clock: () => Date = () => new Date()): Promise<UserAdministration> {
  const stores = await openInboxState(state);
  return {
    admin: new UserAdmin({ ...stores, clock, operator }),
    tokens: () => stores.tokens.list(),
    close: () => stores.close(),
  };
}
