// Settings Admin: the admin app's routes on top of the shared start-up (session, shell,
// sign-in, 404).

import { startApp } from '/shared/boot.js';
import { renderAudit } from './pages/audit.js';
import { renderDefinitions } from './pages/definitions.js';
import { renderOverview } from './pages/overview.js';
import { renderUsers } from './pages/users.js';

startApp({
  product: 'Settings Admin',
  loginHeading: 'Admin sign in',
  loginLead: 'For administrators only. Use your admin account to manage users and settings.',
  links: [
    { href: '/', label: 'Overview' },
    { href: '/users', label: 'Users' },
    { href: '/settings', label: 'Settings' },
    { href: '/audit', label: 'Audit log' },
  ],
  accountLinks: [],
  routes: [
    { path: '/', render: renderOverview },
    { path: '/users', render: renderUsers },
    { path: '/settings', render: renderDefinitions },
    { path: '/audit', render: renderAudit },
  ],
  notFoundLink: { href: '/', label: 'Go to overview' },
});
