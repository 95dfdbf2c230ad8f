// Who is signed in: tokens and role, kept for the browser tab (sessionStorage), and where each
// role's view lives.
import { ref } from 'vue';
import type { components } from './api-schema';
import type { Tokens } from './api-types';

// The service's roles, as its document declares them.
export type Role = components['schemas']['Role'];
export type Scope = 'enterprise' | 'bank' | 'gov' | 'admin';

export interface Session {
  access_token: string;
  refresh_token: string;
  role: Role;
  org_id: number;
  username: string;
  org_name?: string;
  /** The password was reset: nothing but changing it until it is. */
  mustChange?: boolean;
  /** Failed sign-in attempts since the previous sign-in, shown once until dismissed. */
  sign_in_notice?: SignInNotice;
}

export interface SignInNotice {
  count: number;
  at: string;
  address: string;
  previous_at?: string;
  previous_address?: string;
}

const KEY = 'zhirong.session';

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const session = ref<Session | null>(typeof sessionStorage === 'undefined' ? null : load());

function store() {
  if (session.value) sessionStorage.setItem(KEY, JSON.stringify(session.value));
  else sessionStorage.removeItem(KEY);
}

export function startSession(tokens: Tokens, username: string): Session {
  const started: Session = {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    role: tokens.role,
    org_id: tokens.org_id,
    username,
    mustChange: tokens.must_change_password,
  };
  session.value = started;
  store();
  return started;
}

export function saveTokens(tokens: Pick<Tokens, 'access_token' | 'refresh_token'>) {
  if (!session.value) return;
  session.value = { ...session.value, access_token: tokens.access_token, refresh_token: tokens.refresh_token };
  store();
}

export function passwordChanged() {
  if (!session.value) return;
  session.value = { ...session.value, mustChange: false };
  store();
}

export function setOrgName(name: string) {
  if (!session.value) return;
  session.value = { ...session.value, org_name: name };
  store();
}

export function setSignInNotice(notice: SignInNotice | undefined) {
  if (!session.value) return;
  session.value = { ...session.value, sign_in_notice: notice };
  store();
}

export function clearSession() {
  session.value = null;
  store();
}

export function scopeOf(role: Role): Scope {
  if (role === 'enterprise_user') return 'enterprise';
  if (role === 'bank_officer' || role === 'bank_manager') return 'bank';
  if (role === 'gov_officer' || role === 'gov_manager') return 'gov';
  return 'admin';
}

export function homeOf(role: Role): string {
  return `/${scopeOf(role)}`;
}

export const isManager = () => session.value?.role === 'bank_manager' || session.value?.role === 'gov_manager';
