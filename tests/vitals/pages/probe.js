// Google's web-vitals library (vendor/, attribution build) measuring the same page as the
// suite's collector, so the self-tests can compare the two. reportAllChanges: headless
// Chromium never hides the page, so without it LCP, CLS and INP would never be reported.
window.__webVitals = {};
(() => {
  const keep = (name, target) => (metric) => {
    window.__webVitals[name] = { value: metric.value, target: target(metric.attribution || {}) };
  };
  const options = { reportAllChanges: true };
  webVitals.onLCP(keep('LCP', (a) => a.target || ''), options);
  webVitals.onCLS(keep('CLS', (a) => a.largestShiftTarget || ''), options);
  webVitals.onINP(keep('INP', (a) => a.interactionTarget || ''), options);
  webVitals.onFCP(keep('FCP', () => ''), options);
  webVitals.onTTFB(keep('TTFB', () => ''), options);
})();
