// Routes of the three views. A route belongs to one scope; a signed-in user typing another
// scope's address is sent to their own home (the API would refuse them anyway).
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { session, scopeOf, homeOf } from './session';

const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/', redirect: () => (session.value ? homeOf(session.value.role) : '/login') },

  { path: '/enterprise', redirect: '/enterprise/patents' },
  { path: '/enterprise/patents', component: () => import('./views/enterprise/Patents.vue'), meta: { scope: 'enterprise' } },
  { path: '/enterprise/valuation', component: () => import('./views/enterprise/Valuation.vue'), meta: { scope: 'enterprise' } },
  { path: '/enterprise/apply', component: () => import('./views/enterprise/Apply.vue'), meta: { scope: 'enterprise' } },
  { path: '/enterprise/applications', component: () => import('./views/enterprise/Applications.vue'), meta: { scope: 'enterprise' } },
  { path: '/enterprise/alerts', component: () => import('./views/enterprise/Alerts.vue'), meta: { scope: 'enterprise' } },

  { path: '/bank', redirect: '/bank/queue' },
  { path: '/bank/queue', component: () => import('./views/bank/Queue.vue'), meta: { scope: 'bank' } },
  { path: '/bank/applications/:id', component: () => import('./views/bank/Evaluation.vue'), meta: { scope: 'bank' } },
  { path: '/bank/proposals', component: () => import('./views/bank/Proposals.vue'), meta: { scope: 'bank' } },
  { path: '/bank/change-requests', component: () => import('./views/bank/ChangeRequests.vue'), meta: { scope: 'bank' } },
  { path: '/bank/registration', component: () => import('./views/bank/Registration.vue'), meta: { scope: 'bank' } },
  { path: '/bank/portfolio', component: () => import('./views/bank/Portfolio.vue'), meta: { scope: 'bank' } },
  { path: '/bank/disposals', component: () => import('./views/bank/Disposals.vue'), meta: { scope: 'bank' } },

  { path: '/gov', component: () => import('./views/gov/Cockpit.vue'), meta: { scope: 'gov' } },
  { path: '/gov/financing', component: () => import('./views/gov/Financing.vue'), meta: { scope: 'gov' } },
  { path: '/gov/claims', component: () => import('./views/gov/Claims.vue'), meta: { scope: 'gov' } },
  { path: '/gov/disputes', component: () => import('./views/gov/Disputes.vue'), meta: { scope: 'gov' } },
  { path: '/gov/proposals', component: () => import('./views/gov/Proposals.vue'), meta: { scope: 'gov' } },
  { path: '/gov/simulation', component: () => import('./views/gov/Simulation.vue'), meta: { scope: 'gov' } },
  { path: '/gov/whitelist', component: () => import('./views/gov/Whitelist.vue'), meta: { scope: 'gov' } },

  { path: '/admin', component: () => import('./views/Admin.vue'), meta: { scope: 'admin' } },
  { path: '/enterprise/proposals', component: () => import('./views/enterprise/Proposals.vue'), meta: { scope: 'enterprise' } },
  // Every role: change one's own password (the only page after a reset).
  { path: '/password', component: () => import('./views/Password.vue') },
  { path: '/:rest(.*)*', redirect: () => (session.value ? homeOf(session.value.role) : '/login') },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach((to) => {
  const s = session.value;
  if (to.meta.public) return s && to.path === '/login' ? homeOf(s.role) : true;
  if (!s) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (s.mustChange && to.path !== '/password') return '/password';
  const scope = to.meta.scope as string | undefined;
  if (scope && scope !== scopeOf(s.role)) return homeOf(s.role);
  return true;
});
