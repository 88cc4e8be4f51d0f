// Web app entry: routes of the settings app on top of the shared shell and router.

import { startApp } from '/shared/boot.js';
import { renderDashboard } from './pages/dashboard.js';
import { renderSettings } from './pages/settings.js';
import { renderHistory } from './pages/history.js';
import { renderProfile } from './pages/profile.js';

startApp({
  product: 'Settings',
  loginHeading: 'Sign in',
  loginLead: 'Use your work email and password.',
  links: [
    { href: '/', label: 'Dashboard' },
    { href: '/settings', label: 'Settings' },
    { href: '/profile', label: 'Profile' },
  ],
  accountLinks: [{ href: '/profile', label: 'Profile', icon: 'user' }],
  routes: [
    { path: '/', render: renderDashboard },
    { path: '/settings', render: renderSettings },
    { path: '/settings/:key/history', render: renderHistory },
    { path: '/profile', render: renderProfile },
  ],
  notFoundLink: { href: '/', label: 'Go to dashboard' },
});
